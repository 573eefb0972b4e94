"""Name badges PDF for an event of 303 people (the supplier conference): seconds per run.

    WERKSTATT_DATA_DIR=/tmp/x .venv/bin/python bench/badges.py [--people 303] [--runs 3]

Prints the load average with every figure (the machine is shared). No database needed.
"""

from __future__ import annotations

import argparse
import logging
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=303)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkstatt.settings")
    import django

    django.setup()
    logging.disable(logging.CRITICAL)  # fontTools reports every font subset
    from werkstatt.events.models import Event, Registration, new_ticket_code
    from werkstatt.events.services.documents import badges_pdf

    event = Event(title="IMPRO Zulieferkonferenz Dresden 2027", slug="impro")
    people = [
        Registration(
            name=f"Dr. Katrin Schubert-Müller {i}",
            organisation_name="Erzgebirgische Präzisionsdrehteile und Baugruppen GmbH & Co. KG"
            if i % 3 == 0
            else "Laser Zwickau GmbH",
            ticket_code=new_ticket_code(),
        )
        for i in range(args.people)
    ]
    for _ in range(args.runs):
        started = time.perf_counter()
        data = badges_pdf(event, people)
        seconds = time.perf_counter() - started
        load = os.getloadavg()
        print(
            f"{args.people} badges: {seconds:.2f} s, {len(data) / 1e6:.2f} MB "
            f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
        )


if __name__ == "__main__":
    main()
