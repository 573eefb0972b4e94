"""What the results page shows, built from the newest AnalysisResult: the opinion map (points
in SVG coordinates, group hulls and centres, "you are here"), each group's representative
statements with the share agreeing in the group and among the others, the consensus and the
most divisive statements. Pure reading; the template only lays it out.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, ngettext

from werkstatt.engines import opinions as engine

from ..models import AnalysisResult, Conversation, Participant, Statement

WIDTH, HEIGHT, PAD = 800, 500, 36
#: At most this many dots are drawn (every n-th beyond it; "you" always); the table has all.
MAX_DOTS = 2500
GROUP_LETTERS = string.ascii_uppercase


def group_label(group: int) -> str:
    return GROUP_LETTERS[group] if 0 <= group < len(GROUP_LETTERS) else str(group + 1)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class Dot:
    x: float
    y: float
    group: int | None


@dataclass
class GroupView:
    id: int
    label: str
    size: int
    share: int | None
    cx: float
    cy: float
    hull: str  # SVG points, "" when the group is too small for a hull
    is_mine: bool
    representative: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Results:
    result: AnalysisResult
    clustered: bool
    reason: str
    dots: list[Dot]
    dots_total: int
    me: Dot | None
    my_group: GroupView | None
    groups: list[GroupView]
    unclustered: int
    consensus_agree: list[dict[str, Any]]
    consensus_disagree: list[dict[str, Any]]
    divisive: list[dict[str, Any]]
    min_votes: int = 0  # votes a participant needs to be placed in a group
    # Enough participants voted enough to find groups (and to speak of a consensus); False
    # while nobody or too few have voted.
    enough_participants: bool = False
    why_no_groups: str = ""  # the engine's reason, in the reader's language ("" with groups)
    my_votes: int = 0  # the reader's votes on accepted statements
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def my_status(self) -> str:
        """Why the reader (a participant without a group) has no group, and what happens next."""
        if self.my_group is not None:
            return ""
        if self.my_votes >= self.min_votes:
            if not self.enough_participants:
                return gettext(
                    "You have voted on enough statements. You will be placed in a group once "
                    "enough other participants have voted."
                )
            if self.clustered:
                return gettext(
                    "You have voted on enough statements. You will be placed in a group at the "
                    "next update of the map."
                )
            return ""
        return ngettext(
            "You are not in an opinion group yet. Participants who voted on at least %(votes)s "
            "statement are placed in a group at the next update of the map.",
            "You are not in an opinion group yet. Participants who voted on at least %(votes)s "
            "statements are placed in a group at the next update of the map.",
            self.min_votes,
        ) % {"votes": self.min_votes}


_TOO_FEW = re.compile(
    r"^too few participants to find opinion groups: (?P<count>\d+) of (?P<total>\d+) voted "
    r"enough \(at least (?P<votes>\d+) votes\), (?P<needed>\d+) needed$"
)


def no_groups_reason(reason: str) -> tuple[bool, str]:
    """(enough participants?, the reason in the reader's language) for the engine's `reason`
    why there are no groups; the engine speaks English, the page the reader's language."""
    if not reason:
        return True, ""
    if reason == "no votes yet":
        return False, gettext("Nobody has voted yet.")
    too_few = _TOO_FEW.match(reason)
    if too_few:
        count, needed = int(too_few["count"]), int(too_few["needed"])
        return False, ngettext(
            "There are too few participants to find opinion groups yet: %(needed)s need to have "
            "voted on enough statements, so far %(count)s has.",
            "There are too few participants to find opinion groups yet: %(needed)s need to have "
            "voted on enough statements, so far %(count)s have.",
            count,
        ) % {"needed": needed, "count": count}
    if reason.startswith("all clustered participants voted alike"):
        return True, gettext("Everyone who voted enough voted alike: there are no opinion groups.")
    return True, gettext("The participants' positions do not separate into opinion groups yet.")


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull, counter-clockwise (Andrew's monotone chain); [] for fewer than 3."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return []

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1]
    return hull if len(hull) >= 3 else []


class _Scale:
    """Engine coordinates to the SVG's, one scale for both axes (distances stay true)."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        xs = [p[0] for p in points] or [0.0]
        ys = [p[1] for p in points] or [0.0]
        self.x0, self.y0 = min(xs), min(ys)
        span_x, span_y = max(xs) - self.x0, max(ys) - self.y0
        sx = (WIDTH - 2 * PAD) / span_x if span_x else 1.0
        sy = (HEIGHT - 2 * PAD) / span_y if span_y else 1.0
        self.s = min(sx, sy)
        self.ox = (WIDTH - span_x * self.s) / 2
        self.oy = (HEIGHT - span_y * self.s) / 2

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        # SVG's y grows downwards.
        return (
            round(self.ox + (x - self.x0) * self.s, 1),
            round(HEIGHT - (self.oy + (y - self.y0) * self.s), 1),
        )


def _statement_view(statement: Statement | None, sid: int, stats: dict[str, Any]) -> dict[str, Any]:
    agree, disagree, passed = stats.get("votes", [0, 0, 0])
    seen = agree + disagree + passed
    return {
        "id": sid,
        "number": statement.number if statement else None,
        "text": statement.text if statement else gettext("(removed statement)"),
        "agree": percent(agree, seen),
        "disagree": percent(disagree, seen),
        "passed": percent(passed, seen),
        "seen": seen,
    }


def build_results(
    conversation: Conversation, result: AnalysisResult, participant: Participant | None
) -> Results:
    data = result.data
    statements = {
        s.pk: s
        for s in Statement.objects.filter(conversation=conversation).only(
            "pk", "number", "text", "conversation_id"
        )
    }
    stats: dict[str, Any] = data.get("statements", {})
    groups_of: dict[str, int | None] = data.get("participants", {})
    coordinates: dict[str, list[float]] = data.get("coordinates", {})
    raw_groups: list[dict[str, Any]] = data.get("groups", [])

    all_points = [(x, y) for x, y in coordinates.values()]
    all_points += [tuple(g["center"]) for g in raw_groups]
    scale = _Scale(all_points)
    mine = str(participant.pk) if participant is not None else None

    keys = sorted(coordinates, key=int)
    step = max(1, -(-len(keys) // MAX_DOTS))
    dots = []
    by_group: dict[int, list[tuple[float, float]]] = {}
    me = None
    for i, key in enumerate(keys):
        x, y = scale(*coordinates[key])
        group = groups_of.get(key)
        if group is not None:
            by_group.setdefault(group, []).append((x, y))
        dot = Dot(x, y, group)
        if key == mine:
            me = dot
        elif i % step == 0:
            dots.append(dot)

    clustered_total = sum(g["size"] for g in raw_groups)
    my_group_id = groups_of.get(mine) if mine else None
    groups = []
    for g in raw_groups:
        gid = g["id"]
        cx, cy = scale(*g["center"])
        hull = convex_hull(by_group.get(gid, []))
        view = GroupView(
            id=gid,
            label=group_label(gid),
            size=g["size"],
            share=percent(g["size"], clustered_total),
            cx=cx,
            cy=cy,
            hull=" ".join(f"{x},{y}" for x, y in hull),
            is_mine=gid == my_group_id,
        )
        for rep in g.get("representative", []):
            sid = rep["statement"]
            st = stats.get(str(sid), {})
            per_group = st.get("groups", {})
            index = 0 if rep["direction"] == "agree" else 1
            in_group = per_group.get(str(gid), [0, 0, 0])
            others = [0, 0, 0]
            for other, counts in per_group.items():
                if other != str(gid):
                    others = [a + b for a, b in zip(others, counts)]
            statement = statements.get(sid)
            view.representative.append(
                {
                    "id": sid,
                    "number": statement.number if statement else None,
                    "text": statement.text if statement else gettext("(removed statement)"),
                    "direction": rep["direction"],
                    "group_percent": percent(in_group[index], sum(in_group)),
                    "others_percent": percent(others[index], sum(others)),
                    "group_seen": sum(in_group),
                    "others_seen": sum(others),
                    "p_value": rep.get("p_value"),
                }
            )
        groups.append(view)

    def views(ids: list[int]) -> list[dict[str, Any]]:
        return [_statement_view(statements.get(s), s, stats.get(str(s), {})) for s in ids]

    divisive: list[dict[str, Any]] = []
    for sid in data.get("divisive", [])[:5]:
        row = _statement_view(statements.get(sid), sid, stats.get(str(sid), {}))
        per_group = stats.get(str(sid), {}).get("groups", {})
        row["groups"] = [
            {
                "label": group_label(g.id),
                "agree": percent(
                    per_group.get(str(g.id), [0, 0, 0])[0], sum(per_group.get(str(g.id), [0, 0, 0]))
                ),
                "disagree": percent(
                    per_group.get(str(g.id), [0, 0, 0])[1], sum(per_group.get(str(g.id), [0, 0, 0]))
                ),
            }
            for g in groups
        ]
        divisive.append(row)

    consensus = data.get("consensus", {})
    clustered = bool(data.get("clustered"))
    enough, why = no_groups_reason("" if clustered else data.get("reason", "") or "no votes yet")
    my_votes = (
        participant.votes.filter(statement__status=Statement.Status.ACCEPTED).count()
        if participant is not None
        else 0
    )
    return Results(
        result=result,
        clustered=clustered,
        reason=data.get("reason", ""),
        dots=dots,
        dots_total=len(keys),
        me=me,
        my_group=next((g for g in groups if g.is_mine), None),
        groups=groups,
        unclustered=sum(1 for g in groups_of.values() if g is None),
        # No consensus from one or two voters: only once enough people took part.
        consensus_agree=views(consensus.get("agree", [])) if enough else [],
        consensus_disagree=views(consensus.get("disagree", [])) if enough else [],
        divisive=divisive,
        min_votes=min(engine.MIN_VOTES, len(stats)),
        enough_participants=enough,
        why_no_groups=why,
        my_votes=my_votes,
    )
