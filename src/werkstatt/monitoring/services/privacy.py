"""A person's own data in the implementation monitoring, for the DSGVO download (accounts'
export_user_data puts it under data["monitoring"]): the progress reports they wrote, the
concepts they last changed and the reports they had made. Deleting the account keeps all of it
without the link to them (SET_NULL): it is the process's public record."""

from __future__ import annotations

from typing import Any

from ..models import ImplementationConcept, ProgressUpdate, ReportFile


def user_data(user: Any) -> dict[str, Any]:
    return {
        "progress_reports": [
            {
                "concept": str(u.concept),
                "date": u.date.isoformat(),
                "text": u.text,
                "created": u.created.isoformat(),
            }
            for u in ProgressUpdate.objects.filter(author=user)
            .select_related("concept__recommendation")
            .order_by("date", "pk")
        ],
        "concepts_last_changed": [
            {"concept": str(c), "modified": c.modified.isoformat()}
            for c in ImplementationConcept.objects.filter(modified_by=user)
            .select_related("recommendation")
            .order_by("modified", "pk")
        ],
        "reports_requested": [
            {"process": r.process.title, "kind": r.kind, "created": r.created.isoformat()}
            for r in ReportFile.objects.filter(created_by=user)
            .select_related("process")
            .order_by("created", "pk")
        ],
    }
