from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Job
from .services import requeue


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "title",
        "status",
        "created_by",
        "created",
        "run_after",
        "attempts",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["title", "kind", "created_by__email"]
    date_hierarchy = "created"
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by"]
    # Shown in the reader's language instead (message_text, error_text).
    exclude = ["message", "error"]
    readonly_fields = [
        "status",
        "progress_done",
        "progress_total",
        "message_text",
        "result",
        "error_text",
        "result_url",
        "created",
        "run_after",
        "started",
        "finished",
        "locked_by",
        "heartbeat",
        "attempts",
    ]
    actions = ["queue_again"]

    @admin.display(description=_("message"))
    def message_text(self, job: Job) -> str:
        return job.message_text

    @admin.display(description=_("error"))
    def error_text(self, job: Job) -> str:
        return job.error_text

    def has_add_permission(self, request) -> bool:  # jobs are queued by the code, not by hand
        return False

    @admin.action(description=_("Queue the selected failed jobs again"))
    def queue_again(self, request, queryset) -> None:
        count = requeue(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d job queued again.", "%(count)d jobs queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
