"""Which function runs which kind of job.

Apps register handlers in a `jobs.py` module, which JobsConfig.ready() imports in every installed
app (like the admin's autodiscover), so web processes and workers know the same handlers:

    from werkstatt.jobs.registry import JobError, job_handler

    @job_handler("network.import")
    def run_import(ctx, payload: dict) -> dict:
        ctx.progress(0, len(rows), _("Reading the file"))
        ...
        ctx.set_result_url(reverse(...))
        return {"created": 12}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .services import JobContext

Handler = Callable[["JobContext", dict[str, Any]], dict[str, Any] | None]

_handlers: dict[str, Handler] = {}


class JobError(Exception):
    """Raised by a handler to fail its job with a message meant for the user.

    The message should be translated (gettext) and say what went wrong and what to do; it is
    shown on the job page as it is. Any other exception fails the job with a generic message
    and its traceback goes to the log.
    """

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of jobs of this kind."""

    def decorator(func: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not func:
            same = (existing.__module__, existing.__qualname__) == (
                func.__module__,
                func.__qualname__,
            )
            if not same:  # a module imported twice re-registers itself; anything else is a bug
                raise ValueError(f"A handler for job kind {kind!r} is already registered.")
        _handlers[kind] = func
        return func

    return decorator


def get_handler(kind: str) -> Handler | None:
    return _handlers.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def unregister(kind: str) -> None:
    """Forget a handler (for tests that register their own)."""
    _handlers.pop(kind, None)
