"""A person's own data in the opinion maps, for the DSGVO download (accounts' export_user_data
can include it as data["opinions"]). Deleting an account keeps the votes without the person
(Participant.user is set to NULL), so that results that counted them keep their totals."""

from __future__ import annotations

from typing import Any

from ..models import Participant, Vote


def user_data(user: Any) -> list[dict[str, Any]]:
    """Per conversation the person took part in: their statements and their votes."""
    participants = Participant.objects.filter(user=user).select_related("conversation")
    votes: dict[int, list[dict[str, Any]]] = {}
    for vote in (
        Vote.objects.filter(participant__user=user)
        .select_related("statement")
        .order_by("statement__number")
    ):
        votes.setdefault(vote.participant_id, []).append(
            {
                "statement": vote.statement.text,
                "vote": vote.value,
                "voted": vote.modified.isoformat(),
            }
        )
    out = []
    for participant in participants.order_by("conversation__title"):
        out.append(
            {
                "conversation": participant.conversation.title,
                "since": participant.created.isoformat(),
                "statements": [
                    {"text": s.text, "status": s.status, "created": s.created.isoformat()}
                    for s in participant.statements.order_by("number")
                ],
                "votes": votes.get(participant.pk, []),
            }
        )
    return out
