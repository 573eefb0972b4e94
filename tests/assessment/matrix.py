"""The assessment's URLs in the permission matrix (see tests/matrix.py).

In this world: {as_process} is public and in a phase that allows rating and prioritising;
"member" and "admin" take part in it, "moderator" moderates it; "user" and "other_admin" have
no role. {as_members} is in a rating phase visible to its members only (the same people).
{as_closed} is in a phase that only allows commenting (after a finished assessment phase):
its results are visible, rating is not open.
"""

from __future__ import annotations

import datetime

from tests.assessment.factories import ComparisonFactory, RatingFactory, assessment_process
from tests.matrix import ALL_200, POST_ONLY, Row
from tests.strategy.factories import PhaseFactory, RecommendationFactory, add_role, today
from werkstatt.accounts.models import SpaceRole
from werkstatt.assessment.services.criteria import criteria_of
from werkstatt.strategy.models import Phase

P = {"slug": "{as_process}"}
REC = {"slug": "{as_process}", "pk": "{as_rec}"}
API = {"process_slug": "{as_process}"}
PARTICIPANTS = "login 403 200 200 403 200 200"
PARTICIPANTS_BAD_POST = "login 403 400 400 403 400 400"
API_LOGIN = "401 200 200 200 200 200 200"
API_PARTICIPANTS = "401 403 200 200 403 200 200"
API_PARTICIPANTS_BAD_POST = "401 403 400 400 403 400 400"
MEMBERS_ONLY = "login 403 200 200 403 200 200"
NOBODY = "login 403 403 403 403 403 200"  # superusers pass every rule
MODERATORS = "login 403 403 403 403 200 200"
MODERATORS_BAD_POST = "login 403 403 403 403 400 400"
MODERATORS_REDIRECT = "login 403 403 403 403 302 302"  # refused or unchanged: back to the list
CRIT = {"slug": "{as_process}", "pk": "{as_criterion}"}

ROWS = [
    Row("assessment:index", {}, "GET", ALL_200),
    Row("assessment:process", P, "GET", ALL_200),
    Row("assessment:process", {"slug": "{as_members}"}, "GET", MEMBERS_ONLY, note="members"),
    Row("assessment:recommendation", REC, "GET", ALL_200),
    Row("assessment:rate", REC, "GET", PARTICIPANTS),
    Row("assessment:rate", REC, "POST", PARTICIPANTS_BAD_POST, {}, note="nothing rated"),
    Row(
        "assessment:rate",
        {"slug": "{as_closed}", "pk": "{as_closed_rec}"},
        "GET",
        NOBODY,
        note="phase without rating",
    ),
    Row("assessment:compare", P, "GET", PARTICIPANTS),
    Row("assessment:compare", P, "POST", PARTICIPANTS_BAD_POST, {}, note="no choice"),
    Row("assessment:compare", {"slug": "{as_closed}"}, "GET", NOBODY, note="closed"),
    Row("assessment:ranking", P, "GET", ALL_200),
    Row("assessment:ranking", {"slug": "{as_members}"}, "GET", MEMBERS_ONLY, note="members"),
    Row("assessment:ranking", {"slug": "{as_closed}"}, "GET", ALL_200, note="after the phase"),
    Row("assessment:groups", P, "GET", ALL_200),
    Row("assessment:districts", P, "GET", ALL_200),
    Row("assessment:criteria", P, "GET", MODERATORS),
    Row("assessment:criteria", P, "POST", MODERATORS_BAD_POST, {}, note="no name"),
    Row("assessment:criterion_edit", CRIT, "GET", MODERATORS),
    Row("assessment:criterion_edit", CRIT, "POST", MODERATORS_BAD_POST, {}, note="no name"),
    Row("assessment:criterion_move", CRIT, "GET", POST_ONLY),
    Row(
        "assessment:criterion_move",
        CRIT,
        "POST",
        MODERATORS_REDIRECT,
        {"direction": "sideways"},
        note="refused",
    ),
    Row("assessment:criterion_active", CRIT, "GET", POST_ONLY),
    Row(
        "assessment:criterion_active",
        CRIT,
        "POST",
        MODERATORS_REDIRECT,
        {"asked": "1"},
        note="asked already",
    ),
    Row("assessment:criterion_delete", CRIT, "GET", POST_ONLY),
    Row("assessment:criterion_delete", CRIT, "POST", MODERATORS_REDIRECT, {}, note="has ratings"),
    # --- API ---------------------------------------------------------------------------------
    Row("assessment_api:ratings", API, "GET", API_LOGIN),
    Row("assessment_api:ratings", API, "POST", API_PARTICIPANTS_BAD_POST, {}),
    Row(
        "assessment_api:ratings",
        {"process_slug": "{as_closed}"},
        "POST",
        "401 403 403 403 403 403 403",
        {},
        note="closed",
    ),
    Row("assessment_api:comparisons", API, "GET", API_LOGIN),
    Row("assessment_api:comparisons", API, "POST", API_PARTICIPANTS_BAD_POST, {}),
    Row("assessment_api:next_pair", API, "GET", API_PARTICIPANTS),
    Row("assessment_api:ranking", API, "GET", ALL_200),
    Row(
        "assessment_api:ranking",
        {"process_slug": "{as_members}"},
        "GET",
        "401 403 200 200 403 200 200",
        note="members",
    ),
    Row("assessment_api:groups", API, "GET", ALL_200),
    Row("assessment_api:districts", API, "GET", ALL_200),
]


def world(users: dict, values: dict) -> None:
    process = assessment_process(slug="matrix-bewertung")
    members = assessment_process(slug="matrix-bewertung-intern")
    members.phases.update(visibility=Phase.Visibility.MEMBERS)
    closed = assessment_process(slug="matrix-bewertung-vorbei", rate=False, prioritise=False)
    closed.phases.update(allows_rate=False, allows_prioritise=False)
    PhaseFactory(
        process=closed,
        allows_rate=True,
        allows_prioritise=True,
        start_date=closed.start_date,
        end_date=closed.start_date + datetime.timedelta(days=5),
    )
    assert closed.start_date + datetime.timedelta(days=5) < today() - datetime.timedelta(days=30)
    for target in (process, members, closed):
        add_role(users["member"], target)
        add_role(users["admin"], target)
        add_role(users["moderator"], target, SpaceRole.Role.MODERATOR)
    recs = [RecommendationFactory(process=process) for _ in range(3)]
    closed_rec = RecommendationFactory(process=closed)
    RecommendationFactory(process=members)
    RatingFactory(user=users["admin"], recommendation=recs[0], criterion=criteria_of(process)[0])
    low, high = sorted(recs[:2], key=lambda r: r.pk)
    ComparisonFactory(user=users["admin"], item_low=low, item_high=high)
    values.update(
        {
            "as_process": process.slug,
            "as_rec": recs[0].pk,
            "as_members": members.slug,
            "as_closed": closed.slug,
            "as_closed_rec": closed_rec.pk,
            "as_criterion": criteria_of(process)[0].pk,  # rated (by "admin")
        }
    )
