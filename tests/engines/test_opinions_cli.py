"""`werkstatt polis analyse FOLDER` as a subprocess: FORMATS.md §3 output, and one clear line
with exit 2 on malformed exports."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from werkstatt.engines.opinions import PolisExportError, read_polis_export

WERKSTATT = str(Path(sys.executable).with_name("werkstatt"))

COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"


def run(*args):
    return subprocess.run(
        [WERKSTATT, "polis", *args], capture_output=True, text=True, timeout=120, check=False
    )


def export(folder: Path, *, groups=2, per_group=12, statements=8, moderated_out=(7,)):
    """A small Polis export with planted groups (group g agrees with statements s % groups == g)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [COMMENTS]
    for s in range(statements):
        mod = -1 if s in moderated_out else 1
        lines.append(
            f'{1000 + s},Mon Jul 17 16:10:15 WIB 2017,{s},0,0,0,{mod},"Statement {s}, with comma"\n'
        )
    (folder / "comments.csv").write_text("".join(lines), encoding="utf-8")
    lines = [VOTES]
    t = 2000
    for g in range(groups):
        for i in range(per_group):
            pid = g * per_group + i
            for s in range(statements):
                t += 1
                lines.append(f"{t},x,{s},{pid},{1 if s % groups == g else -1}\n")
    # A voter who changed their mind: the latest vote counts.
    lines.append(f"{t + 1},x,0,0,-1\n")
    lines.append(f"{t + 2},x,0,0,1\n")
    # A voter with a single vote is not clustered.
    lines.append(f"{t + 3},x,0,999,1\n")
    (folder / "votes.csv").write_text("".join(lines), encoding="utf-8")
    return folder


def test_analyse_writes_the_format(tmp_path):
    folder = export(tmp_path / "conv")
    done = run("analyse", str(folder))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"participants", "groups", "consensus", "seconds"} <= set(result)
    assert result["participants"]["999"] is None
    assert len(result["participants"]) == 25
    groups = result["groups"]
    assert sorted(g["size"] for g in groups) == [12, 12]
    members = {}
    for pid, group in result["participants"].items():
        if group is not None:
            members.setdefault(group, set()).add(int(pid))
    assert sorted(map(sorted, members.values())) == [list(range(12)), list(range(12, 24))]
    for group in groups:
        assert set(group) >= {"id", "size", "representative"}
        for rep in group["representative"]:
            assert rep["direction"] in ("agree", "disagree")
            assert isinstance(rep["comment"], int)
            assert rep["comment"] != 7  # moderated out
    assert set(result["consensus"]) == {"agree", "disagree"}
    assert isinstance(result["seconds"], float)
    assert result["clustered"] is True


def test_analyse_output_file(tmp_path):
    folder = export(tmp_path / "conv")
    target = tmp_path / "out.json"
    done = run("analyse", str(folder), "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert json.loads(target.read_text())["groups"]


def test_real_polis_export_runs():
    folder = Path(__file__).resolve().parents[2] / "../shared/data/polis/london.youth.policing"
    if not folder.is_dir():
        pytest.skip("Polis open data not present")
    done = run("analyse", str(folder))
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["participants"]) == 26


def broken(tmp_path, name, text=None, data=None):
    folder = export(tmp_path / "conv")
    if data is not None:
        (folder / name).write_bytes(data)
    elif text is None:
        (folder / name).unlink()
    else:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "text", "data", "message"),
    [
        ("votes.csv", "timestamp,comment-id,vote\n1,2,1\n", None, "missing column voter-id"),
        ("votes.csv", VOTES + "1,x,2,3,1\n2,x,2,4,yes\n", None, "row 3, column vote: 'yes'"),
        ("votes.csv", VOTES + "1,x,2,3,5\n", None, "row 2, column vote: 5 is not 1, -1 or 0"),
        ("votes.csv", VOTES + "1,x,2,abc,1\n", None, "row 2, column voter-id: 'abc'"),
        ("votes.csv", VOTES + "soon,x,2,3,1\n", None, "row 2, column timestamp: 'soon'"),
        ("votes.csv", VOTES + "1,x,,3,1\n", None, "row 2, column comment-id: empty"),
        ("votes.csv", "", None, "votes.csv: empty file"),
        ("comments.csv", "", None, "comments.csv: empty file"),
        ("comments.csv", "comment-body\nhello\n", None, "missing column comment-id"),
        ("votes.csv", None, VOTES.encode() + b"1,x,2,3,1\n\xff\xfe,x,1,1,1\n", "not UTF-8"),
        ("votes.csv", None, None, "votes.csv: no such file"),
    ],
)
def test_malformed_export_exits_2_with_one_line(tmp_path, name, text, data, message):
    folder = broken(tmp_path, name, text, data)
    done = run("analyse", str(folder))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0]
    assert name in lines[0]
    assert "Traceback" not in done.stderr
    with pytest.raises(PolisExportError, match=message.split(":")[-1].strip()[:12]):
        read_polis_export(folder)


def test_missing_folder(tmp_path):
    done = run("analyse", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"werkstatt polis: {tmp_path / 'nowhere'}: no such folder"


def test_usage_errors_exit_2():
    assert run().returncode == 2
    assert run("explain", "x").returncode == 2


def test_polis_rules_option(tmp_path):
    # The export's votes are timestamped in 1970 (milliseconds 2000...): "auto" picks the
    # oldest rules we follow; the default is Polis's current math.
    folder = export(tmp_path / "conv")
    default = json.loads(run("analyse", str(folder)).stdout)
    auto = json.loads(run("analyse", str(folder), "--polis-rules", "auto").stdout)
    old = json.loads(run("analyse", str(folder), "--polis-rules", "2017").stdout)
    assert default["polis_rules"] == "current"
    assert auto["polis_rules"] == "early-2017"
    assert old["polis_rules"] == "2017"
    # Two planted groups are found whichever rules.
    for result in (default, auto, old):
        assert len(result["groups"]) == 2
    bad = run("analyse", str(folder), "--polis-rules", "1999")
    assert bad.returncode == 2 and "1999" in bad.stderr
