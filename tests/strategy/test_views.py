"""The pages: forms reject bad input with a message and change nothing; htmx and plain
requests both work; lists filter and paginate."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.factories import RegionFactory, UserFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    CommentFactory,
    PhaseFactory,
    ProcessFactory,
    RecommendationFactory,
    member_of,
    moderator_of,
    running_process,
)
from werkstatt.accounts.models import SpaceRole
from werkstatt.strategy.models import (
    Comment,
    CommentReaction,
    ModerationAction,
    Phase,
    Process,
    Recommendation,
)
from werkstatt.strategy.services import recommendations as services

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def process():
    return running_process()


def test_index_lists_only_visible_processes(client):
    ProcessFactory(title="Offene Werkstatt")
    ProcessFactory(title="Geheime Werkstatt", is_public=False)
    ProcessFactory(title="Entwurfswerkstatt", status=Process.Status.DRAFT)
    html = page(client.get(reverse("strategy:index")))
    assert "Offene Werkstatt" in html
    assert "Geheime Werkstatt" not in html and "Entwurfswerkstatt" not in html


def test_process_page_hides_board_phase_from_public(client, process):
    PhaseFactory(
        process=process,
        name="Sitzung des Begleitgremiums",
        start_date=process.start_date,
        end_date=process.start_date + datetime.timedelta(days=3),
        visibility=Phase.Visibility.BOARD,
    )
    html = page(client.get(reverse("strategy:process", args=[process.slug])))
    assert process.current_phase().name in html
    assert "Sitzung des Begleitgremiums" not in html
    client.force_login(moderator_of(process))
    assert "Sitzung des Begleitgremiums" in page(
        client.get(reverse("strategy:process", args=[process.slug]))
    )


def test_join_then_propose(client, process):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("strategy:join", args=[process.slug]))
    assert SpaceRole.objects.filter(user=user, space=process.space, role="member").exists()
    assert reverse("strategy:leave", args=[process.slug]) in page(
        client.get(reverse("strategy:process", args=[process.slug]))
    )
    field = ActionFieldFactory(process=process, name="Infrastruktur")
    region = RegionFactory()
    response = client.post(
        reverse("strategy:recommendation_create", args=[process.slug]),
        {
            "kind": "thesis",
            "title": "Glasfaser in jedes Gewerbegebiet",
            "text": "Ohne schnelles Netz keine Fernwartung und kein Datenaustausch.",
            "action_fields": [field.pk],
            "regions": [region.pk],
        },
    )
    rec = Recommendation.objects.get()
    assert response.status_code == 302 and response["Location"] == rec.get_absolute_url()
    assert rec.kind == "thesis" and list(rec.regions.all()) == [region]


def test_propose_bad_input_changes_nothing(client, process):
    client.force_login(member_of(process))
    url = reverse("strategy:recommendation_create", args=[process.slug])
    foreign = ActionFieldFactory(process=ProcessFactory())
    cases = [
        {"kind": "recommendation", "title": "Kurz", "text": "Auch zu kurz"},
        {"kind": "manifest", "title": "Ein guter Titel", "text": "x" * 40},
        {
            "kind": "thesis",
            "title": "Ein guter Titel",
            "text": "x" * 40,
            "action_fields": [foreign.pk],
        },
    ]
    for data in cases:
        response = client.post(url, data)
        assert response.status_code == 200
        assert "error-summary" in page(response)
    fake = SimpleUploadedFile("bericht.pdf", b"<html>kein pdf</html>", "application/pdf")
    response = client.post(
        url, {"kind": "thesis", "title": "Ein guter Titel", "text": "x" * 40, "attachments": fake}
    )
    assert response.status_code == 200
    assert "bericht.pdf" in page(response)
    assert not Recommendation.objects.exists()


def test_pre_moderation_then_the_queue(client):
    process = running_process(moderation=Process.Moderation.PRE)
    author = member_of(process)
    rec = services.do_propose(process, author, {"title": "Werkstatttage", "text": "x" * 30})
    client.force_login(UserFactory())
    assert client.get(rec.get_absolute_url()).status_code == 404
    assert "Werkstatttage" not in page(
        client.get(reverse("strategy:recommendations", args=[process.slug]))
    )
    client.force_login(moderator_of(process))
    queue = reverse("strategy:moderation", args=[process.slug])
    assert "Werkstatttage" in page(client.get(queue))
    url = reverse("strategy:recommendation_moderate", args=[process.slug, rec.pk])
    response = client.post(url, {"decision": "reject", "reason": "", "next": "queue"})
    assert response.status_code == 422
    rec.refresh_from_db()
    assert rec.moderation_state == "pending"
    response = client.post(url, {"decision": "approve", "next": "queue"})
    assert response["Location"] == queue
    rec.refresh_from_db()
    assert rec.is_published


def test_list_filters_and_paginates(client, process):
    digital = ActionFieldFactory(process=process, name="Digitalisierung")
    region = RegionFactory()
    tagged = RecommendationFactory(process=process, title="Datenräume für Zulieferer")
    tagged.action_fields.add(digital)
    tagged.regions.add(region)
    RecommendationFactory(process=process, title="Kita-Plätze", status="discussion")
    url = reverse("strategy:recommendations", args=[process.slug])
    html = page(client.get(url, {"action_field": digital.pk}))
    assert "Datenräume" in html and "Kita-Plätze" not in html
    html = page(client.get(url, {"region": region.pk}))
    assert "Datenräume" in html and "Kita-Plätze" not in html
    html = page(client.get(url, {"status": "discussion"}))
    assert "Kita-Plätze" in html and "Datenräume" not in html
    html = page(client.get(url, {"status": "nonsense"}))  # a bad filter shows an error, no crash
    assert client.get(url, {"status": "nonsense"}).status_code == 200
    for i in range(21):
        RecommendationFactory(process=process, title=f"Weitere Empfehlung {i}")
    assert 'aria-current="page"' in page(client.get(url, {"page": 2}))


def test_comment_with_htmx_and_without(client, process):
    rec = RecommendationFactory(process=process)
    client.force_login(member_of(process))
    url = reverse("strategy:comment_create", args=[process.slug, rec.pk])
    response = client.post(url, {"text": "Sehe ich genauso."}, **HTMX)
    assert response.status_code == 200
    assert 'id="discussion"' in page(response) and "Sehe ich genauso." in page(response)
    assert "<html" not in page(response)
    response = client.post(url, {"text": "   "}, **HTMX)
    assert response.status_code == 422
    assert Comment.objects.count() == 1
    parent = Comment.objects.get()
    response = client.post(url, {"text": "Und noch etwas.", "parent": parent.pk})
    reply = Comment.objects.get(parent=parent)
    assert response["Location"].endswith(f"#comment-{reply.pk}")


def test_reply_page_and_partial(client, process):
    comment = CommentFactory(recommendation=RecommendationFactory(process=process))
    client.force_login(member_of(process))
    url = reverse("strategy:comment_reply", args=[process.slug, comment.pk])
    full = page(client.get(url))
    assert "<html" in full and "hx-post" not in full.split('class="form stack reply-form"')[1]
    partial = page(client.get(url, **HTMX))
    assert "<html" not in partial and f'name="parent" value="{comment.pk}"' in partial
    assert "hx-post" in partial
    response = client.post(url, {"text": ""})
    assert response.status_code == 200 and not comment.replies.exists()
    client.post(url, {"text": "Danke für den Hinweis."})
    assert comment.replies.get().text == "Danke für den Hinweis."


def test_react_and_hidden_comment_text(client, process):
    rec = RecommendationFactory(process=process)
    comment = CommentFactory(recommendation=rec)
    CommentFactory(
        recommendation=rec, text="Beleidigender Text", is_hidden=True, hidden_reason="Netiquette"
    )
    member = member_of(process)
    client.force_login(member)
    url = reverse("strategy:comment_react", args=[process.slug, comment.pk])
    response = client.post(url, {"kind": "agree"}, **HTMX)
    assert 'aria-pressed="true"' in page(response)
    assert 'id="discussion"' not in page(response)  # only the reactions are replaced
    assert CommentReaction.objects.get().kind == "agree"
    client.post(url, {"kind": "bogus"})
    assert CommentReaction.objects.get().kind == "agree"
    html = page(client.get(rec.get_absolute_url()))
    assert "Netiquette" in html and "Beleidigender Text" not in html
    client.force_login(moderator_of(process))
    assert "Beleidigender Text" in page(client.get(rec.get_absolute_url()))


def test_office_answers_on_the_page(client, process):
    rec = RecommendationFactory(process=process)
    moderator = moderator_of(process)
    client.force_login(moderator)
    url = reverse("strategy:recommendation_answer", args=[process.slug, rec.pk])
    response = client.post(url, {"answer": "", "status": rec.status})
    assert response.status_code == 422
    client.post(url, {"answer": "Wir prüfen das.", "status": "assessment"})
    rec.refresh_from_db()
    assert rec.answer == "Wir prüfen das." and rec.status == "assessment"
    client.logout()
    assert "Wir prüfen das." in page(client.get(rec.get_absolute_url()))
    client.force_login(moderator)
    trail = page(client.get(reverse("strategy:audit_log", args=[process.slug])))
    assert rec.title in trail


def test_process_and_phase_forms_reject_bad_dates(client, process):
    moderator = moderator_of(process)
    client.force_login(moderator)
    response = client.post(
        reverse("strategy:process_create"),
        {
            "title": "Neue Werkstatt",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
            "status": "active",
            "moderation": "post",
        },
    )
    assert response.status_code == 200 and "error-summary" in page(response)
    assert Process.objects.count() == 1
    current = process.current_phase()
    response = client.post(
        reverse("strategy:phase_create", args=[process.slug]),
        {
            "name": "Überlappend",
            "start_date": current.start_date.isoformat(),
            "end_date": current.end_date.isoformat(),
            "visibility": "public",
            "order": 0,
        },
    )
    assert response.status_code == 200 and current.name in page(response)
    assert process.phases.count() == 1


def test_versions_page_shows_the_diff(client, process):
    author = member_of(process)
    rec = services.do_propose(process, author, {"title": "Breitband", "text": "Breitband jetzt"})
    services.do_edit(rec, author, {"text": "Glasfaser jetzt"})
    html = page(
        client.get(reverse("strategy:recommendation_versions", args=[process.slug, rec.pk]))
    )
    assert "<del>Breitband</del>" in html and "<ins>Glasfaser</ins>" in html


def test_attachment_download_is_checked(client):
    process = running_process(moderation=Process.Moderation.PRE)
    author = member_of(process)
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    rec = services.do_propose(process, author, {"title": "Plan", "text": "x" * 30}, [pdf])
    url = reverse("strategy:attachment", args=[process.slug, rec.attachments.get().pk])
    assert client.get(url).status_code == 404  # pending: only its author and moderators
    client.force_login(author)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_hide_form_requires_reason(client, process):
    comment = CommentFactory(recommendation=RecommendationFactory(process=process))
    client.force_login(moderator_of(process))
    url = reverse("strategy:comment_hide", args=[process.slug, comment.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    comment.refresh_from_db()
    assert not comment.is_hidden and not ModerationAction.objects.exists()
    client.post(url, {"reason": "Werbung"})
    comment.refresh_from_db()
    assert comment.is_hidden


def test_email_addresses_never_show_in_public(client, process):
    nameless = UserFactory(email="geheim@firma.example", name="")
    rec = RecommendationFactory(process=process, author=nameless)
    CommentFactory(recommendation=rec, author=nameless)
    pages = [
        page(client.get(rec.get_absolute_url())),
        page(client.get(reverse("strategy:recommendations", args=[process.slug]))),
        page(client.get(reverse("strategy_api:recommendation-list", args=[process.slug]))),
        page(client.get(reverse("strategy_api:comment-list", args=[process.slug, rec.pk]))),
    ]
    assert not [p for p in pages if "geheim@firma.example" in p]


def test_phase_form_saves_a_phase_without_order(client, process):
    client.force_login(moderator_of(process))
    end = process.end_date
    response = client.post(
        reverse("strategy:phase_create", args=[process.slug]),
        {
            "name": "Umsetzungskonzepte",
            "start_date": (end - datetime.timedelta(days=10)).isoformat(),
            "end_date": end.isoformat(),
            "visibility": "members",
            "allows_comment": "on",
            "order": "",
        },
    )
    assert response.status_code == 302
    phase = process.phases.get(name="Umsetzungskonzepte")
    assert phase.order == 0 and phase.allows_comment and not phase.allows_propose


def test_leave(client, process):
    member = member_of(process)
    client.force_login(member)
    client.post(reverse("strategy:leave", args=[process.slug]))
    assert not SpaceRole.objects.filter(user=member, space=process.space).exists()
    assert not member.has_perm("strategy.propose", process)


def test_words_with_two_meanings_have_their_own_messages(client, process):
    """ "Report" (to flag) is not the noun "Bericht"; the phase action "comment" is a verb next
    to the other verbs, not the noun "Kommentar"."""
    rec = RecommendationFactory(process=process)
    CommentFactory(recommendation=rec)
    client.force_login(member_of(process))
    with translation.override("de"):
        flag = pgettext("flag content to the moderators", "Report")
        verb = pgettext("phase action", "comment")
        noun_report, noun_comment = gettext("Report"), gettext("comment")
    assert flag != noun_report and verb != noun_comment
    page = client.get(rec.get_absolute_url()).content.decode()
    assert page.count(f">{flag}</a>") == 2  # the recommendation and its comment
    assert f">{noun_report}</a>" not in page
    page = client.get(reverse("strategy:process", args=[process.slug])).content.decode()
    assert f'<span class="tag">{verb}</span>' in page
    assert f'<span class="tag">{noun_comment}</span>' not in page


def test_the_audit_trail_shows_labels_not_stored_values(client, process):
    moderator = moderator_of(process)
    rec = RecommendationFactory(process=process, status="prioritised")
    services.do_answer(rec, moderator, "", "in_implementation")
    client.force_login(moderator)
    client.post(
        reverse("strategy:members", args=[process.slug]),
        {"email": UserFactory(email="neu@example.org").email, "role": "board_member"},
    )
    page = client.get(reverse("strategy:audit_log", args=[process.slug])).content.decode()
    with translation.override("de"):
        prioritised = str(Recommendation.Status.PRIORITISED.label)
        implementing = str(Recommendation.Status.IN_IMPLEMENTATION.label)
        board = str(SpaceRole.Role.BOARD_MEMBER.label)
    assert prioritised in page and implementing in page and board in page
    for raw in ("prioritised", "in_implementation", "board_member", "role added"):
        assert raw not in page, raw


def test_sectors_are_grouped_by_section_with_a_filter(client, process):
    from werkstatt.network.models import Sector

    client.force_login(member_of(process))
    html = page(client.get(reverse("strategy:recommendation_create", args=[process.slug])))
    assert "data-filter-scope" in html and "checkbox-filter.js" in html
    legends = re.findall(r"<legend>([A-U]) [^<]+</legend>", html)
    assert legends == sorted(legends) and "C" in legends  # sections in order A … U
    manufacturing = html[html.index("<legend>C ") :]
    manufacturing = manufacturing[: manufacturing.index("</fieldset>")]
    machines = Sector.objects.get(code="28")
    assert f'value="{machines.pk}"' in manufacturing  # Maschinenbau under its section
    data = {"kind": "recommendation", "title": "Glasfaser für Gewerbegebiete", "text": "x" * 30}
    client.post(
        reverse("strategy:recommendation_create", args=[process.slug]),
        {**data, "sectors": [machines.pk]},
    )
    assert list(Recommendation.objects.get().sectors.all()) == [machines]
    listing = page(client.get(reverse("strategy:recommendations", args=[process.slug])))
    assert re.search(r'<optgroup label="C [^"]+">', listing)
