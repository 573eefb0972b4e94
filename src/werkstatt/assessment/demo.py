"""Demo ratings and comparisons (`werkstatt demo`, after strategy's demo) for the
ZukunftsWerkstatt INDUSTRIE in its prioritisation phase.

About sixty demo raters (bewertung-NN@ in the demo account domain), each an active member of a
fictitious demo organisation of one stakeholder group — companies, trade unions, chambers,
associations and networks, research, public bodies — take part in the process. Each group has
its own leanings, so the group comparison shows real differences: companies push digitalisation
and infrastructure, unions training and demographic change, chambers training and cooperation,
research innovation and transfer, public bodies infrastructure and soft location factors. The
fit for a district is rated for the rater's home district (their organisation's district) and is
higher where a recommendation names that district. The people's answers follow a Bradley–Terry
model of those leanings, with noise. Seeded and reproducible; deleted by delete_demo(). The demo
accounts mitglied@ and firma@ are left without ratings so that one can try it out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from werkstatt.accounts.models import SpaceRole
from werkstatt.network.demo import ACCOUNT_DOMAIN, DEMO_PASSWORD, demo_organisations
from werkstatt.network.models import Organisation, OrganisationMembership, Region
from werkstatt.strategy.models import Process, Recommendation

from .models import Comparison, Rating, StakeholderGroup
from .services.criteria import criteria_of
from .services.groups import GROUP_OF_KIND
from .services.ratings import refresh_process_totals

Report = Callable[[str], None]
PROCESS_SLUG = "zukunftswerkstatt-industrie"
RATER_PREFIX = "bewertung-"
Kind = Organisation.Kind
G = StakeholderGroup

# (organisation kind, how many raters)
RATERS = (
    (Kind.COMPANY, 22),
    (Kind.UNION, 8),
    (Kind.CHAMBER, 8),
    (Kind.ASSOCIATION, 6),
    (Kind.NETWORK, 3),
    (Kind.RESEARCH, 7),
    (Kind.PUBLIC, 6),
)
# Words in an action field's name → how much a group leans towards it (−1 … +1).
LEANINGS: dict[str, dict[str, float]] = {
    G.COMPANY: {"Digital": 0.9, "Infrastruktur": 0.7, "Demograf": -0.3, "Weiche": -0.4},
    G.UNION: {"Bildung": 1.0, "Demograf": 0.9, "Digital": -0.4, "Infrastruktur": -0.2},
    G.CHAMBER: {"Bildung": 0.8, "Kooperation": 0.6, "Weiche": -0.2},
    G.ASSOCIATION: {"Kooperation": 0.8, "Digital": 0.3, "Demograf": -0.2},
    G.RESEARCH: {"Innovation": 1.0, "Digital": 0.6, "Infrastruktur": -0.3},
    G.PUBLIC: {"Infrastruktur": 0.9, "Weiche": 0.7, "Innovation": -0.2},
    G.OTHER: {},
}
FIRST_NAMES = (
    "Katrin", "Uwe", "Peggy", "Jens", "Madlen", "Rico", "Susann", "Torsten", "Anja", "Sven",
    "Nadine", "Frank", "Doreen", "Marcel", "Franziska", "Lutz", "Juliane", "Dirk", "Cindy",
    "André",
)  # fmt: skip
LAST_NAMES = (
    "Kretzschmar", "Uhlig", "Böhme", "Ullrich", "Schreiter", "Haase", "Zimmermann", "Löser",
    "Weigel", "Pfeiffer", "Rößler", "Lange", "Köhler", "Fiedler", "Hofmann",
)  # fmt: skip


def _raters(process: Process, rng: random.Random) -> list[tuple[Any, str, Region | None]]:
    """The demo raters with their group and home district; members of the process."""
    user_model = get_user_model()
    password = make_password(DEMO_PASSWORD)
    districts = list(Region.objects.filter(kind__in=[Region.Kind.DISTRICT, Region.Kind.CITY]))
    out = []
    number = 0
    for kind, count in RATERS:
        organisations = list(
            demo_organisations().filter(kind=kind).select_related("region").order_by("pk")[:200]
        )
        for _ in range(count):
            number += 1
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            user, _created = user_model.objects.get_or_create(
                email=f"{RATER_PREFIX}{number:02d}@{ACCOUNT_DOMAIN}",
                defaults={"name": name, "password": password, "is_active": True},
            )
            home = None
            if organisations:
                org = rng.choice(organisations)
                OrganisationMembership.objects.get_or_create(
                    user=user,
                    organisation=org,
                    defaults={
                        "role": OrganisationMembership.Role.MEMBER,
                        "status": OrganisationMembership.Status.ACTIVE,
                    },
                )
                home = org.region
                group = GROUP_OF_KIND.get(kind, G.OTHER)
            else:
                group = G.OTHER
            if home is None or home.kind == Region.Kind.STATE:
                home = rng.choice(districts) if districts else None
            SpaceRole.objects.get_or_create(
                user=user, space=process.space, role=SpaceRole.Role.MEMBER
            )
            out.append((user, group, home))
    return out


def _leaning(group: str, field_names: list[str]) -> float:
    table = LEANINGS.get(group, {})
    found = [v for word, v in table.items() for name in field_names if word.lower() in name.lower()]
    return sum(found) / len(found) if found else 0.0


def build_demo(seed: int, report: Report) -> None:
    process = Process.objects.filter(slug=PROCESS_SLUG).select_related("space").first()
    if process is None:
        report("Assessment: no ZukunftsWerkstatt INDUSTRIE to rate (strategy's demo is missing).")
        return
    if Rating.objects.filter(recommendation__process=process).exists():
        report("Assessment: ratings already there, left as they are.")
        return
    rng = random.Random(seed + 3)
    recs = list(
        Recommendation.objects.filter(
            process=process,
            kind=Recommendation.Kind.RECOMMENDATION,
            moderation_state=Recommendation.ModerationState.APPROVED,
        )
        .exclude(status=Recommendation.Status.DECLINED)
        .prefetch_related("action_fields", "regions")
        .order_by("pk")
    )
    if len(recs) < 2:
        report("Assessment: too few recommendations to rate.")
        return
    with transaction.atomic():
        criteria = criteria_of(process)
        raters = _raters(process, rng)
        fields = {r.pk: [f.name for f in r.action_fields.all()] for r in recs}
        named = {r.pk: {g.pk for g in r.regions.all()} for r in recs}
        quality = {r.pk: rng.gauss(0, 0.45) for r in recs}
        ratings: list[Rating] = []
        comparisons: list[Comparison] = []
        for user, group, home in raters:
            strength = {
                r.pk: quality[r.pk] + 1.1 * _leaning(group, fields[r.pk]) + rng.gauss(0, 0.25)
                for r in recs
            }
            for rec in rng.sample(recs, k=max(2, round(len(recs) * rng.uniform(0.4, 0.8)))):
                for criterion in criteria:
                    if criterion.per_district and home is None:
                        continue
                    centre = 3.2 + strength[rec.pk]
                    if criterion.key == "feasibility":
                        centre = 3.3 + 0.4 * quality[rec.pk] + rng.gauss(0, 0.3)
                    if criterion.per_district:
                        centre += 0.8 if home and home.pk in named[rec.pk] else -0.2
                    value = min(5, max(1, round(rng.gauss(centre, 0.7))))
                    ratings.append(
                        Rating(
                            user=user,
                            recommendation=rec,
                            criterion=criterion,
                            region=home if criterion.per_district else None,
                            value=value,
                            group=group,
                        )
                    )
            pairs = {
                tuple(sorted(rng.sample([r.pk for r in recs], 2)))
                for _ in range(rng.randint(8, 18))
            }
            for low, high in sorted(pairs):
                p_low = 1 / (1 + math.exp(strength[high] - strength[low]))
                draw = rng.random()
                if abs(strength[low] - strength[high]) < 0.15 and draw < 0.25:
                    choice = Comparison.Choice.UNDECIDED
                else:
                    choice = Comparison.Choice.LOW if draw < p_low else Comparison.Choice.HIGH
                comparisons.append(
                    Comparison(
                        user=user,
                        process=process,
                        item_low_id=low,
                        item_high_id=high,
                        choice=choice,
                        group=group,
                    )
                )
        Rating.objects.bulk_create(ratings, batch_size=2000)
        Comparison.objects.bulk_create(comparisons, batch_size=2000)
        refresh_process_totals(process.pk)
    report(
        f"Assessment: {len(raters)} raters, {len(ratings)} ratings and {len(comparisons)} "
        f"comparisons of {len(recs)} recommendations in {process.title}."
    )


def delete_demo(report: Report) -> None:
    user_model = get_user_model()
    with transaction.atomic():
        raters = user_model.objects.filter(
            email__startswith=RATER_PREFIX, email__endswith="@" + ACCOUNT_DOMAIN
        )
        ratings, _ = Rating.objects.filter(user__in=raters).delete()
        comparisons, _ = Comparison.objects.filter(user__in=raters).delete()
        process = Process.objects.filter(slug=PROCESS_SLUG).first()
        if process is not None:
            refresh_process_totals(process.pk)
        people, _ = raters.delete()
    report(f"Assessment: {ratings} ratings, {comparisons} comparisons and the raters deleted.")
