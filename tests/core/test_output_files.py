"""Output files: never an input, checked before the run, written whole or not at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from complaintrules.cli.main import EXIT_USAGE, main
from complaintrules.reports.output import OutputError, atomic_writer, check_destinations

ROOT = Path(__file__).resolve().parents[2]
CRM = ROOT / "examples" / "crm"
LANDLORD = ROOT / "examples" / "landlord"
EVENTS = ROOT / "examples" / "monitor" / "events.jsonl"


def _cases_args(export: Path) -> list[str]:
    return [
        "cases",
        str(export),
        "--mapping",
        str(CRM / "mapping.yaml"),
        "--as-of",
        "2025-03-31",
        "--jobs",
        "1",
        "--allow-rejected",
    ]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    copy = tmp_path / "export.csv"
    copy.write_bytes((CRM / "export.csv").read_bytes())
    return copy


def _temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- an output that is an input ------------------------------------------------------------


@pytest.mark.parametrize("option", ["--output", "--summary"])
def test_cases_refuses_to_write_over_its_input(
    export: Path, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = export.read_bytes()
    code = main([*_cases_args(export), "--format", "csv", option, str(export)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert f"{option} {export} is the same file as the input FILE {export}" in err
    assert "Traceback" not in err
    assert export.read_bytes() == before


def test_the_same_file_through_a_symlink_is_refused(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "findings.csv"
    link.symlink_to(export)
    before = export.read_bytes()
    code = main([*_cases_args(export), "--format", "csv", "--output", str(link)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert str(link) in err and str(export) in err
    assert export.read_bytes() == before


def test_the_same_file_by_another_path_is_refused(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    roundabout = tmp_path / "sub" / ".." / "export.csv"
    before = export.read_bytes()
    assert main([*_cases_args(export), "--format", "csv", "--output", str(roundabout)]) == 2
    assert "same file as the input" in capsys.readouterr().err
    assert export.read_bytes() == before


def test_self_assess_refuses_to_write_over_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_bytes((LANDLORD / "policy.yaml").read_bytes())
    before = policy.read_bytes()
    code = main(["self-assess", str(policy), "--format", "markdown", "--output", str(policy)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert f"--output {policy} is the same file as the input POLICY {policy}" in err
    assert policy.read_bytes() == before


def test_output_and_summary_must_differ(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main([*_cases_args(export), "--output", str(out), "--summary", str(out)])
    assert code == EXIT_USAGE
    assert "are the same file" in capsys.readouterr().err
    assert not out.exists()


def test_monitor_refuses_to_export_over_its_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(EVENTS.read_bytes())
    before = events.read_bytes()
    assert main(["monitor", str(events), "--export", str(events)]) == EXIT_USAGE
    assert "--export" in capsys.readouterr().err
    assert events.read_bytes() == before


def test_monitor_may_export_over_the_state_it_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = EVENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    first.write_text("".join(lines[:3]), encoding="utf-8")
    rest.write_text("".join(lines[3:]), encoding="utf-8")
    state = tmp_path / "state.json"
    assert main(["monitor", str(first), "--export", str(state), "--no-fail"]) == 0
    before = state.read_text(encoding="utf-8")
    argv = ["monitor", str(rest), "--restore", str(state), "--export", str(state), "--no-fail"]
    assert main(argv) == 0
    capsys.readouterr()
    assert state.read_text(encoding="utf-8") != before
    assert json.loads(state.read_text(encoding="utf-8"))["cases"]


# -- destinations checked before the run ---------------------------------------------------


@pytest.mark.parametrize("option", ["--output", "--summary"])
def test_a_missing_folder_is_refused_before_the_run(
    export: Path,
    tmp_path: Path,
    option: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import complaintrules.bulk.evaluate as bulk  # (the command loads it when it runs)

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the run started before the destination was checked")

    monkeypatch.setattr(bulk, "evaluate_file", must_not_run)
    target = tmp_path / "no-such-folder" / "out.json"
    code = main([*_cases_args(export), option, str(target)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert f"{option} {target}: the folder {target.parent} does not exist" in err
    assert "Traceback" not in err


def test_a_folder_as_output_and_a_file_as_folder_are_refused(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_cases_args(export), "--summary", str(tmp_path)]) == EXIT_USAGE
    assert "is a folder; expected a file name" in capsys.readouterr().err
    blocker = tmp_path / "plain-file"
    blocker.write_text("x", encoding="utf-8")
    assert main([*_cases_args(export), "--summary", str(blocker / "s.json")]) == EXIT_USAGE
    assert "is not a folder" in capsys.readouterr().err


def test_a_folder_that_cannot_be_written_to_is_refused(
    export: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import complaintrules.reports.output as output

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # The permission test itself (root may write anywhere, so chmod alone proves nothing).
    monkeypatch.setattr(
        output.os, "access", lambda p, mode: Path(p) != locked and real_access(p, mode)
    )
    assert main([*_cases_args(export), "--summary", str(locked / "s.json")]) == EXIT_USAGE
    assert f"the folder {locked} cannot be written to" in capsys.readouterr().err


def test_self_assess_into_a_missing_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "form.html"
    code = main(["self-assess", str(LANDLORD / "policy.yaml"), "--output", str(target)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert str(target) in err and "does not exist" in err


def test_monitor_export_into_a_missing_folder_is_refused_before_the_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "state.json"
    assert main(["monitor", str(EVENTS), "--export", str(target)]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == ""  # no alert printed: the replay never started
    assert f"--export {target}: the folder" in err


# -- written whole or not at all -----------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("previous\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half of the new")
        handle.flush()
        raise RuntimeError("killed mid-write")
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert _temporaries(tmp_path) == []


def test_a_completed_write_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("previous\n", encoding="utf-8")
    target.chmod(0o640)
    with atomic_writer(target) as handle:
        handle.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert _temporaries(tmp_path) == []


def test_writing_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with atomic_writer(link) as handle:
        handle.write("new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_check_destinations_skips_stdin_and_unset_paths(tmp_path: Path) -> None:
    check_destinations([("--output", None), ("--summary", tmp_path / "s.json")], [("F", "-")])
    with pytest.raises(OutputError, match="does not exist"):
        check_destinations([("--output", tmp_path / "x" / "y")], [])


_FULL_DISK = """
import resource, signal, sys
from complaintrules.cli.main import main
# Past this size every write fails (EFBIG), like a full disk in the middle of the export.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_monitor_export_failing_mid_write_keeps_the_previous_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    few = tmp_path / "few.jsonl"
    few.write_text("".join(EVENTS.read_text(encoding="utf-8").splitlines(True)[:2]), "utf-8")
    state = tmp_path / "state.json"
    assert main(["monitor", str(few), "--export", str(state), "--no-fail"]) == 0
    many = tmp_path / "many.jsonl"
    many.write_text(
        "".join(
            f'{{"reference": "C-{i}", "type": "received", "on": "2024-05-01"}}\n' for i in range(40)
        ),
        "utf-8",
    )
    capsys.readouterr()
    previous = state.read_bytes()
    limit = len(previous) + 50  # the old state fits; the new one (40 open cases) does not
    command = ["monitor", str(many), "--export", str(state), "--no-fail"]
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(limit), *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == EXIT_USAGE, done.stderr
    assert f"cannot write {state}" in done.stderr
    assert "Traceback" not in done.stderr
    assert state.read_bytes() == previous
    assert _temporaries(tmp_path) == []


# -- a file name must not promise another format -------------------------------------------


@pytest.mark.parametrize("command", ["self-assess", "action-plan"])
def test_forms_refuse_a_suffix_that_names_no_format(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "form.pdf"
    argv = [command, str(LANDLORD / "policy.yaml"), "--actions", str(LANDLORD / "actions.yaml")]
    assert main([*argv, "--output", str(target)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"--output {target}: the suffix '.pdf' names no format" in err
    assert "markdown: .md" in err and "docx: .docx" in err
    assert not target.exists()


def test_forms_refuse_a_suffix_for_another_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "form.csv"
    code = main(
        ["self-assess", str(LANDLORD / "policy.yaml"), "--format", "html", "--output", str(target)]
    )
    assert code == EXIT_USAGE
    assert "the suffix '.csv' is for csv, not --format html" in capsys.readouterr().err
    assert not target.exists()


def test_cases_takes_the_format_from_the_output_suffix(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "findings.csv"
    assert main([*_cases_args(export), "--no-fail", "--output", str(target)]) == 0
    capsys.readouterr()
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header == "row,reference,pack,rule_id,verdict,message"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--output", "findings.pdf"], "the suffix '.pdf' names no format"),
        (["--output", "findings.json"], "the suffix '.json' names no format"),
        (["--format", "csv", "--output", "f.jsonl"], "the suffix '.jsonl' is for jsonl"),
        (["--format", "summary", "--output", "s.json"], "use --summary PATH"),
        (["--summary", "summary.csv"], "--summary"),
    ],
)
def test_cases_refuses_a_file_name_for_another_format(
    export: Path,
    tmp_path: Path,
    options: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*_cases_args(export), *options]) == EXIT_USAGE
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]
