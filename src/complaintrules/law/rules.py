"""Rules, the outcomes their checks return, and the findings the engine reports."""

from __future__ import annotations

import math
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from .timescale import Timescale

if TYPE_CHECKING:
    from ..model.case import Complaint
    from ..model.organisation import Organisation
    from ..model.policy import LandlordPolicy
    from .context import Context, Portfolio

__all__ = [
    "Evidence",
    "Example",
    "Finding",
    "Level",
    "Outcome",
    "Rule",
    "Subject",
    "Verdict",
]


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    NEEDS_EVIDENCE = "needs_evidence"
    ERROR = "error"


class Subject(StrEnum):
    """What a rule looks at."""

    CASE = "case"
    POLICY = "policy"
    ORGANISATION = "organisation"
    PORTFOLIO = "portfolio"
    ATTESTATION = "attestation"


class Level(StrEnum):
    """The Code's modal verb: a ``should`` shortfall is reported as a warning."""

    MUST = "must"
    SHOULD = "should"


# The result objects below are frozen dataclasses with their own ``__init__``, written as
# the one dataclass generates (each field set through ``object.__setattr__``, as a frozen
# class must) but with that setter bound once: one case makes a hundred of them, and the
# generated ``__init__`` looks the setter up again for every field. A mapping left out is a
# new empty dict, as ``default_factory=dict`` gives; ``fields()``, ``replace()``, equality,
# ``repr`` and immutability are the dataclass's own.
_set = object.__setattr__


class _Fresh:
    """The default of a field whose value is made anew for each object (shown in
    signatures as what it makes)."""

    __slots__ = ("shown",)

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def __repr__(self) -> str:
        return self.shown


#: a new empty dict; a new empty :class:`Evidence`
_NEW: Any = _Fresh("{}")
_NEW_EVIDENCE: Any = _Fresh("Evidence()")


class _Worded:
    """The slot a result keeps its wording in until first read (see :meth:`Outcome.later`
    and :meth:`Finding.later`): None once worded; unset for a result given its words.

    A subclass names the fields it words later (``_WORDED``) and says how its words become
    their values (``_wording``); reading one of them the first time sets them all.
    """

    __slots__ = ("_words",)

    _WORDED: ClassVar[frozenset[str]] = frozenset()

    def _wording(self, words: Any) -> dict[str, Any]:
        """The values of the fields worded later, from the function ``words``."""
        raise NotImplementedError

    if not TYPE_CHECKING:  # mypy would take any attribute name for one of these

        def __getattr__(self, name: str) -> Any:
            """A deferred result's worded fields, worked out now (only called for a field
            not yet set)."""
            if name not in self._WORDED:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            words = _words_of(self)
            if words is not None:
                for worded, value in self._wording(words).items():
                    _set(self, worded, value)
                _set(self, "_words", None)
            return object.__getattribute__(self, name)


def _wording_failed(exc: BaseException) -> tuple[str, dict[str, Any]]:
    """The message and computed evidence of a result whose deferred wording raised ``exc``
    (called while it is handled: the evidence gives its traceback)."""
    return (
        f"the verdict stands, but its message could not be worded: "
        f"{type(exc).__name__}: {_text(exc)}",
        {"wording_error": traceback.format_exc(limit=4)},
    )


@dataclass(frozen=True, slots=True, init=False)
class Outcome(_Worded):
    """What a check returns; the engine turns it into a :class:`Finding`.

    A check may decide its verdict and leave the wording for later: :meth:`later` makes an
    outcome whose message and evidence are produced when first read.
    """

    verdict: Verdict
    message: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    computed: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        verdict: Verdict,
        message: str,
        facts: Mapping[str, Any] = _NEW,
        computed: Mapping[str, Any] = _NEW,
    ) -> None:
        _set(self, "verdict", verdict)
        _set(self, "message", message)
        _set(self, "facts", {} if facts is _NEW else facts)
        _set(self, "computed", {} if computed is _NEW else computed)

    @classmethod
    def later(
        cls,
        verdict: Verdict,
        words: Callable[[], tuple[str, Mapping[str, Any], Mapping[str, Any]]],
    ) -> Outcome:
        """An outcome with ``verdict`` whose message, facts and computed values are
        ``words()``, called when any of them is first read (and only then), kept after.

        ``words`` should only put into words what the check has already worked out: a
        verdict is decided when the check returns, so anything that can go wrong belongs
        before it. Should ``words`` raise all the same, the verdict stands and the message
        says the wording failed, with the traceback as a computed value.
        """
        # Our own class, made without its __init__ (which would word it): the fields are
        # set here as __init__ sets them, but for those worded later.
        made = cls.__new__(cls)
        _set(made, "verdict", verdict)
        _set(made, "_words", words)
        return made

    _WORDED: ClassVar[frozenset[str]] = frozenset({"message", "facts", "computed"})

    def _wording(self, words: Any) -> dict[str, Any]:
        try:
            message, facts, computed = words()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # as the engine treats a check that raises
            message, computed = _wording_failed(exc)
            facts = {}
        return {"message": message, "facts": facts, "computed": computed}


_WORDS = _Worded.__dict__["_words"]  # the slot itself, read without the fallback


def _words_of(result: _Worded) -> Any:
    """How ``result`` is to be worded: None when it has its words (or was never deferred:
    the constructors leave the slot unset, one write fewer per result)."""
    try:
        return _WORDS.__get__(result, None)
    except AttributeError:
        return None


_JSON_SCALARS = (str, int, float, bool, type(None))


def jsonable(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON can hold it, so that a report is always written.

    Rules should put JSON values in their evidence; a third-party rule that puts anything
    else there still gets a report: dates and times become ISO text, enums their value,
    mappings objects with text keys, lists and tuples lists, sets and frozensets sorted
    lists, a float that is not finite its text (``"nan"``, ``"inf"``), and anything else
    (or anything nested deeper than 50 levels) its ``str()``.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # strict JSON has no NaN or infinity: "nan", "inf", "-inf"
    if isinstance(value, _JSON_SCALARS):
        return value
    if depth > 50:
        return _text(value)
    if isinstance(value, Mapping):
        return {
            (k if isinstance(k, str) else str(jsonable(k, depth + 1))): jsonable(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [jsonable(v, depth + 1) for v in value]
    if isinstance(value, set | frozenset):
        items = [jsonable(v, depth + 1) for v in value]
        try:
            return sorted(items)
        except TypeError:  # mixed types: in the order of their JSON text
            return sorted(items, key=repr)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value, depth + 1)
    return _text(value)


def _text(value: Any) -> str:
    """``str(value)``; a third-party object whose ``str()`` raises is named by its type."""
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__} that cannot be shown as text>"


def _jsonable_map(values: Mapping[str, Any]) -> dict[str, Any]:
    if all(isinstance(v, _JSON_SCALARS) for v in values.values()):
        return dict(values)  # the common case: plain already
    converted: dict[str, Any] = jsonable(values)
    return converted


@dataclass(frozen=True, slots=True, init=False)
class Evidence:
    """Enough to check a verdict by hand: facts read, parameters used, values computed.

    :meth:`to_dict` gives JSON values whatever a rule put here (see :func:`jsonable`).
    """

    facts: Mapping[str, Any] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)
    computed: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        facts: Mapping[str, Any] = _NEW,
        parameters: Mapping[str, Any] = _NEW,
        computed: Mapping[str, Any] = _NEW,
    ) -> None:
        _set(self, "facts", {} if facts is _NEW else facts)
        _set(self, "parameters", {} if parameters is _NEW else parameters)
        _set(self, "computed", {} if computed is _NEW else computed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "facts": _jsonable_map(self.facts),
            "parameters": _jsonable_map(self.parameters),
            "computed": _jsonable_map(self.computed),
        }


@dataclass(frozen=True, slots=True, init=False)
class Finding(_Worded):
    """One rule's verdict on one subject.

    The engine words a finding only when its message or evidence is first read (see
    :meth:`later`): a caller that reads verdicts alone (counts, failures, an exit code)
    never pays for the text. Equality, ``repr``, pickling, copying and :meth:`to_dict`
    read the message and evidence, so they behave as for a finding given its words. The
    words are read from the case when first asked for: a :class:`Complaint` is frozen, but
    its lists are plain lists, so changing one after judging the case changes the words
    (never the verdict); read the findings first, or judge a copy.
    """

    rule_id: str
    provision: str
    pack: str
    subject: Subject
    subject_ref: str
    verdict: Verdict
    level: Level
    message: str
    evidence: Evidence = field(default_factory=Evidence)

    def __init__(
        self,
        rule_id: str,
        provision: str,
        pack: str,
        subject: Subject,
        subject_ref: str,
        verdict: Verdict,
        level: Level,
        message: str,
        evidence: Evidence = _NEW_EVIDENCE,
    ) -> None:
        _set(self, "rule_id", rule_id)
        _set(self, "provision", provision)
        _set(self, "pack", pack)
        _set(self, "subject", subject)
        _set(self, "subject_ref", subject_ref)
        _set(self, "verdict", verdict)
        _set(self, "level", level)
        _set(self, "message", message)
        _set(self, "evidence", Evidence() if evidence is _NEW_EVIDENCE else evidence)

    @classmethod
    def later(
        cls,
        rule_id: str,
        provision: str,
        pack: str,
        subject: Subject,
        subject_ref: str,
        verdict: Verdict,
        level: Level,
        words: Callable[[], tuple[str, Evidence]],
    ) -> Finding:
        """A finding whose message and evidence are ``words()``, called when either is
        first read (and only then), kept after; otherwise as the constructor makes it.

        Should ``words`` raise, the verdict stands and the message says the wording failed,
        with the traceback as computed evidence (see :meth:`Outcome.later`).
        """
        made = cls.__new__(cls)  # as in Outcome.later
        _set(made, "rule_id", rule_id)
        _set(made, "provision", provision)
        _set(made, "pack", pack)
        _set(made, "subject", subject)
        _set(made, "subject_ref", subject_ref)
        _set(made, "verdict", verdict)
        _set(made, "level", level)
        _set(made, "_words", words)
        return made

    _WORDED: ClassVar[frozenset[str]] = frozenset({"message", "evidence"})

    def _wording(self, words: Any) -> dict[str, Any]:
        try:
            message, evidence = words()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # as the engine treats a check that raises
            message, computed = _wording_failed(exc)
            evidence = Evidence(computed=computed)
        return {"message": message, "evidence": evidence}

    @property
    def is_failure(self) -> bool:
        """A must-level fail (or a rule error): what makes a run fail."""
        return (self.verdict is Verdict.FAIL and self.level is Level.MUST) or (
            self.verdict is Verdict.ERROR
        )

    @property
    def is_warning(self) -> bool:
        """A should-level fail: a shortfall against best practice."""
        return self.verdict is Verdict.FAIL and self.level is Level.SHOULD

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "provision": self.provision,
            "pack": self.pack,
            "subject": self.subject.value,
            "subject_ref": self.subject_ref,
            "verdict": self.verdict.value,
            "level": self.level.value,
            "message": self.message,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Example:
    """A worked example of a rule, shown in its docs and run as a test."""

    subject: Subject
    expect: Verdict
    title: str
    data: Mapping[str, Any]
    #: The date an open case is judged at, for examples of overdue obligations; for an
    #: organisation, policy or portfolio, the date it is judged on.
    as_of: date | None = None


CaseCheck = Callable[["Complaint", "Context"], Outcome]
PolicyCheck = Callable[["LandlordPolicy", "Context"], Outcome]
OrganisationCheck = Callable[["Organisation", "Context"], Outcome]
PortfolioCheck = Callable[["Portfolio", "Context"], Outcome]

_ID = re.compile(r"^[A-Z][A-Z0-9]*-[0-9A-Za-z.]+$")


@dataclass(frozen=True, slots=True)
class Rule:
    """One provision of a Code as an executable check, declared once and never mutated.

    A rule has one check per subject it can be judged on. ``attestation`` says what a
    person must attest, with evidence, for the parts no data can settle; when it is set the
    rule is also judged on the organisation's attestations. A timeliness provision gives a
    ``timescale`` declaration instead of a case check: its case check is then the core's
    shared judge of that declaration (and the bulk path reads the declaration too).
    ``only_when_late`` says the case check finds a case not applicable unless a stage's
    response ran past its original deadline under the pack's declared response
    timescales; the bulk path then counts it not applicable, without calling it, for the
    cases the timescale arrays show on time (and stops doing so if the rule ever
    disagrees).
    """

    id: str
    pack: str
    provision: str
    section: str
    title: str
    summary: str
    explanation: str
    source: str
    level: Level = Level.MUST
    case: CaseCheck | None = None
    policy: PolicyCheck | None = None
    organisation: OrganisationCheck | None = None
    portfolio: PortfolioCheck | None = None
    attestation: str | None = None
    examples: tuple[Example, ...] = ()
    timescale: Timescale | None = None
    only_when_late: bool = False

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} must look like 'CHC24-6.3'")
        if self.timescale is not None:
            if not isinstance(self.timescale, Timescale):
                raise TypeError(
                    f"rule {self.id}: timescale must be a Timescale, "
                    f"not {type(self.timescale).__name__}"
                )
            if self.case is not None:
                raise ValueError(
                    f"rule {self.id}: give either a case check or a timescale, not both "
                    "(the timescale's case check is the shared judge)"
                )
            # Imported here: the judge's module builds on this one.
            from .stage_checks import TimescaleCheck

            object.__setattr__(self, "case", TimescaleCheck(self.timescale))
        if self.only_when_late and self.case is None:
            raise ValueError(f"rule {self.id}: only_when_late describes a case check it lacks")
        if not self.subjects:
            raise ValueError(f"rule {self.id} checks no subject")

    @property
    def subjects(self) -> tuple[Subject, ...]:
        found = [
            (Subject.CASE, self.case),
            (Subject.POLICY, self.policy),
            (Subject.ORGANISATION, self.organisation),
            (Subject.PORTFOLIO, self.portfolio),
            (Subject.ATTESTATION, self.attestation),
        ]
        return tuple(subject for subject, check in found if check is not None)

    def describe(self) -> dict[str, Any]:
        """The rule as plain data, for ``complaintrules rules --format json``."""
        return {
            "id": self.id,
            "pack": self.pack,
            "provision": self.provision,
            "section": self.section,
            "title": self.title,
            "level": self.level.value,
            "subjects": [s.value for s in self.subjects],
            "summary": self.summary,
            "source": self.source,
            "attestation": self.attestation,
        }
