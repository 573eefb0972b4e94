"""The pages: voting with and without htmx, adding statements, results, moderation, import,
export; bad input gets a message and changes nothing."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.opinions.factories import (
    ConversationFactory,
    PhaseFactory,
    StatementFactory,
    member_of,
    moderator_of,
)
from werkstatt.opinions.models import Conversation, Statement, Vote
from werkstatt.opinions.services import analysis
from werkstatt.strategy.models import Phase

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english():
    # The pages in English (/en/…): the assertions read our msgids, whatever the German
    # catalogue says once it is translated.
    with translation.override("en"):
        yield


@pytest.fixture
def voter(client, conversation, member):
    client.force_login(member)
    return client


def url(name: str, conversation: Conversation, **kwargs) -> str:
    return reverse(f"opinions:{name}", kwargs={"slug": conversation.slug, **kwargs})


def current_number(html: str) -> int:
    match = re.search(r'name="statement" value="(\d+)"', html)
    assert match, "no statement to vote on"
    return int(match.group(1))


def test_vote_with_htmx_returns_the_next_card_and_an_announcement(voter, conversation):
    for i in range(3):
        StatementFactory(conversation=conversation, number=i)
    page = voter.get(url("conversation", conversation)).content.decode()
    assert 'aria-live="polite"' in page and 'id="vote-status"' in page
    first = current_number(page)
    response = voter.post(url("vote", conversation), {"statement": first, "value": "1"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="vote-card"')
    assert "<html" not in html  # a fragment, not a page
    assert 'hx-swap-oob="innerHTML:#vote-status"' in html
    voted_on = Statement.objects.get(conversation=conversation, number=first).text
    # The live region names the vote and the statement, then that another one follows.
    assert f"Agreed: “{voted_on}”. Next statement." in html
    assert 'id="current-statement" tabindex="-1"' in html  # the script focuses it
    second = current_number(html)
    assert second != first
    assert Vote.objects.get(statement__number=first).value == 1
    assert "You have voted on 1 of 3 statements." in html


def test_vote_without_javascript_redirects_back(voter, conversation):
    StatementFactory(conversation=conversation, number=0)
    response = voter.post(url("vote", conversation), {"statement": 0, "value": "-1"})
    assert response.status_code == 302
    assert response["Location"].endswith("#abstimmen")
    page = voter.get(response["Location"]).content.decode()
    assert "Disagreed: “" in page
    assert "You have voted on all statements. Thank you!" in page


@pytest.mark.parametrize(
    "data",
    [
        {"statement": 0, "value": "7"},
        {"statement": 0},
        {"statement": "abc", "value": "1"},
        {"statement": 99, "value": "1"},
        {"statement": 1, "value": "1"},  # pending
    ],
)
def test_bad_votes_are_refused_with_a_message(voter, conversation, data):
    StatementFactory(conversation=conversation, number=0)
    StatementFactory(conversation=conversation, number=1, status=Statement.Status.PENDING)
    response = voter.post(url("vote", conversation), data, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert not Vote.objects.exists()
    # Without htmx: an error message on the page.
    response = voter.post(url("vote", conversation), data, follow=True)
    assert "alert--error" in response.content.decode()
    assert not Vote.objects.exists()


def test_someone_without_a_role_sees_but_cannot_vote(client, conversation):
    StatementFactory(conversation=conversation, number=0)
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get(url("conversation", conversation)).content.decode()
    assert "Join the process to vote" in page or "Only participants" in page
    assert 'name="value"' not in page
    assert client.post(url("vote", conversation), {"statement": 0, "value": 1}).status_code == 403
    assert not Vote.objects.exists()


def test_add_statement_from_the_page(voter, conversation):
    response = voter.post(url("statement_add", conversation), {"text": "Mehr Azubi-Wohnheime."})
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.status == Statement.Status.PENDING
    page = voter.get(url("conversation", conversation)).content.decode()
    assert "Mehr Azubi-Wohnheime." in page  # listed as awaiting moderation


@pytest.mark.parametrize("text", ["", "x" * 281])
def test_bad_statement_shows_the_form_again(voter, conversation, text):
    response = voter.post(url("statement_add", conversation), {"text": text})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Statement.objects.exists()


def test_results_page_shows_map_groups_and_your_group(client, planted_conversation):
    conversation, statements, camp_a, camp_b = planted_conversation
    member = member_of(conversation.phase.process)
    camp_a[0].user = member
    camp_a[0].save()
    analysis.run_analysis(conversation)
    client.force_login(member)
    html = client.get(url("results", conversation)).content.decode()
    assert '<svg class="opinion-map__svg"' in html
    assert 'role="img"' in html and "<title" in html
    assert html.count('class="opinion-hull opinion-g') == 2
    assert 'id="map-me"' in html and "You are here" in html
    assert "Your group: group" in html
    assert 'id="map-table"' in html
    assert "style=" not in html.split("<main")[1]  # no inline style (CSP)
    # Coordinates are written with a dot whatever the language.
    coordinates = re.findall(r'cx="([^"]+)"', html)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates)
    assert "of group A agree" in html or "of group B agree" in html
    assert "Where the groups split most" in html


def test_results_page_before_any_analysis(client, conversation):
    html = client.get(url("results", conversation)).content.decode()
    assert "There is no analysis yet" in html


def test_results_page_queues_an_analysis_when_stale(client, conversation, member, settings):
    settings.JOBS_MODE = "worker"
    from werkstatt.jobs.models import Job
    from werkstatt.opinions.services import conversations as services

    statement = StatementFactory(conversation=conversation)
    services.do_vote(conversation, member, statement, 1)
    client.get(url("results", conversation))
    assert Job.objects.filter(kind=analysis.JOB_KIND).count() == 1


def test_recompute_now_runs_the_delayed_analysis(client, conversation, member, settings):
    settings.OPINIONS_ANALYSIS_INTERVAL = 60
    from werkstatt.jobs.models import Job
    from werkstatt.opinions.services import conversations as services

    statements = [StatementFactory(conversation=conversation) for _ in range(2)]
    services.do_vote(conversation, member, statements[0], 1)
    analysis.run_analysis(conversation)
    services.do_vote(conversation, member, statements[1], -1)
    delayed = analysis.request_analysis(conversation)
    assert delayed.status == Job.Status.QUEUED and delayed.run_after is not None
    client.force_login(moderator_of(conversation.phase.process))
    response = client.post(url("analyse", conversation), follow=True)
    assert "The opinion groups are being computed." in response.content.decode()
    delayed.refresh_from_db()
    assert delayed.status == Job.Status.SUCCEEDED  # sync mode: run at once, no second job
    assert Job.objects.filter(kind=analysis.JOB_KIND).count() == 1
    assert analysis.latest_result(conversation).vote_count == 2


def test_moderator_creates_seeds_and_moderates(client):
    phase = PhaseFactory()
    moderator = moderator_of(phase.process)
    client.force_login(moderator)
    response = client.post(
        reverse("opinions:conversation_create", kwargs={"phase": phase.pk}),
        {
            "title": "Thesen zur Ansiedlungspolitik",
            "is_open": "on",
            "allow_statements": "on",
            "moderate_statements": "on",
        },
    )
    conversation = Conversation.objects.get()
    assert response["Location"] == url("moderation", conversation)
    assert conversation.slug == "thesen-zur-ansiedlungspolitik"
    client.post(
        url("moderation", conversation), {"text": "Subventionen für Großansiedlungen beenden."}
    )
    seed = Statement.objects.get()
    assert seed.is_seed and seed.status == Statement.Status.ACCEPTED
    # An empty seed: the form again, nothing added.
    response = client.post(url("moderation", conversation), {"text": " "})
    assert response.status_code == 200 and Statement.objects.count() == 1
    pending = StatementFactory(conversation=conversation, number=5, status="pending", is_seed=False)
    page = client.get(url("conversation", conversation)).content.decode()
    assert "1 awaiting moderation" in page
    client.post(url("statement_moderate", conversation, pk=pending.pk), {"status": "rejected"})
    pending.refresh_from_db()
    assert pending.status == Statement.Status.REJECTED
    # A made-up decision changes nothing.
    client.post(url("statement_moderate", conversation, pk=pending.pk), {"status": "deleted"})
    pending.refresh_from_db()
    assert pending.status == Statement.Status.REJECTED


def test_conversation_create_refuses_an_empty_title(client):
    phase = PhaseFactory()
    client.force_login(moderator_of(phase.process))
    response = client.post(
        reverse("opinions:conversation_create", kwargs={"phase": phase.pk}), {"title": ""}
    )
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_import_and_export_pages(client, planted_conversation):
    conversation, *_ = planted_conversation
    client.force_login(moderator_of(conversation.phase.process))
    response = client.get(url("export", conversation))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert set(archive.namelist()) == {"comments.csv", "votes.csv", "participants-votes.csv"}

    target = ConversationFactory(phase=conversation.phase)
    response = client.post(
        url("import", target), {"archive": SimpleUploadedFile("polis.zip", content)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert target.statements.count() == 10
    # Nothing uploaded: the form says what is needed.
    empty = ConversationFactory(phase=conversation.phase)
    response = client.post(url("import", empty), {})
    assert "Upload the ZIP file of the export" in response.content.decode()
    # A broken file: the reason, and nothing imported.
    response = client.post(
        url("import", empty),
        {
            "comments": SimpleUploadedFile("comments.csv", b"comment-id,comment-body\n0,Hallo\n"),
            "votes": SimpleUploadedFile(
                "votes.csv", b"timestamp,comment-id,voter-id,vote\n1,0,0,ja\n"
            ),
        },
    )
    html = response.content.decode()
    assert "votes.csv, row 2, column" in html
    assert not empty.statements.exists()


def test_members_only_conversation_is_hidden_from_the_public(client):
    conversation = ConversationFactory(phase=PhaseFactory(visibility=Phase.Visibility.MEMBERS))
    assert client.get(url("conversation", conversation)).status_code == 404
    assert conversation.title not in client.get(reverse("opinions:index")).content.decode()
    member = member_of(conversation.phase.process)
    client.force_login(member)
    assert client.get(url("conversation", conversation)).status_code == 200
    assert conversation.title in client.get(reverse("opinions:index")).content.decode()


def test_list_and_detail_agree_on_visibility():
    """visible_conversations (lists) is the same rule as the detail pages (rules)."""
    from tests.factories import UserFactory
    from tests.opinions.factories import ProcessFactory
    from werkstatt.opinions.services.conversations import visible_conversations
    from werkstatt.strategy.models import Process

    conversations = []
    for status in (Process.Status.ACTIVE, Process.Status.DRAFT):
        for is_public in (True, False):
            process = ProcessFactory(status=status, is_public=is_public)
            for visibility in Phase.Visibility.values:
                conversations.append(
                    ConversationFactory(phase=PhaseFactory(process=process, visibility=visibility))
                )
    process = conversations[0].phase.process
    from django.contrib.auth.models import AnonymousUser

    people = [AnonymousUser(), UserFactory(), member_of(process), moderator_of(process)]
    board = UserFactory()
    from tests.opinions.factories import member_of as role

    role(process, board, "board_member")
    people.append(board)
    for person in people:
        listed = set(visible_conversations(person))
        for conversation in conversations:
            assert (conversation in listed) == person.has_perm(
                "opinions.view_conversation", conversation
            ), (person, conversation.phase.visibility, conversation.phase.process.status)


def test_your_votes_can_be_changed_from_the_list(voter, conversation, member):
    for i in range(2):
        StatementFactory(conversation=conversation, number=i)
    voter.post(url("vote", conversation), {"statement": 0, "value": "1"})
    page = voter.get(url("conversation", conversation)).content.decode()
    assert "Your vote so far (1)" in page
    voter.post(url("vote", conversation), {"statement": 0, "value": "0"})
    assert Vote.objects.get().value == 0
    assert Vote.objects.count() == 1


def test_moderators_find_where_to_start_a_conversation(client):
    phase = PhaseFactory(name="Kontroverse Thesen sammeln")
    client.force_login(moderator_of(phase.process))
    page = client.get(reverse("opinions:index")).content.decode()
    assert reverse("opinions:conversation_create", kwargs={"phase": phase.pk}) in page
    client.force_login(member_of(phase.process))
    page = client.get(reverse("opinions:index")).content.decode()
    assert "Kontroverse Thesen sammeln" not in page


def test_htmx_vote_after_the_session_ran_out_sends_the_page_to_the_login(client, conversation):
    StatementFactory(conversation=conversation, number=0)
    page = "http://testserver" + url("conversation", conversation)
    response = client.post(
        url("vote", conversation),
        {"statement": 0, "value": 1},
        HTTP_HX_CURRENT_URL=page,
        **HTMX,
    )
    assert response.status_code == 204
    assert "login" in response["HX-Redirect"]
    assert response["HX-Redirect"].endswith("?next=" + url("conversation", conversation))
    assert not Vote.objects.exists()


def test_results_tell_a_new_voter_how_to_get_a_group(client, planted_conversation):
    conversation, statements, *_ = planted_conversation
    member = member_of(conversation.phase.process)
    from werkstatt.opinions.services import conversations as services

    services.do_vote(conversation, member, statements[0], 1)
    analysis.run_analysis(conversation)
    client.force_login(member)
    html = client.get(url("results", conversation)).content.decode()
    assert "You are not in an opinion group yet." in html
    assert "at least 7 statements" in html
    assert 'id="map-me"' in html  # but on the map


def test_a_lone_voter_hears_the_real_reason_and_no_consensus(client, conversation, member):
    """One person voted on all three statements: groups need more participants, not more
    votes from them; and one vote is no consensus."""
    from werkstatt.opinions.services import conversations as services

    for i in range(3):
        statement = StatementFactory(conversation=conversation, number=i)
        services.do_vote(conversation, member, statement, 1)
    analysis.run_analysis(conversation)
    client.force_login(member)
    html = client.get(url("results", conversation)).content.decode()
    assert "1 participant, 3 votes;" in html
    assert "too few participants to find opinion groups yet: 4 need" in html
    assert "so far 1 has." in html
    assert "You have voted on enough statements." in html
    assert "at least 3 statements" not in html
    assert "Vote on more statements" not in html
    assert "Too few participants have voted yet to say what most of them share." in html
    assert "% agree" not in html


def test_results_tables_scroll_by_keyboard(client, planted_conversation):
    conversation = planted_conversation[0]
    analysis.run_analysis(conversation)
    html = client.get(url("results", conversation)).content.decode()
    wraps = re.findall(r'<div class="table-wrap"[^>]*>', html)
    assert len(wraps) == 2
    for tag in wraps:
        assert 'tabindex="0"' in tag and 'role="region"' in tag
        (label,) = re.findall(r'aria-labelledby="([^"]+)"', tag)
        assert f'id="{label}"' in html
