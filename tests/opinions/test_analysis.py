"""The analysis: running the engine on a conversation, storing it, debouncing the job, the
results the page shows (map, groups, consensus, "your group")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import JobFactory
from tests.opinions.conftest import planted
from tests.opinions.factories import ConversationFactory, StatementFactory, member_of
from werkstatt.jobs.models import Job
from werkstatt.jobs.services import claim, run_job
from werkstatt.opinions.models import AnalysisResult, Participant, Statement, Vote
from werkstatt.opinions.services import analysis, results
from werkstatt.opinions.services import conversations as services

pytestmark = pytest.mark.django_db


def test_planted_camps_become_two_groups(planted_conversation):
    conversation, statements, camp_a, camp_b = planted_conversation
    result = analysis.run_analysis(conversation)
    data = result.data
    assert data["clustered"] is True
    assert result.vote_count == 200 and result.participant_count == 20
    groups = data["participants"]
    a = {groups[str(p.pk)] for p in camp_a}
    b = {groups[str(p.pk)] for p in camp_b}
    assert len(a) == 1 and len(b) == 1 and a != b
    # Camp A agrees with the even statements: they represent A's group in the agree direction.
    group_a = next(iter(a))
    reps = next(g for g in data["groups"] if g["id"] == group_a)["representative"]
    assert reps, "a planted group has representative statements"
    even = {s.pk for s in statements[::2]}
    odd = {s.pk for s in statements[1::2]}
    for rep in reps:
        if rep["direction"] == "agree":
            assert rep["statement"] in even
        else:
            assert rep["statement"] in odd


def test_moderated_out_and_pending_statements_are_left_out(planted_conversation):
    conversation, statements, *_ = planted_conversation
    statements[0].status = Statement.Status.REJECTED
    statements[0].save()
    StatementFactory(conversation=conversation, number=99, status=Statement.Status.PENDING)
    result = analysis.run_analysis(conversation)
    assert str(statements[0].pk) not in result.data["statements"]
    assert result.vote_count == 180  # the 20 votes on the rejected statement don't count


def test_results_view_model(planted_conversation):
    conversation, statements, camp_a, camp_b = planted_conversation
    result = analysis.run_analysis(conversation)
    view = results.build_results(conversation, result, camp_a[0])
    assert view.clustered and len(view.groups) == 2
    assert view.my_group is not None and view.my_group.is_mine
    assert view.me is not None
    assert {g.size for g in view.groups} == {10}
    assert all(g.hull for g in view.groups)
    assert len(view.dots) == 19  # everyone but "you", drawn apart
    for x, y in ((d.x, d.y) for d in view.dots):
        assert 0 <= x <= results.WIDTH and 0 <= y <= results.HEIGHT
    rep = view.my_group.representative[0]
    # Group A nearly all agree with its statements, the others nearly never.
    assert rep["group_percent"] >= 80 and rep["others_percent"] <= 20
    assert view.divisive and len(view.divisive[0]["groups"]) == 2
    # Someone who did not vote has no group and no dot.
    nobody = results.build_results(conversation, result, None)
    assert nobody.my_group is None and nobody.me is None and len(nobody.dots) == 20


def test_too_few_participants_is_a_clear_state_not_a_crash(conversation, member):
    statement = StatementFactory(conversation=conversation)
    services.do_vote(conversation, member, statement, 1)
    result = analysis.run_analysis(conversation)
    assert result.data["clustered"] is False
    view = results.build_results(
        conversation, result, services.participant_of(conversation, member)
    )
    assert view.groups == [] and view.my_group is None and view.me is not None
    assert view.min_votes == 1  # min(7, statements)


def test_no_votes_at_all(conversation):
    result = analysis.run_analysis(conversation)
    assert result.vote_count == 0 and result.data["clustered"] is False
    view = results.build_results(conversation, result, None)
    assert view.dots == [] and view.groups == []


def test_only_the_newest_results_are_kept(conversation):
    for _ in range(analysis.KEEP_RESULTS + 2):
        analysis.run_analysis(conversation)
    assert AnalysisResult.objects.filter(conversation=conversation).count() == analysis.KEEP_RESULTS


def test_convex_hull():
    square = [(0, 0), (2, 0), (2, 2), (0, 2), (1, 1), (1, 0)]
    assert sorted(results.convex_hull(square)) == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert results.convex_hull([(0, 0), (1, 1)]) == []
    assert results.convex_hull([(0, 0), (1, 1), (2, 2)]) == []  # collinear


# --- debounce ---------------------------------------------------------------------------------


def _jobs(conversation):
    return Job.objects.filter(kind=analysis.JOB_KIND, payload__conversation=conversation.pk)


def test_a_vote_queues_one_analysis_after_commit(
    conversation, member, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_MODE = "worker"  # queue only: we look at the queue
    statements = [StatementFactory(conversation=conversation) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.do_vote(conversation, member, statements[0], 1)
    assert len(callbacks) == 1
    assert _jobs(conversation).count() == 1
    # More votes while one is queued: no second job.
    with django_capture_on_commit_callbacks(execute=True):
        services.do_vote(conversation, member, statements[1], -1)
        services.do_vote(conversation, member, statements[2], 0)
    assert _jobs(conversation).count() == 1
    # Another conversation's queued job does not hold this one back.
    other = ConversationFactory()
    assert analysis.request_analysis(other) is not None


def _vote(conversation, user, statement, value, callbacks):
    """A vote as a request makes it: its transaction commits, then the analysis is requested."""
    with callbacks(execute=True):
        return services.do_vote(conversation, user, statement, value)


def test_a_burst_of_votes_leaves_one_job_due_when_the_interval_ends(
    conversation, member, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.JOBS_MODE = "worker"
    settings.OPINIONS_ANALYSIS_INTERVAL = 60
    statements = [StatementFactory(conversation=conversation) for _ in range(3)]
    _vote(conversation, member, statements[0], 1, django_capture_on_commit_callbacks)
    _jobs(conversation).delete()
    last = analysis.run_analysis(conversation)  # just computed, with the first vote
    # Votes within the interval: one delayed job, due when the interval ends (trailing edge).
    _vote(conversation, member, statements[1], -1, django_capture_on_commit_callbacks)
    other = member_of(conversation.phase.process)
    _vote(conversation, other, statements[0], 0, django_capture_on_commit_callbacks)
    final = _vote(conversation, other, statements[2], 1, django_capture_on_commit_callbacks)
    job = _jobs(conversation).get()
    assert job.status == Job.Status.QUEUED
    assert job.run_after == last.computed_at + timedelta(seconds=60)
    assert analysis.analysis_pending(conversation)
    assert claim("worker") is None  # not before its time
    # When the interval has ended, a worker runs it, and it counts the last vote.
    monkeypatch.setattr(timezone, "now", lambda: job.run_after + timedelta(seconds=1))
    claimed = claim("worker")
    assert claimed.pk == job.pk
    run_job(claimed, worker="worker", live=False)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    result = analysis.latest_result(conversation)
    assert result.pk == job.result["result"] != last.pk
    assert result.vote_count == 4 and result.participant_count == 2
    assert result.votes_until == final.modified
    assert not analysis.is_stale(conversation, result)


def test_a_vote_after_the_interval_queues_a_job_due_at_once(conversation, member, settings):
    settings.JOBS_MODE = "worker"
    settings.OPINIONS_ANALYSIS_INTERVAL = 60
    statement = StatementFactory(conversation=conversation)
    services.do_vote(conversation, member, statement, 1)
    assert analysis.request_analysis(conversation).run_after is None  # no analysis yet
    _jobs(conversation).delete()
    analysis.run_analysis(conversation)
    AnalysisResult.objects.update(computed_at=timezone.now() - timedelta(seconds=61))
    assert analysis.request_analysis(conversation).run_after is None


def test_a_running_analysis_counts_as_the_last_one(conversation, member, settings):
    settings.JOBS_MODE = "worker"
    settings.OPINIONS_ANALYSIS_INTERVAL = 60
    started = timezone.now() - timedelta(seconds=5)
    JobFactory(
        kind=analysis.JOB_KIND,
        payload={"conversation": conversation.pk},
        status=Job.Status.RUNNING,
        started=started,
    )
    job = analysis.request_analysis(conversation)
    assert job.run_after == started + timedelta(seconds=60)


def test_force_makes_the_delayed_job_due_now(conversation, member, settings):
    settings.JOBS_MODE = "worker"
    settings.OPINIONS_ANALYSIS_INTERVAL = 60
    statement = StatementFactory(conversation=conversation)
    services.do_vote(conversation, member, statement, 1)
    analysis.run_analysis(conversation)
    delayed = analysis.request_analysis(conversation)
    assert delayed.run_after is not None
    forced = analysis.request_analysis(conversation, force=True)
    assert forced.pk == delayed.pk and forced.run_after is None
    assert _jobs(conversation).count() == 1  # made due, not queued twice
    # A queued job that is due already is left as it is (one queued job per conversation).
    assert analysis.request_analysis(conversation, force=True) is None
    assert analysis.request_analysis(conversation) is None
    assert claim("worker").pk == delayed.pk
    # No job queued: force queues one due at once, whatever the interval.
    _jobs(conversation).delete()
    assert analysis.request_analysis(conversation, force=True).run_after is None


def test_force_runs_the_delayed_job_at_once_in_sync_mode(conversation, member, settings):
    settings.OPINIONS_ANALYSIS_INTERVAL = 60
    statements = [StatementFactory(conversation=conversation) for _ in range(2)]
    services.do_vote(conversation, member, statements[0], 1)
    analysis.run_analysis(conversation)
    services.do_vote(conversation, member, statements[1], 1)
    delayed = analysis.request_analysis(conversation)
    assert delayed.status == Job.Status.QUEUED  # sync mode leaves a delayed job queued
    job = analysis.request_analysis(conversation, force=True)
    assert job.pk == delayed.pk and job.status == Job.Status.SUCCEEDED, job.error
    assert analysis.latest_result(conversation).vote_count == 2


def test_a_queued_job_whose_thread_is_gone_is_nudged(
    conversation, settings, django_capture_on_commit_callbacks
):
    """Thread mode: the process that queued a delayed job stopped before it was due; the next
    request finds the job overdue and starts a thread for it instead of queueing another."""
    settings.JOBS_MODE = "thread"
    with django_capture_on_commit_callbacks():
        job = analysis.request_analysis(conversation)
    Job.objects.filter(pk=job.pk).update(created=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks() as callbacks:
        assert analysis.request_analysis(conversation) is None
    assert len(callbacks) == 1  # a thread for the old job (started on commit, not run here)
    assert _jobs(conversation).count() == 1


def test_stale_results_are_refreshed_by_the_results_page(conversation, member, settings):
    settings.JOBS_MODE = "worker"
    settings.OPINIONS_ANALYSIS_INTERVAL = 0
    statement = StatementFactory(conversation=conversation)
    services.do_vote(conversation, member, statement, 1)
    result = analysis.run_analysis(conversation)
    assert not analysis.is_stale(conversation, result)
    assert analysis.refresh_if_stale(conversation, result) is None
    Vote.objects.update(modified=timezone.now() + timedelta(seconds=1))
    assert analysis.is_stale(conversation, result)
    assert analysis.refresh_if_stale(conversation, result) is not None


def test_moderation_makes_results_stale(planted_conversation):
    conversation, statements, *_ = planted_conversation
    result = analysis.run_analysis(conversation)
    assert not analysis.is_stale(conversation, result)
    Statement.objects.filter(pk=statements[0].pk).update(
        status=Statement.Status.REJECTED, moderated_at=timezone.now() + timedelta(seconds=1)
    )
    assert analysis.is_stale(conversation, result)


def test_the_job_runs_the_analysis(planted_conversation, settings):
    settings.JOBS_MODE = "sync"
    conversation, *_ = planted_conversation
    job = analysis.request_analysis(conversation)
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["groups"] == 2
    assert job.result_url.endswith(f"/{conversation.slug}/ergebnisse/")
    assert AnalysisResult.objects.filter(conversation=conversation).count() == 1


def test_the_job_of_a_deleted_conversation_fails_cleanly(conversation, settings):
    settings.JOBS_MODE = "worker"
    job = analysis.request_analysis(conversation)
    conversation.delete()
    from werkstatt.jobs.services import claim, run_job

    claimed = claim("test", job_id=job.pk)
    run_job(claimed, worker="test", live=False)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error


def test_next_statement_follows_priorities(planted_conversation, member):
    """A statement nobody has seen gets Polis's novelty boost over well-seen ones."""
    conversation, statements, *_ = planted_conversation
    analysis.run_analysis(conversation)
    fresh = StatementFactory(conversation=conversation, number=50)
    picks = []
    for _seed_user in range(30):
        from tests.factories import UserFactory

        user = UserFactory()
        participant = services.do_join(conversation, user)
        picks.append(analysis.next_statement(conversation, participant))
    assert picks.count(fresh) > 30 / 11  # more than its fair share among 11


def test_groups_keep_their_letters_when_recomputed(conversation):
    """Groups are numbered largest first; when the other camp grows past the first, the first
    group keeps its letter for its members (the previous analysis is handed to the engine)."""
    statements, camp_a, camp_b = planted(conversation, per_group=10)
    extra_a = []
    for k in range(3):  # camp A is the larger one at first
        p = Participant.objects.create(conversation=conversation, external_id=f"a+{k}")
        extra_a.append(p)
        Vote.objects.bulk_create(
            [
                Vote(participant=p, statement=s, value=1 if s.number % 2 == 0 else -1)
                for s in statements
            ]
        )
    first = analysis.run_analysis(conversation).data["participants"]
    label_a = first[str(camp_a[0].pk)]
    assert label_a == 0  # the largest group
    for k in range(8):  # camp B grows past camp A
        p = Participant.objects.create(conversation=conversation, external_id=f"b+{k}")
        Vote.objects.bulk_create(
            [
                Vote(participant=p, statement=s, value=-1 if s.number % 2 == 0 else 1)
                for s in statements
            ]
        )
    second = analysis.run_analysis(conversation).data
    assert second["participants"][str(camp_a[0].pk)] == label_a
    sizes = {g["id"]: g["size"] for g in second["groups"]}
    assert sizes[label_a] < max(sizes.values())  # although it is no longer the largest
