"""Who may do what in the implementation monitoring. Built on strategy's rules: the monitoring
of a process is as visible as the process, a concept as visible as its recommendation, and the
process's moderators (the project office) write concepts and request the moderators' workbook.

Reports: the PDF results report and the open data hold only what anonymous visitors can read,
so anyone who sees the process may download them (the monitoring page links the latest of
each); making one is a background job, so it takes a signed-in person who sees the process.
The moderators' workbook holds unpublished contributions and e-mail addresses: only the
process's moderators make and download it."""

from __future__ import annotations

from typing import Any

import rules

from werkstatt.strategy import rules as strategy_rules
from werkstatt.strategy.models import Process

from .models import ImplementationConcept, ReportFile


def _process(obj: Any) -> Process | None:
    if obj is None:
        return None
    if isinstance(obj, Process):
        return obj
    if isinstance(obj, ImplementationConcept):
        return obj.recommendation.process
    if isinstance(obj, ReportFile):
        return obj.process
    return getattr(obj, "process", None)


@rules.predicate
def sees_monitoring(user: Any, obj: Any) -> bool:
    return strategy_rules.sees_process(user, _process(obj))


@rules.predicate
def sees_concept(user: Any, concept: ImplementationConcept | None) -> bool:
    if concept is None:
        return False
    return strategy_rules.sees_recommendation(user, concept.recommendation)


@rules.predicate
def moderates(user: Any, obj: Any) -> bool:
    return strategy_rules.moderates(user, _process(obj))


PUBLIC_KINDS = (ReportFile.Kind.PDF, ReportFile.Kind.OPEN_DATA)


@rules.predicate
def may_request(user: Any, obj: Any) -> bool:
    return bool(user.is_authenticated) and strategy_rules.sees_process(user, _process(obj))


@rules.predicate
def may_download(user: Any, report: ReportFile | None) -> bool:
    if report is None:
        return False
    if report.kind == ReportFile.Kind.XLSX:
        return strategy_rules.moderates(user, report.process)
    return strategy_rules.sees_process(user, report.process)


rules.add_perm("monitoring.view_monitoring", sees_monitoring)
rules.add_perm("monitoring.view_concept", sees_concept)
rules.add_perm("monitoring.change_concept", moderates)
rules.add_perm("monitoring.request_report", may_request)
rules.add_perm("monitoring.request_workbook", moderates)
rules.add_perm("monitoring.download_report", may_download)
