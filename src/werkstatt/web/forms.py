"""The project's form renderer: `{{ form }}` renders accessible fields everywhere.

Every field gets a <label for>, a visible and spoken "required" marker, help text and errors
linked with aria-describedby (Django adds aria-invalid and the ids), and a form with errors starts
with an error summary whose links lead to the fields (web/includes/form_errors.html).
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class WerkstattFormRenderer(DjangoTemplates):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
