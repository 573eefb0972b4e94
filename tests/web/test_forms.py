"""The project form renderer: labels, required markers, linked help and errors, error summary."""

import pytest
from django import forms

from tests.web.html_checks import parse


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Wie Sie genannt werden möchten.")
    note = forms.CharField(label="Notiz", required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="Einverstanden")
    kind = forms.ChoiceField(
        label="Art", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )

    def clean(self):
        raise forms.ValidationError("Das passt insgesamt nicht.")


def by_id(html):
    return {e.attrs["id"]: e for e in parse(html) if e.attrs.get("id")}


def test_every_field_has_a_label_and_required_marker():
    html = str(ExampleForm())
    elements = parse(html)
    labels = {
        e.attrs["for"]: "".join(e.text) for e in elements if e.tag == "label" and "for" in e.attrs
    }
    assert labels["id_name"].startswith("Name")
    assert "required" in labels["id_name"] or "Pflicht" in labels["id_name"]
    assert "required" not in labels["id_note"] and "Pflicht" not in labels["id_note"]
    assert "id_agree" in labels
    legends = ["".join(e.text) for e in elements if e.tag == "legend"]
    assert legends and legends[0].startswith("Art")
    assert 'class="error-summary"' not in html


def test_help_text_is_linked():
    ids = by_id(str(ExampleForm()))
    assert ids["id_name"].attrs["aria-describedby"] == "id_name_helptext"
    assert "Wie Sie" in "".join(ids["id_name_helptext"].text)


@pytest.mark.django_db
def test_errors_are_linked_and_summarised():
    form = ExampleForm(data={"name": "", "kind": "z"})
    html = str(form)
    ids = by_id(html)
    name = ids["id_name"]
    assert name.attrs["aria-invalid"] == "true"
    assert name.attrs["aria-describedby"].split() == ["id_name_helptext", "id_name_error"]
    assert "id_name_error" in ids
    assert ids["id_agree"].attrs["aria-invalid"] == "true"
    assert "id_agree_error" in ids["id_agree"].attrs["aria-describedby"]
    assert "id_note" in ids and "aria-invalid" not in ids["id_note"].attrs
    elements = parse(html)
    summary = [e for e in elements if "error-summary" in e.attrs.get("class", "")]
    assert len(summary) == 1 and summary[0].attrs["role"] == "alert"
    links = [e.attrs["href"] for e in elements if e.tag == "a"]
    assert links == ["#id_name", "#id_agree", "#id_kind_0"]
    for link in links:
        assert link[1:] in ids
    assert "Das passt insgesamt nicht." in html  # non-field errors are in the summary
    fieldset = next(e for e in elements if e.tag == "fieldset")
    assert fieldset.attrs["aria-describedby"] == "id_kind_error"
