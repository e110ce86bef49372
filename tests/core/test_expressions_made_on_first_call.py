"""A case check written as an expression generates its one-case (Python) backend on its
first call, not when it is declared: importing a pack, or building an ``Engine``, compiles
none of the pack's checks, and a command that judges over tables never pays for them."""

from __future__ import annotations

import builtins
import subprocess
import sys
from typing import Any

import pytest

from complaintrules import Complaint, Engine, Verdict
from complaintrules.authoring import Verdicts, case_field, item, item_outcomes, stage, when
from complaintrules.law.context import Context

#: The names the expression language gives the code it generates.
_GENERATED = {"<case expression>", "<item expression>", "<item table>"}


@pytest.fixture
def generated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The code generated from now on, one name per piece compiled."""
    made: list[str] = []
    real = builtins.compile

    def counting(source: Any, filename: Any, *args: Any, **kwargs: Any) -> Any:
        if filename in _GENERATED:
            made.append(filename)
        return real(source, filename, *args, **kwargs)

    monkeypatch.setattr(builtins, "compile", counting)
    return made


def _case(handler: str | None) -> Complaint:
    stages: list[dict[str, Any]] = [{"number": 1, "handler": "Ann"}]
    if handler is not None:
        stages.append({"number": 2, "requested_on": "2024-05-20", "handler": handler})
    return Complaint.model_validate(
        {"reference": "M-1", "received_on": "2024-05-01", "stages": stages}
    )


def test_a_verdict_table_is_generated_on_its_first_call_and_kept(generated: list[str]) -> None:
    engine = Engine()
    check = when(stage(2).field("handler").is_null(), Verdict.FAIL, "no handler").otherwise(
        Verdict.PASS, "handled by {who}", values={"who": stage(2).field("handler")}
    )
    assert generated == []  # declared: nothing generated yet
    pack = engine.pack("code_2024")
    one, two = _case(None), _case("Bob")
    first = check(one, Context(pack, engine.calendar, engine.conventions, one.received_on))
    made = list(generated)
    assert made  # the first call generated the backend ...
    second = check(two, Context(pack, engine.calendar, engine.conventions, two.received_on))
    assert generated == made  # ... and the second used it again
    assert (first.verdict, first.message) == (Verdict.FAIL, "no handler")
    assert (second.verdict, second.message) == (Verdict.PASS, "handled by Bob")


def test_an_item_check_is_generated_on_its_first_call(generated: list[str]) -> None:
    engine = Engine()
    reason = item("reason")
    check = item_outcomes(
        case_field("contact_restrictions"),
        when(reason.is_null(), Verdict.NEEDS_EVIDENCE, "[{index}] no reason").per_item(
            Verdict.PASS, "[{index}] a reason"
        ),
        none=Verdicts(()).otherwise(Verdict.NOT_APPLICABLE, "no restrictions"),
    )
    assert generated == []
    case = _case("Bob")
    pack = engine.pack("code_2024")
    got = check(case, Context(pack, engine.calendar, engine.conventions, case.received_on))
    assert generated
    assert (got.verdict, got.message) == (Verdict.NOT_APPLICABLE, "no restrictions")


_IN_A_FRESH_PROCESS = """
import builtins, sys
made = []
real = builtins.compile
def counting(source, filename, *args, **kwargs):
    if filename in {names!r}:
        made.append(filename)
    return real(source, filename, *args, **kwargs)
builtins.compile = counting
from complaintrules import Engine
engine = Engine()  # imports the installed packs, declaring every check
assert engine.pack("code_2024").rules and engine.pack("code_2020").rules
print(len(made))
"""


def test_importing_the_packs_generates_no_check() -> None:
    script = _IN_A_FRESH_PROCESS.format(names=_GENERATED)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
