"""A pytest plugin: YAML case tests, and a compliance check of a landlord's configuration.

Registered through pytest's ``pytest11`` entry point, so installing complaintrules (or any
third-party pack next to it) is enough: no conftest is needed.

* Files named ``test_*.yaml`` / ``test_*.yml`` or ``*.cases.yaml`` / ``*.cases.yml`` are
  collected as case tests (format: ``docs/yaml-case-tests.md``). Each expected verdict of
  each test is its own pytest item, so a CI log reads provision by provision.
* ``pytest --complaintrules-policy policy.yaml [--complaintrules-organisation org.yaml]
  [--complaintrules-pack code_2024]`` adds one item per provision of the pack: it fails
  on a must-level fail (or a rule error) and passes otherwise; a should-level fail is a
  :class:`ComplianceWarning` (a failure with ``--complaintrules-strict``).

Nothing is built at import: the packs are loaded the first time a test needs them.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .calendar.working_days import WorkingCalendar
from .engine.engine import Engine
from .io.loading import (
    InputError,
    InputProblem,
    _line_of,
    _problems,
    _read,
    load_organisation,
    load_policy,
)
from .law.packs import Pack
from .law.plugins import NoPackError, PackRegistry
from .law.rules import Finding, Rule, Subject, Verdict
from .model.case import Complaint
from .model.conventions import Conventions
from .model.organisation import Organisation
from .model.policy import LandlordPolicy

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

__all__ = [
    "CaseTestFile",
    "ComplianceWarning",
    "ExpectationItem",
    "ProvisionItem",
]

#: Name endings of YAML case-test files (besides the ``test_`` prefix).
CASE_FILE_SUFFIXES = (".cases.yaml", ".cases.yml")


class ComplianceWarning(UserWarning):
    """A should-level provision the configuration falls short of (best practice, not a must)."""


# -- the file format ---------------------------------------------------------------------


def _normalise_verdict(value: Any) -> Any:
    """Accept ``not applicable`` and ``needs-evidence`` as well as the enum spellings."""
    if isinstance(value, str):
        return value.strip().lower().replace(" ", "_").replace("-", "_")
    return value


class Expectation(BaseModel):
    """What one rule should conclude about a test's subject, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    verdict: Verdict
    because: str | None = Field(default=None, description="Why this verdict is right.")
    subject: Subject | None = Field(
        default=None,
        description="Which finding to compare when a rule judges several subjects "
        "(for example organisation and attestation).",
    )
    message_contains: str | None = Field(
        default=None, description="Text the finding's message must contain."
    )
    xfail: str | None = Field(
        default=None,
        description="A known wrong verdict: why. The item is expected to fail; once the rule "
        "is fixed it passes unexpectedly and is reported, so the marker is removed.",
    )

    _verdict = field_validator("verdict", mode="before")(_normalise_verdict)


def _expectation(value: Any) -> Any:
    """``CHC24-6.2: fail`` is short for ``CHC24-6.2: {verdict: fail}``."""
    if isinstance(value, str):
        return {"verdict": value}
    return value


_Expect = Annotated[dict[str, Expectation], Field(min_length=1)]


class _Defaults(BaseModel):
    """Settings a file may give once for all its tests, and a test may override."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pack: str | None = Field(
        default=None, description="Pack to judge against; else the pack in force on the date."
    )
    as_of: date | None = Field(default=None, description="Judge open cases as at this date.")
    on: date | None = Field(
        default=None, description="Judge a policy or organisation as at this date."
    )
    conventions: Conventions | None = None
    closures: list[date] = Field(default=[], description="Landlord closure days.")


class CaseTest(_Defaults):
    """One test: a subject (a case, a policy, an organisation) and the verdicts expected."""

    name: Annotated[str, Field(min_length=1)]
    description: str | None = None
    case: Complaint | None = None
    policy: LandlordPolicy | None = None
    organisation: Organisation | None = Field(
        default=None,
        description="On its own: judged itself. With a policy: judged too. With a case: the "
        "context the case rules may read.",
    )
    expect: _Expect

    @field_validator("name")
    @classmethod
    def _usable_in_node_ids(cls, value: str) -> str:
        if "::" in value:
            raise ValueError("a test name cannot contain '::' (pytest uses it in test ids)")
        return value

    @field_validator("expect", mode="before")
    @classmethod
    def _short_expectations(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): _expectation(v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _one_subject(self) -> CaseTest:
        if self.case is None and self.policy is None and self.organisation is None:
            raise ValueError("give the subject to judge: case, policy or organisation")
        if self.case is not None and self.policy is not None:
            raise ValueError("give either a case or a policy, not both (write two tests)")
        return self


class CaseTestDocument(_Defaults):
    """A YAML case-test file."""

    tests: Annotated[list[CaseTest], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_names(self) -> CaseTestDocument:
        names = [t.name for t in self.tests]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"test names repeat: {repeated}")
        return self


def load_case_tests(path: Path) -> tuple[CaseTestDocument, yaml.Node | None]:
    """The validated tests in ``path``; :class:`InputError` names the line and field."""
    doc = _read(path)
    if not isinstance(doc.data, dict):
        raise InputError(
            path,
            [
                InputProblem(
                    "(top level)",
                    "expected a mapping with a 'tests' list, got " + type(doc.data).__name__,
                    _line_of(doc.node, []),
                )
            ],
        )
    try:
        return CaseTestDocument.model_validate(doc.data), doc.node
    except ValidationError as exc:
        raise InputError(path, list(_problems(exc, doc.node))) from None


# -- engines, one per set of conventions, built on first use -----------------------------


@dataclass
class _State:
    registry: PackRegistry | None = None
    engines: dict[tuple[str, tuple[date, ...]], Engine] = field(default_factory=dict)

    def engine(self, conventions: Conventions, closures: Iterable[date] = ()) -> Engine:
        if self.registry is None:
            self.registry = PackRegistry()
        days = tuple(sorted(set(closures)))
        key = (conventions.model_dump_json(), days)
        if key not in self.engines:
            self.engines[key] = Engine(
                registry=self.registry,
                calendar=WorkingCalendar(closures=days),
                conventions=conventions,
            )
        return self.engines[key]


_STATE = pytest.StashKey[_State]()


def _state(config: pytest.Config) -> _State:
    if _STATE not in config.stash:
        config.stash[_STATE] = _State()
    return config.stash[_STATE]


# -- hooks -------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("complaintrules", "complaintrules compliance checks")
    group.addoption(
        "--complaintrules-policy",
        metavar="POLICY",
        help="check this landlord policy file (YAML/JSON): one test per provision of the pack",
    )
    group.addoption(
        "--complaintrules-organisation",
        metavar="ORG",
        help="organisation file (governance facts and attestations) to check with the policy",
    )
    group.addoption(
        "--complaintrules-pack",
        metavar="PACK",
        help="pack to check the policy against (default: the newest Code installed)",
    )
    group.addoption(
        "--complaintrules-on",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        help="judge the policy as at this date (default: the pack's last day in force, or today)",
    )
    group.addoption(
        "--complaintrules-strict",
        action="store_true",
        help="fail on should-level shortfalls too (default: they are warnings)",
    )


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _is_case_test_file(file_path: Path) -> bool:
    name = file_path.name
    if name.endswith(CASE_FILE_SUFFIXES):
        return True
    return name.startswith("test_") and file_path.suffix in (".yaml", ".yml")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseTestFile | None:
    named = _is_case_test_file(file_path)
    given = parent.session.isinitpath(file_path) and file_path.suffix in (".yaml", ".yml")
    if named or given:
        return CaseTestFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With ``--complaintrules-policy``, add one item per provision of the pack.

    Runs first so that ``-k``, ``-m`` and deselection see the added items too. A policy
    or organisation file that does not load is reported as a collection error.
    """
    policy = config.getoption("complaintrules_policy")
    if not policy:
        return
    collector = ComplianceFile.from_parent(session, path=Path(policy).resolve())
    report = config.hook.pytest_make_collect_report(collector=collector)
    config.hook.pytest_collectreport(report=report)
    if report.passed:
        items.extend(node for node in report.result if isinstance(node, pytest.Item))


# -- YAML case tests ---------------------------------------------------------------------


class CaseTestFile(pytest.File):
    """A YAML file of case tests."""

    def collect(self) -> Iterator[CaseTestCollector]:
        try:
            document, node = load_case_tests(self.path)
        except InputError as exc:
            raise self.CollectError(_input_error_text(exc)) from None
        for index, test in enumerate(document.tests):
            yield CaseTestCollector.from_parent(
                self,
                name=test.name,
                document=document,
                test=test,
                index=index,
                node=node,
            )


def _input_error_text(exc: InputError) -> str:
    return str(exc)


class CaseTestCollector(pytest.Collector):
    """One test of a YAML file; evaluates its subject once for all its expectations."""

    def __init__(
        self,
        *,
        document: CaseTestDocument,
        test: CaseTest,
        index: int,
        node: yaml.Node | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.document = document
        self.test = test
        self.index = index
        self.yaml_node = node
        self._findings: list[Finding] | None = None
        self._pack: Pack | None = None

    def line_of(self, *loc: int | str) -> int | None:
        return _line_of(self.yaml_node, ["tests", self.index, *loc])

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.line_of()
        return self.path, (line - 1 if line else None), self.test.name

    def collect(self) -> Iterator[ExpectationItem]:
        for rule_id, expectation in self.test.expect.items():
            item = ExpectationItem.from_parent(
                self, name=rule_id, rule_id=rule_id, expectation=expectation
            )
            if expectation.xfail:
                item.add_marker(
                    pytest.mark.xfail(
                        reason=expectation.xfail, strict=True, raises=ExpectationMismatchError
                    )
                )
            yield item

    # -- evaluation, once per test --------------------------------------------------------

    def _setting(self, name: str) -> Any:
        own = getattr(self.test, name)
        return own if own is not None else getattr(self.document, name)

    def conventions(self) -> Conventions:
        base = self.document.conventions or Conventions()
        own = self.test.conventions
        if own is None:
            return base
        return base.model_copy(update={k: getattr(own, k) for k in own.model_fields_set})

    def engine(self) -> Engine:
        closures = [*self.document.closures, *self.test.closures]
        return _state(self.config).engine(self.conventions(), closures)

    def pack(self) -> Pack:
        if self._pack is None:
            engine = self.engine()
            on = self.test.case.received_on if self.test.case else self._setting("on")
            self._pack = engine.pack(self._setting("pack"), on=on)
        return self._pack

    def subject_ref(self) -> str:
        if self.test.case is not None:
            return f"case {self.test.case.reference}"
        if self.test.policy is not None:
            return f"policy {self.test.policy.name or '(unnamed)'}"
        org = self.test.organisation
        return f"organisation {org.name if org else ''}".strip()

    def findings(self) -> list[Finding]:
        if self._findings is None:
            self._findings = self._evaluate()
        return self._findings

    def _evaluate(self) -> list[Finding]:
        engine, pack, test = self.engine(), self.pack(), self.test
        on, as_of = self._setting("on"), self._setting("as_of")
        if test.case is not None:
            return engine.case_findings(
                test.case,
                pack=pack,
                as_of=as_of,
                organisation=test.organisation,
                rules=list(test.expect),
            )
        found: list[Finding] = []
        if test.policy is not None:
            found += engine.policy_findings(
                test.policy, pack=pack, on=on, organisation=test.organisation
            )
        if test.organisation is not None:
            found += engine.organisation_findings(test.organisation, pack=pack, on=on)
        return found


class ExpectationMismatchError(AssertionError):
    """A rule's verdict differs from the one a YAML test expects."""


def _known_rule(registry: PackRegistry, rule_id: str) -> Rule | None:
    for rule in registry.all_rules():
        if rule.id == rule_id:
            return rule
    return None


def _evidence_lines(finding: Finding) -> list[str]:
    """The computed values a reader needs to check a timeliness verdict by hand."""
    shown = []
    for key, value in finding.evidence.computed.items():
        if key == "traceback":
            continue
        if isinstance(value, list | tuple) and not value:
            continue
        shown.append(f"    {key}: {value}")
    return shown


class ExpectationItem(pytest.Item):
    """One expected verdict of one rule in one YAML test."""

    def __init__(self, *, rule_id: str, expectation: Expectation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule_id = rule_id
        self.expectation = expectation
        self.user_properties.append(("rule_id", rule_id))
        self.user_properties.append(("expected", expectation.verdict.value))

    @property
    def test(self) -> CaseTestCollector:
        parent = self.parent
        assert isinstance(parent, CaseTestCollector)
        return parent

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.test.line_of("expect", self.rule_id)
        return self.path, (line - 1 if line else None), f"{self.test.name}: {self.rule_id}"

    def _fail(self, pack: Pack | None, summary: str, *lines: str) -> ExpectationMismatchError:
        """A mismatch: a one-line summary (shown in the short test summary), then details."""
        judged = f" against {pack.name} {pack.version}" if pack else ""
        because = self.expectation.because
        return ExpectationMismatchError(
            "\n".join(
                [
                    f"{self.rule_id}: {summary}",
                    f"  test:     {self.test.name} ({self.test.subject_ref()}{judged})",
                    *lines,
                    *([f"  because:  {because}"] if because else []),
                ]
            )
        )

    def runtest(self) -> None:
        test = self.test
        expected = self.expectation.verdict
        try:
            pack = test.pack()
        except NoPackError as exc:
            raise self._fail(None, f"cannot choose a pack: {exc}") from None
        registry = test.engine().registry
        rule = _known_rule(registry, self.rule_id)
        if rule is None:
            known = [r.id for r in registry.all_rules()]
            close = difflib.get_close_matches(self.rule_id, known, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise self._fail(
                pack,
                f"unknown rule id: no installed pack has {self.rule_id!r}{hint}",
                f"  expected: {expected.value}",
            )
        if rule.pack != pack.name:
            raise self._fail(
                pack,
                f"{self.rule_id} is a rule of pack {rule.pack}, but this test is judged "
                f"against {pack.name}; set `pack:` or change the rule id",
            )
        found = [f for f in test.findings() if f.rule_id == self.rule_id]
        if self.expectation.subject is not None:
            found = [f for f in found if f.subject is self.expectation.subject]
        if not found:
            checks = ", ".join(s.value for s in rule.subjects)
            raise self._fail(
                pack,
                f"expected {expected.value}, but the rule gave no finding here "
                f"(it judges: {checks})",
                f"  expected: {expected.value}",
                "  actual:   (no finding)",
            )
        verdicts = sorted({f.verdict for f in found}, key=lambda v: v.value)
        if len(verdicts) > 1:
            listed = "; ".join(f"{f.subject.value}: {f.verdict.value}" for f in found)
            raise self._fail(
                pack,
                f"expected {expected.value}, but its findings disagree ({listed}); "
                "say which to compare with `subject:`",
                f"  expected: {expected.value}",
                *(f"  actual:   {f.verdict.value} ({f.subject.value}): {f.message}" for f in found),
            )
        actual = verdicts[0]
        self.user_properties.append(("actual", actual.value))
        if actual is not expected:
            finding = found[0]
            evidence = _evidence_lines(finding)
            raise self._fail(
                pack,
                f"expected {expected.value}, actual {actual.value}: {finding.message}",
                f"  expected: {expected.value}",
                f"  actual:   {actual.value}",
                f"  message:  {finding.message}",
                *(["  evidence:", *evidence] if evidence else []),
            )
        wanted = self.expectation.message_contains
        if wanted and not any(wanted in f.message for f in found):
            raise self._fail(
                pack,
                f"{actual.value} as expected, but no message contains {wanted!r}",
                *(f"  message:  {f.message}" for f in found),
            )

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, ExpectationMismatchError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


# -- --complaintrules-policy -------------------------------------------------------------


class ComplianceFile(pytest.File):
    """The landlord configuration named on the command line, one item per provision."""

    def collect(self) -> Iterator[ProvisionItem]:
        config = self.config
        org_path = config.getoption("complaintrules_organisation")
        try:
            policy = load_policy(self.path)
            organisation = load_organisation(org_path) if org_path else None
        except InputError as exc:
            raise self.CollectError(_input_error_text(exc)) from None
        engine = _state(config).engine(Conventions())
        try:
            pack = engine.pack(config.getoption("complaintrules_pack"))
        except NoPackError as exc:
            raise self.CollectError(f"--complaintrules-pack: {exc}") from None
        on: date | None = config.getoption("complaintrules_on")
        report = engine.evaluate(policy=policy, organisation=organisation, pack=pack, on=on)
        by_rule: dict[str, list[Finding]] = {}
        for finding in report.findings:
            by_rule.setdefault(finding.rule_id, []).append(finding)
        strict = bool(config.getoption("complaintrules_strict"))
        for rule in engine.registry.rules_for(pack):
            yield ProvisionItem.from_parent(
                self,
                name=rule.id,
                rule=rule,
                pack=pack,
                findings=tuple(by_rule.get(rule.id, ())),
                strict=strict,
            )


class ProvisionNotMetError(AssertionError):
    """A provision the configuration does not comply with."""


def _finding_line(finding: Finding) -> str:
    return (
        f"  {finding.subject.value}: {finding.verdict.value} ({finding.level.value}): "
        f"{finding.message}"
    )


class ProvisionItem(pytest.Item):
    """Whether the configuration complies with one provision of the pack."""

    def __init__(
        self,
        *,
        rule: Rule,
        pack: Pack,
        findings: Sequence[Finding],
        strict: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rule = rule
        self.pack = pack
        self.findings = tuple(findings)
        self.strict = strict
        self.user_properties.append(("rule_id", rule.id))
        self.user_properties.append(("level", rule.level.value))
        for finding in self.findings:
            self.user_properties.append((f"verdict.{finding.subject.value}", finding.verdict.value))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.rule.id} {self.rule.title}"

    def runtest(self) -> None:
        failures = [f for f in self.findings if f.is_failure]
        shortfalls = [f for f in self.findings if f.is_warning]
        if self.strict:
            failures += shortfalls
        if failures:
            raise ProvisionNotMetError(
                "\n".join(
                    [
                        f"{self.rule.id} {self.rule.title} ({self.pack.name} "
                        f"{self.pack.version}): not met by {self.path.name}",
                        *(_finding_line(f) for f in self.findings),
                    ]
                )
            )
        for finding in shortfalls:
            # Located at the configuration file, not at this plugin's source line.
            warnings.warn_explicit(
                ComplianceWarning(
                    f"{self.rule.id} (should): {finding.subject.value}: {finding.message}"
                ),
                ComplianceWarning,
                filename=str(self.path),
                lineno=1,
            )

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, ProvisionNotMetError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)
