"""Forms of the member-list import: upload, column mapping, decisions on duplicates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportBatch, ImportRow
from ..services import importer


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Member list"),
        help_text=_(
            "CSV (any separator, UTF-8 or Windows-1252), XLSX or XLS; at most 20 MB "
            "and 100,000 rows. The first row must hold the column names."
        ),
        error_messages={
            "required": _("Please choose a file."),
            "empty": _("The file is empty. Please upload the member list with a header row."),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > importer.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                importer.describe(
                    "too_large",
                    {
                        "size_mb": round(upload.size / 1024 / 1024, 1),
                        "max_mb": importer.MAX_UPLOAD_BYTES // 1024 // 1024,
                    },
                )
            )
        return upload


class MappingForm(forms.Form):
    """One select per field; the choices are the file's columns."""

    def __init__(self, batch: ImportBatch, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batch = batch
        samples = batch.info.get("samples", [])
        choices: list[tuple[str, str]] = [("", str(_("— not in the file —")))]
        for index, _header in enumerate(batch.info.get("headers", [])):
            label = importer.column_label(batch, index)
            example = next((s for s in (samples[index] if index < len(samples) else []) if s), "")
            if example:
                label = f"{label} ({_('e.g.')} {example[:40]})"
            choices.append((str(index), label))
        for field, (label, _words) in importer.FIELDS.items():
            current = batch.mapping.get(field)
            self.fields[field] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=field == "name",
                initial="" if current is None else str(current),
                error_messages={
                    "required": _("Please choose the column that holds the organisation's name.")
                },
            )

    def mapping(self) -> dict[str, int | None]:
        return {
            field: int(value) if value not in ("", None) else None
            for field, value in self.cleaned_data.items()
        }


class SheetForm(forms.Form):
    """Which worksheet of a workbook holds the list (shown when there are several)."""

    sheet = forms.ChoiceField(label=_("Worksheet"))

    def __init__(self, batch: ImportBatch, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(s, s) for s in batch.info.get("sheets", [])]
        self.fields["sheet"].initial = batch.sheet


class DecisionForm(forms.Form):
    """Decisions for the duplicate rows shown on one preview page."""

    def __init__(self, rows: list[ImportRow], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ImportRow.Decision.choices)
        self.rows = rows
        for row in rows:
            allowed = importer.ALLOWED_DECISIONS[row.status]
            if row.status == ImportRow.Status.NEW or not allowed:
                continue
            self.fields[f"row_{row.pk}"] = forms.ChoiceField(
                label=_("Row %(row)s") % {"row": row.number},
                choices=[(d, labels[d]) for d in ImportRow.Decision.values if d in allowed],
                initial=row.decision,
            )

    def decisions(self) -> dict[int, str]:
        return {int(name.removeprefix("row_")): value for name, value in self.cleaned_data.items()}

    def field_for(self, row: ImportRow) -> Any:
        name = f"row_{row.pk}"
        return self[name] if name in self.fields else None
