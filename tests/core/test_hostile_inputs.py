"""Hostile and broken input files: exit 2, a message naming file, line and field, no
traceback, and nothing hangs."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from complaintrules.cli.main import EXIT_OK, EXIT_USAGE, main
from complaintrules.io import loading as _loading
from complaintrules.io.loading import MAX_DOCUMENT_BYTES, MAX_NESTING


def _bomb(levels: int = 10, width: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * width) + "]")
    return "\n".join(lines) + "\n"


# name -> (file content, what the message must contain: line, field, problem)
CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "malformed": ("name: X\nstages: [\n  {number: 1\n", ("line ", "invalid YAML")),
    "unknown_key": (
        "name: X\nstages:\n  - number: 1\n    respond_workin_days: 10\n",
        ("line 4", "stages[0].respond_workin_days", "unknown field"),
    ),
    "wrong_type": (
        "name: X\nstages:\n  - number: one\n",
        ("line 3", "stages[0].number", "valid integer", "'one'"),
    ),
    "wrong_type_nested": (
        "name: X\nexclusions:\n  time_limit_months: [6]\n",
        ("line 3", "exclusions.time_limit_months", "valid integer"),
    ),
    "empty": ("", ("empty",)),
    "only_comments": ("# nothing here\n\n", ("no content",)),
    "a_list_not_a_mapping": ("- 1\n- 2\n", ("line 1", "(top level)", "expected a mapping")),
    "alias_bomb": (_bomb(), ("line ", "aliases expand to more than")),
    "recursive_alias": ("name: &a [*a]\n", ("line 1", "name", "refers to itself")),
    "deep_flow_nesting": (
        "name: " + "[" * 50_000 + "]" * 50_000 + "\n",
        ("line 1", f"nested more than {MAX_NESTING} levels deep"),
    ),
    "deep_block_nesting": (
        "name:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, MAX_NESTING + 20)),
        ("line ", "nested more than"),
    ),
    "duplicate_key": ("name: X\nname: Y\n", ("line 2", "name", "duplicate key")),
    "huge_integer": (
        "stages:\n  - number: 1\n    respond_working_days: " + "9" * 5000 + "\n",
        ("line 3", "respond_working_days", "5000 digits"),
    ),
    "python_tag": ('name: !!python/object/apply:os.system ["true"]\n', ("line 1", "tag")),
    "tab_indent": ("name: X\n\tstages: []\n", ("line 2", "invalid YAML")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_policy_exits_2_naming_file_line_and_field(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, expected = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(content, encoding="utf-8")
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE, (out, err)
    assert str(path) in err
    for piece in expected:
        assert piece in err, (piece, err)
    assert "Traceback" not in err + out


def test_the_same_checks_guard_organisation_and_cases_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: P\n")
    org = tmp_path / "org.yaml"
    org.write_text("name: O\nattestations:\n  - provision: '4.2'\n    complies: maybe\n")
    code = main(["check", str(policy), "--organisation", str(org)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "org.yaml:line 4: attestations[0].complies" in err
    cases = tmp_path / "cases.yaml"
    cases.write_text("cases:\n  - reference: C-1\n    received_on: 2024-02-30\n")
    code = main(["check", str(policy), "--cases", str(cases)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "cases.yaml:line 3: cases[0].received_on" in err
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_bomb())
    assert main(["check", str(policy), "--cases", str(bomb)]) == EXIT_USAGE
    assert "aliases expand" in capsys.readouterr().err


def test_json_inputs_name_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": ')
    assert main(["check", str(broken)]) == EXIT_USAGE
    assert "broken.json:line 1: column 10: invalid JSON" in capsys.readouterr().err
    typed = tmp_path / "typed.json"
    typed.write_text('{"name": "X", "stages": [{"number": "x"}]}')
    assert main(["check", str(typed)]) == EXIT_USAGE
    assert "typed.json:stages[0].number" in capsys.readouterr().err
    deep = tmp_path / "deep.json"
    deep.write_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert main(["check", str(deep)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "deep.json" in err and "Traceback" not in err


def test_a_file_over_the_size_limit_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:  # sparse: costs no disk, and is never read
        fh.truncate(MAX_DOCUMENT_BYTES + 1)
    opened: list[str] = []  # every way the loader could read the file, watched

    def watch(method: str) -> None:
        original = getattr(Path, method)

        def spy(self: Path, *args: object, **kwargs: object) -> object:
            if self.name == big.name:
                opened.append(method)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Path, method, spy)

    for method in ("open", "read_text", "read_bytes"):
        watch(method)
    assert main(["check", str(big)]) == EXIT_USAGE
    assert opened == []  # refused from its size alone
    err = capsys.readouterr().err
    assert "big.yaml" in err and f"the limit is {MAX_DOCUMENT_BYTES}" in err


def test_a_large_file_under_the_limit_is_read_and_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A long value under the size limit is judged like any other (its time to load is a
    figure of benchmarks/hostile_inputs.py, not of this test)."""
    policy = tmp_path / "long.yaml"
    policy.write_text("name: " + "x" * 5_000_000 + "\n")
    code = main(["check", str(policy), "--format", "json", "--no-fail"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    judged = {f["subject"] for f in json.loads(out)["findings"]}
    assert "policy" in judged  # the policy's provisions were judged, not skipped


def test_missing_and_binary_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nowhere.yaml")]) == EXIT_USAGE
    assert "nowhere.yaml" in capsys.readouterr().err
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00name")
    assert main(["check", str(binary)]) == EXIT_USAGE
    assert "binary.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["alias_bomb", "deep_flow_nesting", "recursive_alias"])
def test_no_traceback_or_crash_in_a_real_process(name: str, tmp_path: Path) -> None:
    """In a separate interpreter: a C-level crash (stack overflow in a parser) would show
    here as a signal, not as exit 2."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(CASES[name][0], encoding="utf-8")
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "complaintrules", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == EXIT_USAGE, done.stderr
    assert "Traceback" not in done.stderr
    assert str(path) in done.stderr


# -- what an input may expand to (issue 12, item 14) -----------------------------------------
# The limits are module attributes read at each call, so these tests lower them to keep the
# files small; the subprocess test below uses the real limits.


def _refused(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE, (out, err)
    assert str(path) in err and "Traceback" not in err + out
    return err


def _never_composed(monkeypatch: pytest.MonkeyPatch) -> None:
    def compose(*args: object, **kwargs: object) -> None:
        raise AssertionError("composed a document that should have been refused first")

    monkeypatch.setattr(_loading.yaml, "compose", compose)


def test_one_long_string_aliased_many_times_is_refused_by_its_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's 16 KB string aliased 1.9M times, scaled down: few values, much text."""
    monkeypatch.setattr(_loading, "MAX_EXPANDED_CHARS", 1_000_000)
    _never_composed(monkeypatch)
    path = tmp_path / "text_bomb.yaml"
    path.write_text("name: &s " + "x" * 16_384 + "\nversion: [" + ", ".join(["*s"] * 100) + "]\n")
    err = _refused(path, capsys)
    assert "line 2: YAML aliases expand to more than 1000000 characters of text" in err


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("flat_list", "remedy_types:\n" + "- 1\n" * 3_000, "line 999"),
        ("many_keys", "name:\n" + "".join(f"  k{i}: 1\n" for i in range(1_500)), "line 500"),
    ],
)
def test_a_document_with_too_many_values_is_refused_for_that_reason(
    name: str,
    content: str,
    line: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's 60 MB flat list and 1.5M keys, scaled down: refused while parsing, with
    the reason that applies (no aliases are involved)."""
    monkeypatch.setattr(_loading, "MAX_EXPANDED_NODES", 1_000)
    _never_composed(monkeypatch)
    path = tmp_path / f"{name}.yaml"
    path.write_text(content)
    err = _refused(path, capsys)
    assert f"{line}: the document holds more than 1000 values" in err
    assert "alias" not in err


def test_json_has_the_same_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_loading, "MAX_JSON_VALUES", 1_000)
    flat = tmp_path / "flat.json"
    flat.write_text('{"remedy_types": [' + ",".join(["{}"] * 1_500) + "]}")
    assert "the document holds more than 1000 values" in _refused(flat, capsys)
    keys = tmp_path / "keys.json"
    keys.write_text('{"name": {' + ",".join(f'"k{i}": 1' for i in range(600)) + "}}")
    assert "the document holds more than 1000 values" in _refused(keys, capsys)
    # Commas, colons and brackets inside strings are not values, nor are empty containers:
    # these files are within the limit.
    prose = tmp_path / "prose.json"
    prose.write_text('{"name": "' + "a, b: [c] {d}, " * 1_000 + '"}')
    assert main(["check", str(prose), "--format", "json"]) != EXIT_USAGE
    empties = tmp_path / "empties.json"  # 1 + 1 + 1 + 997 values
    empties.write_text('{"remedy_types": [' + ", ".join(["[ ]"] * 997) + "]}")
    assert "holds more than" not in _refused(empties, capsys)  # refused, but for its type
    capsys.readouterr()


def test_a_million_wrong_values_are_one_short_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Listing every error of a long list would take more memory than reading it."""
    path = tmp_path / "policy.json"
    path.write_text('{"remedy_types": [' + ",".join(["{}"] * 200_000) + "]}")
    err = _refused(path, capsys)
    assert err.count("\n") < _loading.MAX_PROBLEMS + 5
    assert "remedy_types[0]: Input should be a valid string" in err
    assert "remedy_types[99]: " in err and "remedy_types[100]: " not in err
    assert "and 199900 more problem(s) like these, not listed" in err


def _limit_memory() -> None:
    gib = 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (gib, gib))


@pytest.mark.parametrize(
    ("name", "suffix", "expected"),
    [
        ("text_bomb", "yaml", "YAML aliases expand to more than"),
        ("flat_list", "yaml", "the document holds more than"),
        ("many_keys", "yaml", "the document holds more than"),
        ("flat_list", "json", "the document holds more than"),
    ],
)
def test_bombs_are_refused_within_1_gb_of_address_space(
    name: str, suffix: str, expected: str, tmp_path: Path
) -> None:
    """The issue's examples at full scale, under the real limits, in a process that may not
    use more than 1 GB: refused (exit 2), not a MemoryError or a crash."""
    path = tmp_path / f"{name}.{suffix}"
    with path.open("w") as fh:
        if name == "text_bomb":  # 7.6 MB: one 16 KB string aliased 1.9M times
            fh.write("name: &s " + "x" * 16_384 + "\nversion: [")
            fh.write(", ".join(["*s"] * 1_900_000) + "]\n")
        elif suffix == "json":  # past MAX_JSON_VALUES with the costliest JSON values
            fh.write('{"remedy_types": [' + ",".join(["{}"] * 1_100_000) + "]}")
        elif name == "flat_list":
            fh.write("remedy_types:\n" + "- 1\n" * 600_000)
        else:
            fh.write("name:\n" + "".join(f"  k{i:07d}: 1\n" for i in range(300_000)))
    done = subprocess.run(
        [sys.executable, "-m", "complaintrules", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert done.returncode == EXIT_USAGE, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert str(path) in done.stderr and expected in done.stderr
