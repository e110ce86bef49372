"""benchmarks/policy_accuracy.py scores a set of policies against expected verdicts: a set
of our own here, with one expectation the reader agrees with, one it does not, and one
false pass (the expectation deliberately says fail where the text passes)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .builders import build

pytest.importorskip("docx")

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "policy_accuracy.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("policy_accuracy", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _set(tmp_path: Path) -> Path:
    build(
        [
            ("h1", "Test Homes complaints"),
            ("h2", "Stage 1"),
            ("p", "We will respond within 10 working days of acknowledging your complaint."),
            ("h2", "Stage 2"),
            ("p", "We will respond within 30 working days of acknowledging your escalation."),
        ],
        tmp_path / "policy.docx",
    )
    (tmp_path / "expected").mkdir()
    (tmp_path / "expected" / "policy.yaml").write_text(
        "document: policy.docx\n"
        "expect:\n"
        "  CHC24-6.14: {verdict: fail, where: 'Stage 2: 30 working days'}\n"
        "  CHC24-6.3: fail\n"
        "  CHC24-6.2: pass\n"
    )
    return tmp_path


def test_it_prints_agreement_and_every_false_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _script().main([str(_set(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "policy.docx" in out and "1/3" in out
    assert "overall: 1/3 provisions agree (33.3%) over 1 document(s); false passes: 1" in out
    assert "CHC24-6.3: expected fail, got pass  FALSE PASS" in out
    assert "CHC24-6.2: expected pass, got needs_evidence" in out
    assert "CHC24-6.14" not in out.split("misses:")[1]


def test_a_bad_expectation_file_is_named_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _set(tmp_path)
    (directory / "expected" / "policy.yaml").write_text(
        "document: policy.docx\nexpect:\n  CHC24-6.3: maybe\n"
    )
    assert _script().main([str(directory)]) == 2
    err = capsys.readouterr().err
    assert "policy.yaml" in err and "expect.CHC24-6.3" in err and "pass, fail" in err
