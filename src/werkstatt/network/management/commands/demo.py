"""`werkstatt demo [--organisations N] [--seed S] [--if-empty] [--reset]`: a demo network.

Generates a reproducible network of the Saxon industry (see werkstatt.network.demo) and the
demo accounts for every role. `--if-empty` does nothing when any organisation exists (used by
`make run`); `--reset` first deletes the demo organisations and accounts (recognised by their
".example" addresses), leaving everything else alone.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from werkstatt.network import demo
from werkstatt.network.models import Organisation

# The domain apps' demos run after the network's, in this order. Each app's `demo` module has
# `build_demo(seed: int, report: Callable[[str], None]) -> None` (builds on the demo network and
# accounts, reproducible for a seed) and `delete_demo(report) -> None` (for --reset).
APP_DEMOS = (
    "strategy",
    "assessment",
    "monitoring",
    "opinions",
    "supply",
    "events",
    "matchmaking",
)


@contextlib.contextmanager
def mail_backend(backend: str) -> Iterator[None]:
    previous = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = backend
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = previous


def app_demo_modules() -> list[Any]:
    return [
        importlib.import_module(f"werkstatt.{app}.demo")
        for app in APP_DEMOS
        if importlib.util.find_spec(f"werkstatt.{app}.demo") is not None
    ]


class Command(BaseCommand):
    help = "Generate a reproducible demo network of the Saxon industry, with demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisations",
            type=int,
            default=demo.DEFAULT_ORGANISATIONS,
            help=f"how many organisations (default {demo.DEFAULT_ORGANISATIONS}, "
            f"at least {demo.MIN_ORGANISATIONS})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=f"random seed; the same seed gives the same network (default {demo.DEFAULT_SEED})",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if there are organisations already",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo organisations and demo accounts first",
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="do not refresh the search index (for tests)",
        )
        parser.add_argument(
            "--network-only",
            action="store_true",
            help="only the network and the accounts, not the processes, supply, events (for tests)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["organisations"]
        if count < demo.MIN_ORGANISATIONS:
            raise CommandError(f"--organisations must be at least {demo.MIN_ORGANISATIONS}.")
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Organisations exist already; no demo data generated (--if-empty).")
            return
        say = self.stdout.write
        app_demos = [] if options["network_only"] else app_demo_modules()
        if options["reset"]:
            started = time.monotonic()
            say("Deleting the demo organisations and accounts …")
            for module in reversed(app_demos):
                module.delete_demo(report=say)
            organisations, users = demo.delete_demo(report=say)
            say(
                f"Deleted {organisations} demo organisations and {users} demo accounts "
                f"in {time.monotonic() - started:.1f} s."
            )
        elif demo.demo_organisations().exists():
            raise CommandError(
                "There are demo organisations already. Use --reset to generate them anew."
            )
        say(f"Generating {count} organisations (seed {options['seed']}) …")
        result = demo.build_demo(count, options["seed"], report=say, index=not options["no_index"])
        say(
            self.style.SUCCESS(
                f"Generated {result.organisations} organisations, {result.sites} sites and "
                f"{result.contacts} contact people in {result.seconds:.1f} s"
                + (f"; search index in {result.index_seconds:.1f} s." if result.indexed else ".")
            )
        )
        # The demo's notifications stay on the platform: no e-mail to made-up addresses.
        with mail_backend("django.core.mail.backends.dummy.EmailBackend"):
            for module in app_demos:
                started = time.monotonic()
                module.build_demo(seed=options["seed"], report=say)
                say(f"  ({module.__name__} in {time.monotonic() - started:.1f} s)")
        say("")
        say(
            self.style.WARNING(
                "DEMO DATA: the companies, people and addresses are made up (public institutions "
                "keep their real names, nothing else about them is real). The demo accounts below "
                f"share the password {demo.DEMO_PASSWORD!r}: never use them on a public server."
            )
        )
        width = max(len(a.email) for a in result.accounts)
        for account in result.accounts:
            say(f"  {account.email.ljust(width)}  {account.role}")
        if result.people:
            say(
                f"  and {result.people} accounts of organisation admins and members "
                f"(first.last.N@{demo.ACCOUNT_DOMAIN}, the same password)"
            )
