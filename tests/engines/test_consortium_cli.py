"""`werkstatt form-consortium` as people run it: a subprocess on real files, good and broken."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from werkstatt.engines.consortium import brute_force_consortium

GOOD = {
    "buyer": {"lat": 51.0509, "lon": 13.7383},
    "steps": [
        {"id": "1", "capability": "trennen.spanen.fraesen", "certifications": ["ISO 9001"]},
        {"id": "2", "capability": "beschichten"},
    ],
    "suppliers": [
        {
            "id": "o1",
            "lat": 50.83,
            "lon": 12.92,
            "capabilities": ["trennen.spanen.fraesen"],
            "certifications": ["ISO 9001"],
        },
        {"id": "o2", "lat": 51.0, "lon": 13.5, "capabilities": ["beschichten.pulverbeschichten"]},
        {"id": "o3", "lat": 51.3, "lon": 12.37, "capabilities": ["beschichten"]},
    ],
    "max_partners": 3,
    "partner_cost_km": 50,
}


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "werkstatt.cli", "form-consortium", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_good_file_gives_the_optimum_as_json(tmp_path):
    path = tmp_path / "demand.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    done = run(path)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["feasible"] is True
    assert out["optimal"] is True
    assert [a["supplier"] for a in out["assignments"]] == ["o1", "o2"]
    assert out["cost_km"] == pytest.approx(brute_force_consortium(GOOD)[0], abs=1e-3)
    assert out["partners"] == 2
    assert set(out) >= {"feasible", "assignments", "cost_km", "partners", "optimal", "seconds"}


def test_output_file_and_alternatives(tmp_path):
    path = tmp_path / "demand.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    target = tmp_path / "out.json"
    done = run(path, "-o", target, "--alternatives", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    out = json.loads(target.read_text(encoding="utf-8"))
    assert [a["supplier"] for a in out["alternatives"][0]["assignments"]] != ["o1", "o2"]


def test_infeasible_is_an_answer_not_an_error(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["steps"].append({"id": "3", "capability": "fuegen.schweissen"})
    path = tmp_path / "demand.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = run(path)
    assert done.returncode == 0
    out = json.loads(done.stdout)
    assert out["feasible"] is False
    assert out["uncovered_steps"] == ["3"]


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "demand.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode("utf-8"))
    done = run(path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["feasible"] is True


BROKEN = [
    ("trailing comma", json.dumps(GOOD)[:-1] + ",}", "not valid JSON (line 1"),
    ("empty file", "", "the file is empty"),
    ("only a list", "[]", "must hold a JSON object"),
    (
        "string latitude",
        json.dumps(GOOD).replace('"lat": 50.83', '"lat": "50.83"'),
        'suppliers[0].lat: must be a number, got a string ("50.83")',
    ),
    (
        "comma decimal",
        json.dumps(GOOD).replace("50.83", '"50,83"'),
        "suppliers[0].lat: must be a number",
    ),
    (
        "missing steps",
        json.dumps({k: v for k, v in GOOD.items() if k != "steps"}),
        "steps: missing",
    ),
    (
        "missing capability",
        json.dumps(GOOD).replace('"capability": "beschichten"', '"cap": "x"'),
        "steps[1].capability: missing",
    ),
    (
        "latitude out of range",
        json.dumps(GOOD).replace("51.3", "151.3"),
        "suppliers[2].lat: 151.3 is out of range (-90 to 90)",
    ),
    (
        "longitude out of range",
        json.dumps(GOOD).replace('"lon": 13.7383', '"lon": 213'),
        "buyer.lon: 213 is out of range",
    ),
    ("NaN", json.dumps(GOOD).replace("51.0509", "NaN"), "buyer.lat: must be a finite number"),
    ("steps as object", json.dumps({**GOOD, "steps": {"id": "1"}}), "steps: must be a list"),
    ("negative partner cost", json.dumps({**GOOD, "partner_cost_km": -5}), "partner_cost_km"),
    ("zero partners", json.dumps({**GOOD, "max_partners": 0}), "max_partners"),
    (
        "capabilities as text",
        json.dumps(GOOD).replace('["beschichten"]', '"beschichten"'),
        "suppliers[2].capabilities: must be a list of strings",
    ),
    ("Latin-1 file", None, "not UTF-8 text"),
    ("single quotes", "{'buyer': {}}", "not valid JSON"),
]


@pytest.mark.parametrize(("label", "text", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_files_exit_2_with_one_clear_line(tmp_path, label, text, message):
    path = tmp_path / "demand.json"
    if text is None:
        path.write_bytes(json.dumps(GOOD).replace("fraesen", "fräsen").encode("latin-1"))
    else:
        path.write_text(text, encoding="utf-8")
    done = run(path)
    assert done.returncode == 2, done.stdout
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert message in lines[0]
    assert lines[0].startswith("werkstatt form-consortium: ")


def test_missing_file_and_bad_options(tmp_path):
    done = run(tmp_path / "nope.json")
    assert done.returncode == 2
    assert "no such file" in done.stderr
    path = tmp_path / "demand.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    for args in (["--alternatives", "-1"], ["--time-limit", "0"], ["--alternatives", "two"]):
        done = run(path, *args)
        assert done.returncode == 2, args
        assert len(done.stderr.strip().splitlines()) == 1


def test_unknown_fields_are_ignored(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["version"] = 3
    data["suppliers"][0]["website"] = "https://example.org"
    data["steps"][0]["tolerance"] = "±0,01 mm"
    path = tmp_path / "demand.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = run(path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["feasible"] is True


def test_the_console_script_dispatches_without_django(tmp_path):
    path = tmp_path / "demand.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    script = Path(sys.executable).parent / "werkstatt"
    done = subprocess.run(
        [str(script), "form-consortium", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "does.not.exist"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["feasible"] is True
