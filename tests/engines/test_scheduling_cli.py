"""`werkstatt schedule-meetings` as a real subprocess on real files (FORMATS.md §1)."""

import json
import subprocess
import sys

import pytest

from werkstatt.engines.scheduling import Assignment, Schedule, check_schedule

GOOD = {
    "slots": [
        {"id": "s1", "start": "2027-03-22T10:00:00+01:00", "minutes": 20},
        {"id": "s2", "start": "2027-03-22T10:20:00+01:00", "minutes": 20},
    ],
    "tables": 2,
    "participants": [{"id": "p1", "unavailable": ["s2"]}, {"id": "p2"}],
    "meetings": [
        {"id": "m1", "participants": ["p1", "p2"], "weight": 2.5},
        {"id": "m2", "participants": ["p2", "p3"]},
        {"id": "m3", "participants": ["p1", "p3"], "weight": 1.0, "note": "extra fields are fine"},
    ],
    "organiser": "ignored",
}


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "werkstatt.cli", "schedule-meetings", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_schedules_a_file_and_prints_the_documented_json(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    result = run(path, "--time-limit", "10")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert set(output) == {
        "assignments",
        "unscheduled",
        "scheduled_weight",
        "idle_slots",
        "upper_bound",
        "seconds",
    }
    # p1 is only there in s1 and has two meetings: m1 (2.5) wins; m2 then goes to s2.
    assert output["scheduled_weight"] == 3.5
    assert output["upper_bound"] == 3.5
    assert output["unscheduled"] == ["m3"]
    schedule = Schedule(
        assignments=[Assignment(**a) for a in output["assignments"]],
        unscheduled=output["unscheduled"],
        scheduled_weight=output["scheduled_weight"],
        idle_slots=output["idle_slots"],
        upper_bound=output["upper_bound"],
        seconds=output["seconds"],
    )
    assert check_schedule(GOOD, schedule) == []


def test_writes_to_a_file_with_o(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    out = tmp_path / "out.json"
    result = run(path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["scheduled_weight"] == 3.5


def variant(**changes):
    data = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        data[key] = value
    return json.dumps(data)


def meetings_with(index, **changes):
    meetings = json.loads(json.dumps(GOOD["meetings"]))
    meetings[index].update(changes)
    return variant(meetings=meetings)


BROKEN = [
    ("not json", "{ slots: [", "not valid JSON (line 1"),
    ("not an object", "[1, 2]", "must be a JSON object"),
    ("no slots", json.dumps({"tables": 1, "meetings": []}), "slots: missing"),
    ("slots not a list", variant(slots={"id": "s1"}), "slots: must be a list"),
    ("slot without id", variant(slots=[{"id": "s1"}, {"start": "x"}]), "slots[1].id: missing"),
    ("slot id not a string", variant(slots=[{"id": 7}]), "slots[0].id: must be a non-empty"),
    ("duplicate slot", variant(slots=[{"id": "s1"}, {"id": "s1"}]), "slots[1].id: duplicate"),
    ("bad minutes", variant(slots=[{"id": "s1", "minutes": -5}]), "slots[0].minutes"),
    ("tables missing", json.dumps({"slots": [], "meetings": []}), "tables: missing"),
    ("tables zero", variant(tables=0), "tables: must be a whole number ≥ 1, not 0"),
    ("tables text", variant(tables="40"), "tables: must be a whole number"),
    ("tables fraction", variant(tables=2.5), "tables: must be a whole number"),
    ("tables bool", variant(tables=True), "tables: must be a whole number"),
    (
        "unknown slot in unavailable",
        variant(participants=[{"id": "p1", "unavailable": ["s1", "s9"]}]),
        "participants[0].unavailable[1]: unknown slot id 's9'",
    ),
    (
        "unavailable not a list",
        variant(participants=[{"id": "p1", "unavailable": "s1"}]),
        "participants[0].unavailable: must be a list",
    ),
    (
        "duplicate participant",
        variant(participants=[{"id": "p1"}, {"id": "p2"}, {"id": "p1"}]),
        "participants[2].id: duplicate id 'p1'",
    ),
    ("duplicate meeting", meetings_with(2, id="m1"), "meetings[2].id: duplicate id 'm1'"),
    ("weight zero", meetings_with(1, weight=0), "meetings[1].weight: must be a number > 0"),
    ("weight negative", meetings_with(0, weight=-1), "meetings[0].weight: must be a number > 0"),
    ("weight text", meetings_with(0, weight="high"), "meetings[0].weight: must be a number > 0"),
    (
        "one participant",
        meetings_with(1, participants=["p2"]),
        "meetings[1].participants: a meeting needs at least 2 participants, has 1",
    ),
    (
        "same participant twice",
        meetings_with(2, participants=["p1", "p1"]),
        "meetings[2].participants: 'p1' is listed twice",
    ),
    (
        "participant not a string",
        meetings_with(0, participants=["p1", 3]),
        "meetings[0].participants[1]: must be a participant id",
    ),
    (
        "participants missing",
        meetings_with(0, participants=None),
        "meetings[0].participants: must be a list",
    ),
    ("meeting not an object", variant(meetings=["m1"]), "meetings[0]: must be an object"),
]


@pytest.mark.parametrize(("name", "text", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_bad_input_exits_2_with_one_clear_line(tmp_path, name, text, message):
    path = tmp_path / "instance.json"
    path.write_text(text, encoding="utf-8")
    result = run(path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert message in lines[0]
    assert lines[0].startswith("werkstatt schedule-meetings: ")


def test_missing_file_and_bad_encoding(tmp_path):
    result = run(tmp_path / "nope.json")
    assert result.returncode == 2
    assert "no such file" in result.stderr
    path = tmp_path / "latin1.json"
    path.write_bytes('{"slots": [{"id": "Sä"}]}'.encode("latin-1"))
    result = run(path)
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_options_exit_2(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    result = run(path, "--time-limit", "soon")
    assert result.returncode == 2
    assert "--time-limit" in result.stderr
    result = run(path, "--time-limit", "-1")
    assert result.returncode == 2
    assert "--time-limit" in result.stderr
    assert "Traceback" not in result.stderr
