"""What a policy document says, fact by fact, each with the words it rests on.

The extraction reads the blocks of a :class:`~.structure.PolicyText` with fixed patterns
(no model, nothing downloaded): the stages and their order, each timescale with its unit and
what starts its clock, extension caps, the time limit for making a complaint, the
Ombudsman, the definition of a complaint and a few more. Every fact has one of three states:

* ``says_so``: the document says it (the citation gives the place and the sentence);
* ``says_otherwise``: the document says the opposite, or something narrower (cited too:
  that is what a rule fails);
* ``silent``: nothing in the document says it (the provisions that depend on it then need
  evidence, as for a YAML field left out).

A commitment the document hedges ("we aim to", "normally", "where possible") is marked
``hedged``: a timescale stated only as an aim is read as the timescale with ``aim_only``,
and a hedged extension cap as the cap with ``cap_aim_only`` (the rules report both as aims).

A period in working days is read as ``<what>_working_days``; one in another unit (calendar
days, weeks, months, or a bare "days") or stated only as an aim is kept as written in
``<what>_within`` (``{amount, unit}``): the rules judge it by the most working days it can
hold (:class:`~complaintrules.model.policy.PolicyPeriod`). The unit as written and that
reading are in the fact's note. A clock that starts at allocation, an extension with no
limit, a stage the landlord may refuse, each stage's handler and the linked documents are
read into their fields too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from ...model.policy import (
    LandlordPolicy,
    most_working_days,
    most_working_days_in_months,
)
from .structure import STAGE_ONE_BY_WORK, STAGE_TWO_BY_WORK, Block, PolicyText, sentences

__all__ = [
    "Citation",
    "Extraction",
    "Fact",
    "State",
    "extract_policy",
    "most_working_days",
    "most_working_days_in_months",
]


class State(StrEnum):
    """What the document says about a fact."""

    SAYS_SO = "says_so"
    SAYS_OTHERWISE = "says_otherwise"
    SILENT = "silent"


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a fact is said: the place as a landlord cites it, and the sentence."""

    place: str
    quote: str

    def render(self, title: str | None = None) -> str:
        quote = self.quote if len(self.quote) <= 300 else self.quote[:297].rstrip() + "..."
        where = f"{title}, {self.place}" if title else self.place
        return f"{where}: '{quote}'"


@dataclass(frozen=True, slots=True)
class Fact:
    """One value read from the document, at a field path of the policy model
    (``stages[1].respond_working_days``: stage number 1), or a finding with no model field
    yet (``path`` starting ``notes.``), kept for the writer to review."""

    path: str
    value: Any
    state: State
    citation: Citation | None = None
    hedged: bool = False
    note: str | None = None


@dataclass(slots=True)
class Extraction:
    """Everything read from one document."""

    document: PolicyText
    facts: list[Fact] = field(default_factory=list)

    def fact(self, path: str) -> Fact | None:
        return next((f for f in self.facts if f.path == path), None)

    def policy_data(self) -> dict[str, Any]:
        """The facts as the policy model's fields (silent facts and notes left out)."""
        data: dict[str, Any] = {}
        if self.document.title:
            data["name"] = self.document.title
        stages: dict[int, dict[str, Any]] = {}
        for f in self.facts:
            if f.state is State.SILENT or f.path.startswith("notes.") or f.value is None:
                continue
            m = re.match(r"stages\[(\d)\]\.(.+)", f.path)
            if m:
                _put(stages.setdefault(int(m.group(1)), {}), m.group(2), f.value)
            else:
                _put(data, f.path, f.value)
        if stages:
            data["stages"] = [{"number": n, **stages[n]} for n in sorted(stages)]
        return data

    def policy(self) -> LandlordPolicy:
        """The policy model filled from the document (a value the model refuses is dropped
        and its fact turned into a note)."""
        data = self.policy_data()
        try:
            return LandlordPolicy.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                _drop(data, [p for p in err["loc"] if isinstance(p, str | int)])
            return LandlordPolicy.model_validate(data)

    def citations(self) -> dict[str, str]:
        """Field path -> "Title, 4.1: '...'" for every cited fact."""
        title = self.document.title
        return {f.path: f.citation.render(title) for f in self.facts if f.citation is not None}


def _put(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _drop(data: Any, loc: list[str | int]) -> None:
    for part in loc[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(data, dict) and loc:
        data.pop(loc[-1], None)


# -- numbers, units and clocks -------------------------------------------------------------

_UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty)(?:[- ](?:one|two|three|four|five|six|seven|eight"
    r"|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_NUM = rf"(?:\d{{1,3}}|{_WORD_NUMBER})"
# Working days as policies write them, misspelt too ("workings days", "woking days",
# "work days", "workdays", "working-day"), abbreviated ("wd", "w/d") or as "weekdays" (which
# hold no more working days than their number): any of these is read as working days. A
# bare "days" is kept as "days" (read as working days, the most it can hold); "calender" is
# a misspelt "calendar".
_WORKING = r"(?:w(?:or|ro|o)k(?:ings?|in|ng|ign|ing)?|business)"
_UNIT = (
    rf"(?P<unit>{_WORKING}[\s-]*days?|week[\s-]?days?|wds?|w/ds?|calend[ae]r[\s-]+days?|clear\s+days?|days?"
    r"|weeks?|months?)"
)
_PERIOD = re.compile(
    rf"\b(?P<num>{_NUM})(?:\s*\(\s*(?P<alt>{_NUM})\s*\))?(?:[\s-]+(?:further\s+|more\s+|"
    rf"additional\s+|extra\s+)?{_UNIT}|\s*(?P<short>wds?|w/ds?))\b",
    re.I,
)
#: The spellings of a unit that need no note (anything else was read from a variant).
_PLAIN_UNIT = re.compile(
    r"(?:working|business|calendar|clear)[\s-]+days?|days?|weeks?|months?", re.I
)


def word_number(text: str) -> int | None:
    """``"12"``, ``"twelve"``, ``"twenty-five"`` as an int; None otherwise."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    if text in _UNITS_WORDS:
        return _UNITS_WORDS[text]
    parts = re.split(r"[- ]", text)
    if parts[0] in _TENS_WORDS:
        extra = _UNITS_WORDS.get(parts[1], -1) if len(parts) == 2 else 0
        if 0 <= extra <= 9:
            return _TENS_WORDS[parts[0]] + extra
    return None


@dataclass(frozen=True, slots=True)
class Period:
    amount: int
    unit: str  # "working days", "calendar days", "days", "weeks", "months"
    start: int
    end: int
    spelt: str = ""  # the unit as written, where it is a variant or a typo ("workings days")

    @property
    def working_days(self) -> int:
        """The most working days the period can hold (see the module's docstring)."""
        if self.unit in ("working days", "days"):
            return self.amount
        if self.unit == "calendar days":
            return most_working_days(self.amount)
        if self.unit == "weeks":
            return 5 * self.amount
        return most_working_days_in_months(self.amount)

    @property
    def written(self) -> str:
        return f"{self.amount} {self.unit}"


def _spelt_note(p: Period) -> str | None:
    """The note on a period whose unit was read from a variant or a typo."""
    return f"the unit is written '{p.spelt}'; read as {p.unit}" if p.spelt else None


def _unit(text: str) -> str:
    t = text.lower()
    if t.startswith("week") and "day" not in t:
        return "weeks"
    if t.startswith(("w", "business", "clear")):
        return "working days"
    if t.startswith("calend"):
        return "calendar days"
    if t.startswith("day"):
        return "days"
    return "months"


#: A bare number after "within" whose unit is the next period's ("acknowledge within 5 and
#: reply within 10 working days", "within 5, and then 10, working days").
_SHARED_UNIT = re.compile(rf"\bwithin\s+(?P<num>{_NUM})\b(?=[\s,]+(?:and|or|then)\b|,)", re.I)


#: A period named with "a": "within a fortnight", "within a week", "within a month".
_A_PERIOD = re.compile(
    r"\b(?:within|in|inside|after|of)\s+(?P<a>a|one|a\s+single)\s+(?P<what>fortnight|week|month)\b",
    re.I,
)


def periods(sentence: str) -> list[Period]:
    out = []
    for m in _A_PERIOD.finditer(sentence):
        what = m.group("what").lower()
        count, unit = (2, "weeks") if what == "fortnight" else (1, what + "s")
        spelt = "a fortnight" if what == "fortnight" else ""
        out.append(Period(count, unit, m.start("a"), m.end(), spelt))
    for m in _PERIOD.finditer(sentence):
        amount = word_number(m.group("num"))
        if amount is None and m.group("alt"):
            amount = word_number(m.group("alt"))
        written = m.group("unit") or m.group("short")
        if amount is not None:
            spelt = "" if _PLAIN_UNIT.fullmatch(written) else written
            out.append(Period(amount, _unit(written), m.start(), m.end(), spelt))
    out.sort(key=lambda p: p.start)
    for m in _SHARED_UNIT.finditer(sentence):
        shared = word_number(m.group("num"))
        later = next((p for p in out if p.start >= m.end()), None)
        if (
            shared is None
            or later is None
            or later.start - m.end() > 80
            or any(p.start <= m.start("num") < p.end for p in out)
        ):
            continue
        out.append(Period(shared, later.unit, m.start("num"), m.end(), later.spelt))
    return sorted(out, key=lambda p: p.start)


_HEDGE = re.compile(
    r"\b(aim(?:s|ing)? (?:to|for)|(?:our|the) aim is|will try|try to|endeavour|seek to|"
    r"normally|usually|typically|"
    r"generally|where(?:ver)? possible|if possible|as far as possible|target|expect to|"
    r"should be able|in (?:most|the majority of) cases|do (?:our|its|their) best|ideally|"
    r"hope to|intend to)\b",
    re.I,
)
#: Where a hedge stops: a clause after "but", "however" or a semicolon says something else
#: ("we aim to reply within 10 working days, but complex cases can take an additional 10":
#: the aim is the reply's, the extra 10 days are firm).
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bhowever\b", re.I)


def hedged_at(text: str, pos: int) -> bool:
    """Whether the period at ``pos`` is hedged: by a hedge in its own clause, or in one
    after it ("within 10 working days, but this is only a target"); a hedge in an earlier
    clause does not reach past the "but"."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= pos:
            start = m.end()
    return bool(_HEDGE.search(text[start:]))


# What starts a response clock, in the words after the period.
_CLOCKS = (
    (
        "escalation_request",
        r"escalat|\bappeal|request(?:ed|ing)? (?:a |for )?(?:a )?(?:review|stage)|"
        # the request named by the stage it asks for: "from the date of stage 2 request"
        r"\b(?:stage\s+(?:2|two)|review|escalation)\s+request|"
        # the resident asking, in any words: "of you asking for a review"
        r"\b(?:ask|request)(?:s|ed|ing)?\s+(?:us\s+)?(?:for\s+)?(?:a\s+|an\s+|the\s+|your\s+)?"
        r"(?:\w+\s+)?(?:review|escalation|stage\s+(?:2|two))",
    ),
    ("acknowledgement", r"acknowledg"),
    ("logging", r"\blog(?:ged|ging)?\b|regist|recorded"),
    (
        "allocation",
        r"allocat|assign|appoint|(?:passed|handed|given|sent) (?:on )?to (?:an? |the |our )?"
        r"(?:\w+ )?(?:officer|manager|investigator|caseworker|case worker|handler|reviewer)|"
        r"passed to|picks? up|investigating (?:officer|manager)",
    ),
    ("receipt", r"receiv|receipt|first (?:contact|made|raised)|you (?:make|raise|tell)"),
)


def clock_start(after: str) -> str | None:
    """What a period counts from: the first clock word in the words that follow it."""
    head = after[:140].lower()
    if not re.match(
        r"\s*(?:[a-z]+\s+){0,2}?(?:of|from|after|following|since|once|beginning)\b", head
    ):
        return None
    escalation = re.search(_CLOCKS[0][1], head[:80])
    acknowledged = re.search(_CLOCKS[1][1], head[:80])
    if escalation and not (acknowledged and acknowledged.start() < escalation.start()):
        return _CLOCKS[0][0]  # "of receiving your escalation request" counts from the request
    best: tuple[int, str] | None = None
    for name, pattern in _CLOCKS:
        m = re.search(pattern, head)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


# -- stages --------------------------------------------------------------------------------

_STAGE_REF = re.compile(
    rf"\bstage\s+(?P<n>\d|{_WORD_NUMBER}|zero)\b|\b(?P<o>first|second|third)[\s-]+stage\b", re.I
)
_ORDINALS = {"first": 1, "second": 2, "third": 3}
_INFORMAL = re.compile(
    r"\b(informal|front[- ]?line|early resolution|local resolution|quick resolution|"
    r"first point of contact|stage (?:0|zero))\b",
    re.I,
)
_NEGATED_STAGE = re.compile(
    r"\b(?:no|not an?|there is no|isn't an?|without an?)\s+(?:\w+\s+)?stage", re.I
)


def _stage_numbers(text: str) -> list[int]:
    out = []
    for m in _STAGE_REF.finditer(text):
        n = _ORDINALS[m.group("o").lower()] if m.group("o") else word_number(m.group("n"))
        if n is not None and n <= 9 and n not in out:
            out.append(n)
    return out


@dataclass(slots=True)
class _Sentence:
    text: str
    block: int  # index of its block
    stage: int | None  # the stage whose section it sits in
    lead_hedged: bool = False  # a list item under a hedged lead-in ("we aim to:")


@dataclass(slots=True)
class _Reader:
    doc: PolicyText
    facts: list[Fact] = field(default_factory=list)
    said: set[str] = field(default_factory=set)
    stage_names: dict[int, tuple[str, int]] = field(default_factory=dict)  # n -> name, block
    informal: set[int] = field(default_factory=set)

    def cite(self, s: _Sentence) -> Citation:
        return Citation(self.doc.place(s.block), s.text)

    def fact(self, path: str) -> Fact | None:
        return next((f for f in self.facts if f.path == path), None)

    def add(
        self,
        path: str,
        value: Any,
        s: _Sentence | None,
        *,
        state: State | None = None,
        hedged: bool = False,
        note: str | None = None,
    ) -> None:
        if path in self.said:
            return  # the first place a document says something is the one cited
        self.said.add(path)
        if state is None:
            state = State.SAYS_OTHERWISE if value is False else State.SAYS_SO
        self.facts.append(Fact(path, value, state, self.cite(s) if s else None, hedged, note))


def _stage_of_heading(block: Block) -> tuple[int | None, bool]:
    """The stage a heading opens (number, informal?), or (None, False)."""
    text = block.text
    numbers = _stage_numbers(text)
    if len(numbers) == 1:
        informal = _INFORMAL if numbers[0] == 0 else re.compile(r"\binformal\b", re.I)
        return numbers[0], numbers[0] == 0 or bool(informal.search(text))
    if not numbers and _INFORMAL.search(text) and len(text) < 80:
        return 0, True
    return None, False


#: A stage called by another name in a heading: "Step one: investigation", "Level 2 -
#: review", "Tier 1", "Phase two".
_STEP_REF = re.compile(rf"\b(?:step|level|tier|phase)\s+(?P<n>\d|{_WORD_NUMBER})\b", re.I)
_FINAL_STAGE = re.compile(r"\b(?:final|last)\s+stage\b", re.I)
_LATER_WORDS = re.compile(
    r"review|appeal|escalat|unhappy|not (?:happy|satisfied)|dissatisfied|final|further|"
    r"\b(?:your|the) request\b",
    re.I,
)


def _step_headings(blocks: list[Block]) -> dict[int, int]:
    """Headings that name the stages by another word (block index -> stage number), where
    no heading names a stage: "Step 1"/"Step 2", "Level one"/"Level two", "Tier 1"/"Tier 2";
    or "The first stage" then "The final stage". Read only where they are the procedure's
    stages: two or three headings numbered on from 0 or 1, the last speaking (in its title
    or the first sentence under it) of a review, an appeal, escalating or an unhappy resident; steps
    that number the resident's own actions ("Step 1: contact us") are not stages."""
    headings = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading"]
    if any(_stage_numbers(b.text) and not _FINAL_STAGE.search(b.text) for _, b in headings):
        first = [i for i, b in headings if _stage_numbers(b.text) == [1]]
        final = [i for i, b in headings if _FINAL_STAGE.search(b.text)]
        named = {k for _, b in headings for k in _stage_numbers(b.text)}
        if first and len(final) == 1 and final[0] > first[0] and named == {1}:
            return {final[0]: 2}  # "the first stage" ... "the final stage"
        return {}
    found: dict[int, int] = {}
    for i, b in headings:
        m = _STEP_REF.search(b.text)
        n = word_number(m.group("n")) if m else None
        if n is not None and n not in found.values():
            found[i] = n
    numbers = sorted(found.values())
    if not 2 <= len(numbers) <= 3 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return {}
    if numbers[0] not in (0, 1):
        return {}
    last = max(found, key=lambda i: found[i])
    following = next((b.text for b in blocks[last + 1 :] if b.kind != "heading"), "")
    first_sentence = (sentences(following) or [""])[0]
    if not _LATER_WORDS.search(blocks[last].text + " " + first_sentence):
        return {}
    return found


#: A third stage named by its work after the review: "Final review", "Appeal", "Third
#: step", "Review panel".
_THIRD_BY_WORK = re.compile(
    r"^\W*(?:the\s+|our\s+)?(?:third\s+(?:step|stage)|final\s+(?:review|appeal|stage|step)|"
    r"appeals?(?:\s+(?:stage|panel))?|(?:review|appeal|complaints?)\s+panel)\W*$",
    re.I,
)


def _third_by_work(headings: list[tuple[int, Block]], second: int, level: int) -> int | None:
    """A heading of the stage 2 heading's level after it that names a further stage by its
    work (so that a three-stage procedure is not read as two), or None."""
    for j, later in headings:
        if j <= second or later.level > level:
            continue
        if later.level < level or re.search(r"ombudsman", later.text, re.I):
            return None
        if _THIRD_BY_WORK.search(later.text):
            return j
    return None


def _work_headings(blocks: list[Block]) -> dict[int, int]:
    """Headings that name the two stages by what each does, with no number, where no
    heading numbers a stage: "Investigation stage" then "Review stage", "Resolve" then
    "Review", "First step" then "Review", "Initial response" then "Review" (block index ->
    stage number). Their order is the document's: the stage 2 heading is the first review
    heading after a stage 1 heading of the same level, and the stage 1 headings are those
    of that level before it (the acknowledgement's own heading among them). A review by
    the Ombudsman, or of the policy itself, is no stage of the landlord's; a later heading
    naming a further stage ("Final review", "Appeal") is stage 3."""
    headings = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading" and len(b.text) < 60]
    if any(_stage_numbers(b.text) for _, b in headings):
        return {}
    for k, (i, b) in enumerate(headings):
        if not STAGE_ONE_BY_WORK.search(b.text) or _INFORMAL.search(b.text):
            continue
        firsts = [i]
        for j, later in headings[k + 1 :]:
            if later.level < b.level or re.search(r"ombudsman", later.text, re.I):
                break
            if later.level > b.level:
                continue
            if STAGE_TWO_BY_WORK.search(later.text):
                # the review of a complaint, not of the policy ("Review: this policy is
                # reviewed every three years")
                under = next((x.text for x in blocks[j + 1 :] if x.kind != "heading"), "")
                if re.search(r"\b(?:this|the|our)\s+(?:policy|procedure|document)\b", under, re.I):
                    return {}
                found = {**{f: 1 for f in firsts}, j: 2}
                third = _third_by_work(headings, j, b.level)
                if third is not None:
                    found[third] = 3
                return found
            if STAGE_ONE_BY_WORK.search(later.text) and not _INFORMAL.search(later.text):
                firsts.append(j)
        return {}
    return {}


def _sentences(reader: _Reader) -> list[_Sentence]:
    """Every sentence with the stage whose section holds it (headings open a stage's
    section; a heading of the same or a higher level that names no stage closes it)."""
    out: list[_Sentence] = []
    stage: int | None = None
    stage_level = 0
    steps = _step_headings(reader.doc.blocks) or _work_headings(reader.doc.blocks)
    for i, block in enumerate(reader.doc.blocks):
        if block.kind == "heading":
            n, informal = _stage_of_heading(block)
            if n is None and i in steps:
                n, informal = steps[i], bool(_INFORMAL.search(block.text))
            if n is not None:
                stage, stage_level = n, block.level
                if n not in reader.stage_names:
                    reader.stage_names[n] = (block.text, i)
                if informal:
                    reader.informal.add(n)
            elif stage is not None and block.level <= stage_level:
                stage = None
            continue
        if block.kind == "row":
            out.append(_Sentence(_row_sentence(reader.doc.blocks, i), i, stage))
            continue
        lead_hedged = block.kind == "item" and _hedged_lead_in(reader.doc.blocks, i)
        for text in sentences(block.text):
            out.append(_Sentence(text, i, stage, lead_hedged))
    return out


def _hedged_lead_in(blocks: list[Block], i: int) -> bool:
    """Whether the list item at ``i`` follows a lead-in that hedges every item ("So, we aim
    to:"): the nearest block before the list, when it ends with a colon."""
    k = i - 1
    while k >= 0 and blocks[k].kind == "item" and not blocks[k].text.rstrip().endswith(":"):
        k -= 1
    if k < 0 or blocks[k].kind == "heading" or not blocks[k].text.rstrip().endswith(":"):
        return False
    lead = sentences(blocks[k].text)
    return bool(lead) and bool(_HEDGE.search(lead[-1]))


def _row_sentence(blocks: list[Block], i: int) -> str:
    """A table row as one sentence, each cell after its column's heading when the table's
    first row is a heading row (no figures in it): "Stage 1: Acknowledge 5 working days,
    Respond 10 working days"."""
    first = i
    while first > 0 and blocks[first - 1].kind == "row":
        first -= 1
    cells = [c.strip() for c in blocks[i].text.split("|")]
    header = [c.strip() for c in blocks[first].text.split("|")]
    if first == i or re.search(r"\d", blocks[first].text) or len(header) != len(cells):
        return f"{cells[0]}: {', '.join(cells[1:])}" if len(cells) > 1 else cells[0]
    return f"{cells[0]}: " + ", ".join(
        _unit_from_heading(h, c) for h, c in zip(header[1:], cells[1:], strict=True)
    )


_HEADING_UNIT = re.compile(
    r"\(?\s*(?:in\s+)?(?P<unit>(?:working|business|calendar)\s+days|days|weeks|months)\s*\)?", re.I
)


def _unit_from_heading(heading: str, cell: str) -> str:
    """A cell under a column heading: a bare number takes the unit the heading names
    ("Respond (working days)" over "10" reads "Respond 10 working days")."""
    unit = _HEADING_UNIT.search(heading)
    if unit is None or not re.fullmatch(rf"{_NUM}", cell.strip(), re.I):
        return f"{heading} {cell}"
    rest = (heading[: unit.start()] + heading[unit.end() :]).strip(" -:")
    return f"{rest} {cell} {unit.group('unit')}".strip()


#: The resident asking for their complaint, or the answer to it, to be looked at again.
_REVIEW_ASKED = re.compile(
    r"\b(?:ask|request)\w*(?:\s+\w+){0,5}?\s+(?:review|reconsider|look at (?:it|this|your "
    r"complaint) again)",
    re.I,
)
_ABOUT_ESCALATING = re.compile(
    r"escalat|not (?:happy|satisfied)|unhappy|dissatisfied|next stage|move (?:on )?to", re.I
)


def _read_stages(reader: _Reader, all_sentences: list[_Sentence]) -> dict[int, list[_Sentence]]:
    """The stages the document names, in order, and the sentences about each."""
    if not reader.stage_names:
        # No stage headings: the stages the sentences name, in the order they come. A
        # sentence that opens with a stage ("Stage 1: ...", a table row) or speaks of one
        # stage alone sets the stage the following sentences are about, until another does.
        running: int | None = None
        names_two = any(k >= 2 for s in all_sentences for k in _stage_numbers(s.text)) or any(
            _STATED_COUNT.search(s.text) for s in all_sentences
        )
        for s in all_sentences:
            if _NEGATED_STAGE.search(s.text):
                continue
            numbers = _stage_numbers(s.text)
            if (
                not numbers
                and running == 1
                and not names_two
                and _REVIEW_ASKED.search(s.text)
                and _ABOUT_ESCALATING.search(s.text)
                and not re.search(r"ombudsman|councillor|\bMP\b|designated person", s.text, re.I)
            ):
                # "if you are not happy with our reply you can ask us to review it": where
                # nothing names a second stage, the review the resident may ask for is it
                reader.stage_names.setdefault(2, ("Review", s.block))
                running = 2
            lead = re.match(r"\s*(stage\s+\w+)\s*[:|(\-–]", s.text, re.I)
            for n in numbers:
                name = lead.group(1) if lead and len(numbers) >= 1 and n == numbers[0] else None
                reader.stage_names.setdefault(n, (name or f"Stage {n}", s.block))
                if n == 0 or (lead and _INFORMAL.search(s.text[:80])):
                    reader.informal.add(n)
            if (lead and numbers) or (len(numbers) == 1 and not _ABOUT_ESCALATING.search(s.text)):
                running = numbers[0]
            s.stage = running
        _list_before_stage_two(reader, all_sentences)
        if not reader.stage_names:
            # A page that names no stage at all but times how a complaint is acknowledged
            # or answered describes one complaint process: it is stage 1.
            for s in all_sentences:
                if _ONE_PROCESS.search(s.text) and periods(s.text):
                    reader.stage_names[1] = ("Stage 1", s.block)
                    _review_after(reader, all_sentences, s)
                    break
    if reader.stage_names and 0 not in reader.stage_names:
        # An informal or frontline step the document describes before stage 1 is a stage,
        # numbered or not (the Code counts steps, not the labels a policy gives them).
        first = min(b for _, b in reader.stage_names.values())
        for s in all_sentences:
            if s.block >= first:
                break
            m = re.search(
                r"\b(informal (?:stage|resolution|complaint)|front[- ]?line (?:resolution|stage)"
                r"|early resolution (?:stage|step)|stage (?:0|zero))\b",
                s.text,
                re.I,
            )
            if m and not _NEGATED_STAGE.search(s.text):
                reader.stage_names[0] = (m.group(1).capitalize(), s.block)
                reader.informal.add(0)
                break
    _stated_stages(reader, all_sentences)
    by_stage: dict[int, list[_Sentence]] = {n: [] for n in reader.stage_names}
    for s in all_sentences:
        if s.stage is not None and s.stage in by_stage:
            by_stage[s.stage].append(s)  # a stage's own section speaks for it
            continue
        numbers = [n for n in _stage_numbers(s.text) if n in by_stage]
        if len(numbers) == 1:  # elsewhere (a table, a summary), the stage it names
            by_stage[numbers[0]].append(s)
    for n in sorted(reader.stage_names):
        name, block = reader.stage_names[n]
        s = _Sentence(reader.doc.blocks[block].text, block, n)
        reader.add(f"stages[{n}].name", name, s)
        if n in reader.informal:
            reader.add(f"stages[{n}].informal", True, s)
    return by_stage


def _list_before_stage_two(reader: _Reader, all_sentences: list[_Sentence]) -> None:
    """A list of service standards that names stage 2 in its later items but no stage in
    its first ones: where nothing names stage 1, the first items, before the one that
    first names stage 2, are stage 1's when they time an acknowledgement or an answer
    ("acknowledge within 5 working days; reply within 10 working days; acknowledge any
    stage 2 request within 5 working days ...")."""
    if 1 in reader.stage_names or 2 not in reader.stage_names:
        return
    blocks = reader.doc.blocks
    first_two = next((s for s in all_sentences if 2 in _stage_numbers(s.text)), None)
    if first_two is None or blocks[first_two.block].kind != "item":
        return
    start = first_two.block
    while start > 0 and blocks[start - 1].kind == "item":
        start -= 1
    earlier = [
        s
        for s in all_sentences
        if start <= s.block < first_two.block and not _stage_numbers(s.text)
    ]
    timed = [
        s for s in earlier if periods(s.text) and (_ACK.search(s.text) or _RESPOND.search(s.text))
    ]
    if not timed:
        return
    reader.stage_names[1] = ("Stage 1", timed[0].block)
    for s in earlier:
        s.stage = 1


def _review_after(reader: _Reader, all_sentences: list[_Sentence], first: _Sentence) -> None:
    """On a page that names no stage, a review the resident may ask for when unhappy with
    the reply, after the timed process (stage 1), is stage 2: "What if I am still unhappy?
    You can ask us to review your complaint". The sentence or its heading speaks of being
    unhappy or escalating; what follows it is stage 2's, what comes before it from the
    timed process on is stage 1's."""
    start = all_sentences.index(first)
    for j in range(start + 1, len(all_sentences)):
        s = all_sentences[j]
        above = reader.doc.headings_above(s.block)
        heading = reader.doc.blocks[above[-1]].text if above else ""
        before = all_sentences[j - 1]
        if before.block in (s.block, s.block - 1) and before.text.rstrip().endswith("?"):
            # a question that leads the paragraph, or stands as a line of its own before it
            # (plain text has no headings to mark it), reads as its heading
            heading += " " + before.text
        if (
            _REVIEW_ASKED.search(s.text)
            and (_ABOUT_ESCALATING.search(s.text) or _ABOUT_ESCALATING.search(heading))
            # a review by someone outside the landlord is no stage of its procedure
            and not re.search(r"ombudsman|councillor|\bMP\b|designated person", s.text, re.I)
        ):
            reader.stage_names[2] = ("Review", s.block)
            for k, t in enumerate(all_sentences[start:], start):
                t.stage = 1 if k < j else 2
            return


_ONE_PROCESS = re.compile(
    r"\b(?:acknowledg\w*|respond\w*\s+to|reply\s+to|answer\w*)\s+(?:\w+\s+){0,2}?complaints?\b",
    re.I,
)
_STATED_COUNT = re.compile(
    r"\b(?P<n>two|three|four|2|3|4)[- ]stages?\b(?=\s+(?:\w+\s+){0,2}(?:process|procedure|policy))|"
    r"\b(?:has|have|in|through|of|are|during|across|over)\s+(?:the\s+|these\s+|our\s+)?"
    r"(?:following\s+|next\s+)?(?P<m>two|three|four|2|3|4)\s+(?:formal\s+|internal\s+|separate\s+|"
    r"distinct\s+|clear\s+)?stages\b",
    re.I,
)
_NOT_OURS = re.compile(
    r"\b(?:no|not|never|only|more than|fewer than|at most|code|ombudsman)\b", re.I
)


def _stated_stages(reader: _Reader, all_sentences: list[_Sentence]) -> None:
    """Where the document says how many stages its procedure has ("our formal two-stage
    procedure") but describes fewer, the stages it states but does not describe are stages
    too: an informal step before "our two-stage procedure" makes three."""
    for s in all_sentences:
        m = _STATED_COUNT.search(s.text)
        if (
            m is None
            or _stage_numbers(s.text)
            or _NOT_OURS.search(s.text[max(0, m.start() - 40) : m.start()])
        ):
            continue
        stated = word_number(m.group("n") or m.group("m"))
        if stated is None:
            continue
        for k in range(1, stated + 1):
            reader.stage_names.setdefault(k, (f"Stage {k}", s.block))
        return


_ACK = re.compile(
    r"acknowledg|let you know (?:that )?(?:we|they)(?: have|'ve) (?:received|got)|"
    r"confirm(?:ation)? (?:that )?(?:we|they)(?: have|'ve) received|confirm receipt|"
    # confirming that it has arrived, in any words: "confirming that your request has been
    # received", "written confirmation that it has been logged", "receipt ... confirmed"
    r"confirm\w*\s+(?:that\s+)?(?:\w+\s+){0,5}?(?:has|have)\s+been\s+(?:received|logged|recorded|"
    r"registered)|confirm\w*\s+(?:that\s+)?we(?:\s+have|['\u2019]ve|\s+hold)\s+(?:got\s+)?(?:your|"
    r"the)\b|\breceipt\b[^.]{0,40}\bconfirmed\b",
    re.I,
)
_EXT = re.compile(
    r"\b(extend(?:s|ed|ing)?|extensions?|more time|further time|"
    r"(?:need|needs|take|takes) longer(?! than)|(?:exceed|more than|longer than|up to|by) a "
    r"further|take\s+(?:us\s+)?(?:up\s+to\s+)?another|"
    r"add(?:s|ed|ing)?\s+(?:up\s+to|a\s+further|another|an?\s+(?:extra|additional))|"
    r"if\s+we\s+(?:cannot|can\s?not|can't|are\s+unable\s+to)\s+(?:\w+\s+){0,4}?within|"
    r"if\s+this\s+(?:isn't|is\s+not)\s+possible\b[^.]{0,80}\b(?:expect|response|reply|answer)|"
    r"reason\s+for\s+the\s+delay|"
    # more days named as more: "we may need up to 10 more working days"
    rf"(?:up\s+to\s+)?{_NUM}\s+(?:more|extra|additional|further)\s+(?:working\s+|business\s+|"
    r"calendar\s+)?days\b|"
    # a letter holding the reply back says it will come later than the timescale
    r"holding\s+(?:letter|response|reply|email)|"
    # a late reply with word of when it will come: "if there is a delay ... we will tell
    # you when you can expect a response" takes more time without naming an extension
    r"(?:if|where|should|when)\s+(?:there\s+is\s+(?:a|any)\s+delay|(?:\w+\s+){1,3}?(?:is|be|are)"
    r"\s+delayed)\b[^.]{0,120}?\bwhen)\b",
    re.I,
)
#: Not meeting the timescale, in any words: "if we are going to be late", "should we miss
#: that date", "where the review is held up", "if we can't meet this deadline", "if a reply
#: takes more than 10 working days", "if this is not possible".
_LATE = re.compile(
    r"\b(?:(?:running|runs?|going to be|are|is|be)\s+(?:late|over)|delay(?:s|ed)?|held\s+up|"
    r"hold-?ups?|"
    r"behind\s+schedule|overrun\w*|miss(?:es|ed)?\s+(?:\w+\s+){0,2}?(?:date|deadline|"
    r"timescale|target)|(?:can(?:no|['\u2019])t|cannot|unable\s+to|not\s+(?:be\s+)?able\s+to|"
    r"fail\s+to|won['\u2019]t\s+be\s+able\s+to)\s+(?:\w+\s+){0,2}?(?:meet|keep\s+to|achieve|"
    r"reply|respond|answer|complete|finish)|takes?\s+(?:us\s+)?(?:more|longer)\s+than|exceed|"
    r"not\s+(?:\w+\s+)?possible|not\s+(?:been\s+)?(?:resolved|answered|completed|finished)\s+"
    r"(?:with)?in)",
    re.I,
)
#: A new date for the reply, in any words: "a revised date", "a new target date", "a fresh
#: timescale", "when to expect our answer", "when you'll hear from us", "the date you can
#: expect it".
_NEW_DATE = re.compile(
    r"\b(?:new|revised|fresh|updated|later|amended|alternative|extended)\s+(?:target\s+|"
    r"response\s+|reply\s+|completion\s+)?(?:date|timescale|time-?frame|deadline|timetable)|"
    r"\bwhen\s+(?:to\s+expect|you\s+(?:can|will|should|may|might)\s+(?:expect|hear|receive|"
    r"get)|you['\u2019]ll\s+(?:hear|receive|get)|(?:our|the|a|your)\s+(?:\w+\s+)?(?:answer|"
    r"reply|response|decision|outcome)\s+(?:will|should|is\s+likely))|"
    r"\bthe\s+date\s+(?:you\s+(?:can|will|should)|by\s+which|when|on\s+which)|"
    r"\b(?:the|an?)\s+(?:expected|likely|estimated)\s+(?:\w+\s+)?date",
    re.I,
)
#: The reply put later by a stated time, without the word "extension": "up to 10 working
#: days later", "delayed by", "push the date back", "lengthen this to a total of".
_PUT_LATER = re.compile(
    rf"\b(?:up\s+to|no\s+more\s+than|not\s+more\s+than|at\s+most|a\s+further|another)\s+{_NUM}\s+"
    r"(?:\w+\s+)?days?\s+later\b|"
    r"\b(?:delayed|put\s+back|pushed\s+back|moved\s+back|deferred)\s+by\b|"
    r"\b(?:push|put|move)\w*\s+(?:the\s+|our\s+|this\s+|that\s+)?(?:\w+\s+)?(?:date|deadline|reply|"
    r"response|timescale|target)\s+back\b|\blengthen|"
    r"\b(?:increase|extend)\w*\s+(?:\w+\s+){0,3}?to\s+a\s+(?:total|maximum)\s+of\b|"
    r"\b(?:may|might|can|could)\s+(?:\w+\s+){0,3}?(?:take|need)\b[^.]{0,40}\b(?:in\s+total|"
    r"altogether|overall)\b",
    re.I,
)


def _extension_at(text: str) -> int | None:
    """Where a sentence starts to speak of taking longer than a timescale (None if it does
    not): the word "extension" or its kin, a reply put later by a stated time, or a late
    reply with word of a new date ("if we are going to be late, we will give you a revised
    date"; "should we miss that date, we will update you with a fresh timescale")."""
    found = [m.start() for m in (_EXT.search(text), _PUT_LATER.search(text)) if m is not None]
    for late in _LATE.finditer(text):
        if re.search(r"\byou\b[^.,;]{0,20}$", text[: late.start()], re.I):
            continue  # the resident late ("if you miss the appointment date"): not ours
        if _NEW_DATE.search(text, late.end()):
            found.append(late.start())
            break
    return min(found) if found else None


#: Getting in touch, a step that times whatever its purpose says: "contact you within 5
#: working days to confirm our understanding of your complaint" acknowledges it.
_CONTACT = re.compile(
    r"\b(?:contact(?:s|ed)?|call|phone|ring|speak (?:to|with)|talk (?:to|with)|"
    r"get(?:s)? in touch(?: with)?|be in touch)\b",
    re.I,
)


def _contact_purpose(before: str, after: str, verbs: list[int]) -> str | None:
    """Where the step a period times is getting in touch ("we will contact you within 5
    working days", or "within 5 working days of receipt, we will phone you"), the words
    that say what for; None where another verb times the period."""
    contact = [m.end() for m in _CONTACT.finditer(before)]
    if contact and contact[-1] > max(verbs, default=-1):
        return after
    if verbs:
        return None
    head = after[:120]
    m = _CONTACT.search(head)
    if m is None:
        return None
    other = _RESPOND.search(head) or _ACK.search(head)
    if other is not None and other.start() < m.start():
        return None
    return after[m.end() :]


_ACK_PURPOSE = re.compile(
    r"[^.]{0,80}?\b(?:to|and)\s+(?:[\w,']+\s+){0,14}?(?:acknowledg|confirm(?:ing)?\s+(?:receipt|"
    r"(?:that\s+)?we(?:['’]ve|\s+have)\s+(?:received|got|your)|(?:our|the)\s+understanding|(?:your|the)\s+"
    r"(?:complaint|concerns?|issues?|details)\b|what\s+(?:you|your))|log(?:s|ged|ging)?\b|"
    r"regist|record(?:s|ed|ing)?\s+(?:it|your|the)\b)",
    re.I,
)
_RESPOND_PURPOSE = re.compile(
    r"[^.]{0,80}?\b(?:with|to (?:give|send|share|explain|tell you|discuss|go through))\s+"
    r"(?:you\s+)?(?:our|the|a)\s+"
    r"(?:full\s+|final\s+|formal\s+|written\s+)?(?:response|reply|decision|outcome|answer|findings)",
    re.I,
)
_RESPOND = re.compile(
    r"\b(respon[sd]|repl(?:y|ies)|decision|resolve|answer|outcome|investigat|review|"
    r"provide|send|issue|deliver)",
    re.I,
)
_RESIDENT_ASKS = re.compile(
    r"\b(you|residents?|customers?|tenants?)\s+(?:can|may|must|should|will need to|have|need)\b",
    re.I,
)


_ALLOCATES = re.compile(
    r"\b(?:allocat|assign)\w*\b[^.]{0,60}\b(?:officer|manager|investigator|caseworker|"
    r"case worker|handler|member of staff)|\b(?:officer|manager|investigator|caseworker|handler)"
    r"\b[^.]{0,40}\b(?:allocated|assigned)\b",
    re.I,
)
_THEY_HAVE = re.compile(
    r"\s*(?:they|he or she|the (?:\w+ )?(?:officer|manager|investigator|caseworker|case worker|"
    r"handler))\b",
    re.I,
)


def _allocated_before(s: _Sentence, previous: _Sentence | None) -> bool:
    """ "We allocate a manager. They have 10 working days": the period that follows an
    allocation, given to the person allocated, runs from the allocation."""
    return (
        previous is not None
        and previous.block == s.block
        and bool(_ALLOCATES.search(previous.text))
        and bool(_THEY_HAVE.match(s.text))
    )


#: The main clause after a period that opens a sentence ("within 5 working days of
#: receipt, we will ..."; "within five working days your case will be logged").
_MAIN_CLAUSE = re.compile(
    r"\b(?:we|you|they|it|this|(?:your|the)\s+\w+)\s+(?:will|['\u2019]ll|shall|should|must|can|"
    r"are|is|get)\b",
    re.I,
)


def _month_timescale(text: str, p: Period, before: str) -> bool:
    """Whether a period in months times a step of a stage ("we will reply within one month
    of acknowledging your request"), not a time limit ("complaints about matters more than
    12 months old"): a month or two, a reply or acknowledgement word the nearest verb
    before it in its clause, and nothing about how old the matter is."""
    if p.amount > 2:
        return False
    clause = re.split(r"[,;:]", before)[-1]
    if not (_RESPOND.search(clause) or _ACK.search(clause)):
        return False
    return not re.search(
        r"\b(?:old|ago|happened|occurred|complain|raised?|made|tell\s+us|report|aware)\b",
        clause + text[p.end : p.end + 60],
        re.I,
    )


def _read_timescales(reader: _Reader, n: int, stage_sentences: list[_Sentence]) -> None:
    ext_seen: list[_Sentence] = []
    for i, s in enumerate(stage_sentences):
        text = s.text
        allocated = _allocated_before(s, stage_sentences[i - 1] if i else None)
        found = periods(text)
        ext_at = _extension_at(text)
        if ext_at is not None:
            ext_seen.append(s)
            if found:
                cap_at = _extension_cap(reader, n, s, found)
                # before the cap, the sentence may state the timescale it extends
                if cap_at is None:  # "within 10 working days, or a reason for the delay"
                    cap_at = ext_at
                found = [p for p in found if cap_at is not None and p.end <= cap_at]
        for p in found:
            before = text[max(0, p.start - 120) : p.start]
            after = text[p.end :]
            hedged = s.lead_hedged or hedged_at(text, p.start)
            if p.unit == "months" and not _month_timescale(text, p, before):
                continue  # a time limit, not a stage timescale
            if re.search(r"\bthe\s*$", before, re.I) and re.match(
                r"\s*(?:starts?|begins?|runs?|is counted|are counted)\b", after, re.I
            ):
                continue  # "the 20 working days start on ...": restates a period's start
            if _escalation_window(text, before, after):
                continue  # how long a resident has to ask: the escalation period
            if _REFUSAL_REPLY.search(before):
                continue  # the answer to a request turned down: no stage's timescale
            # the verb nearest before the period says what it times
            ack = [m.end() for m in _ACK.finditer(before)]
            respond = [m.end() for m in _RESPOND.finditer(before)]
            purpose = _contact_purpose(before, after, ack + respond)
            if purpose is not None:
                # "we will contact you within 5 working days ...": what for is said after it
                if _ACK_PURPOSE.match(purpose):
                    _timescale(reader, n, "acknowledge", s, p, hedged, None)
                elif _RESPOND_PURPOSE.match(purpose):
                    clock = clock_start(after) or ("allocation" if allocated else None)
                    _timescale(reader, n, "respond", s, p, hedged, clock)
                continue  # a call to introduce or discuss: no timescale the Code sets
            main = None if ack or respond else _MAIN_CLAUSE.search(after)
            if main is not None:
                # "Within 5 working days of receiving it, we will send written confirmation
                # that it has been logged": the clause after the clock says what is timed
                said_ack = _ACK.search(after, main.start())
                said_reply = _RESPOND.search(after, main.start())
                if said_ack and (
                    not said_reply
                    or said_ack.start() < said_reply.start()
                    # "send you written confirmation that it has been logged" (what is sent),
                    # "your case will be logged, reviewed and acknowledged" (one of the steps
                    # is the acknowledgement; none is an answer)
                    or (
                        not re.match(
                            r"respon|repl|decision|answer|outcome", said_reply.group(0), re.I
                        )
                        and said_ack.start() - said_reply.end() < 40
                    )
                ):
                    _timescale(reader, n, "acknowledge", s, p, hedged, None)
                    continue
                if said_reply and said_reply.start() - main.start() < 80:
                    clock = clock_start(after) or ("allocation" if allocated else None)
                    _timescale(reader, n, "respond", s, p, hedged, clock)
                    continue
            if ack and (not respond or ack[-1] > respond[-1]):
                _timescale(reader, n, "acknowledge", s, p, hedged, None)
            elif respond:
                clock = clock_start(after) or ("allocation" if allocated else None)
                _timescale(reader, n, "respond", s, p, hedged, clock)
            elif clock_start(after) is None and _ACK.search(after[:60]):
                # "within five working days your case will be logged and acknowledged"
                _timescale(reader, n, "acknowledge", s, p, hedged, None)
            elif (
                _RESPOND.search(after[:40])
                or clock_start(after) is not None
                or re.match(r"\s*(?:target|deadline|timescale)\b", after, re.I)
            ):
                clock = clock_start(after) or ("allocation" if allocated else None)
                _timescale(reader, n, "respond", s, p, hedged, clock)
    # the sentences around an extension (its paragraph) say what the resident is told
    own = list(ext_seen)
    ext_blocks = {s.block for s in ext_seen}
    blocks = reader.doc.blocks
    for b in list(ext_blocks):  # the other items of the list an extension item is in
        for step in (-1, 1):
            k = b + step
            while blocks[b].kind == "item" and 0 <= k < len(blocks) and blocks[k].kind == "item":
                ext_blocks.add(k)
                k += step
    ext_seen = [s for s in stage_sentences if s.block in ext_blocks]
    _extension_terms(reader, n, ext_seen)
    _extension_inferred(reader, n, own, ext_seen)


#: A reply to a request the landlord turns down ("respond to any stage 2 request that we
#: reject within 5 working days"): a refusal notice, not the stage's answer.
_REFUSAL_REPLY = re.compile(
    r"\b(?:that|which|if|where|when)\s+(?:we|they)\s+(?:\w+\s+)?(?:reject|refuse|decline|"
    r"turn\s+down|do\s+not\s+accept|don't\s+accept|cannot\s+accept|can't\s+accept)\w*\b|"
    r"\b(?:reject|refus|declin)\w*\s+(?:your|the|a|any|this|that)\s+(?:\w+\s+){0,2}?requests?\b",
    re.I,
)
_ASKING = re.compile(
    r"requests? (?:to escalate|for (?:an? )?(?:escalation|review))|escalation requests?|"
    r"requests? (?:for|that) (?:your|the|a) (?:complaint|case) (?:to be|is|be) "
    r"(?:escalated|reviewed)",
    re.I,
)
#: The period runs from the landlord's own answer (its date or its receipt).
_FROM_OUR_ANSWER = re.compile(
    r"\s*(?:of|from|after|following)\s+(?:the date of\s+|(?:the\s+)?receipt of\s+|"
    r"(?:you\s+)?(?:receiv|get)\w*\s+)?"
    r"(?:our|the|your)\s+(?:stage\s+\w+\s+)?"
    r"(?:reply|response|decision|outcome|answer)",
    re.I,
)


def _escalation_window(text: str, before: str, after: str) -> bool:
    """A period the resident has to ask for the next stage, not one the landlord has to
    answer in: the resident asks, or the period runs from the landlord's own answer."""
    if not re.search(
        rf"escalat|review|ask|request|next stage|stage (?:2|two)|\byou have\s+{_NUM}\b",
        text,
        re.I,
    ):
        return False
    if re.search(
        r"\bwill\s+be\s+(?:\w+\s+(?:and\s+)?)?acknowledged\s+(?:with)?in\s*$", before, re.I
    ):
        return False  # "your request to escalate will be acknowledged within": ours to meet
    if re.search(r"\backnowledg\w*\s+(?:of\s+)?(?:your|the|that|this)\s+request", before, re.I):
        return False  # "an acknowledgement of your request to escalate within": ours too
    return bool(
        (_RESIDENT_ASKS.search(before[-60:]) or _ASKING.search(before[-80:]))
        or _FROM_OUR_ANSWER.match(after)
    )


def _timescale(
    reader: _Reader,
    n: int,
    what: str,
    s: _Sentence,
    p: Period,
    hedged: bool,
    clock: str | None,
) -> None:
    path = f"stages[{n}].{what}_working_days"
    within = f"stages[{n}].{what}_within"
    if path in reader.said or within in reader.said:
        return
    if p.unit == "working days" and not hedged:
        reader.add(path, p.amount, s, note=_spelt_note(p))
    else:
        # the period in its own unit: the rules read it as the most working days it holds
        spelt = _spelt_note(p)
        notes = [spelt] if spelt else []
        if p.unit == "days":
            notes.append(f"written as '{p.written}' with no unit; read as working days")
        elif p.unit != "working days":
            notes.append(f"written as {p.written}: at most {p.working_days} working days")
        if hedged:
            notes.append("an aim, not a commitment")
        value: dict[str, Any] = {"amount": p.amount, "unit": p.unit.replace(" ", "_")}
        if hedged:
            value["aim_only"] = True
        reader.add(within, value, s, hedged=hedged, note="; ".join(notes))
    if (
        what == "respond"
        and clock is None
        and n >= 2
        and re.match(r"\s*(?:of|from|after)\s+(?:your|the)\s+request\b", s.text[p.end :], re.I)
    ):
        clock = "escalation_request"  # at stage 2, the request is the request to escalate
    if what == "respond" and clock is not None:
        note = (
            "the response clock starts when the complaint is allocated to an officer, which "
            "the policy sets no limit on"
            if clock == "allocation"
            else None
        )
        reader.add(f"stages[{n}].respond_from", clock, s, note=note)


_CAP = re.compile(
    rf"\b(?:not|never)\s+exceed\s+(?:a\s+further\s+|an?\s+(?:additional|extra)\s+)?(?={_NUM})|"
    rf"\b(?:no|not)\s+(?:more|longer)\s+than\s+(?:a\s+further\s+|an?\s+(?:additional|extra)\s+)?"
    rf"(?={_NUM})|\bup\s+to\s+(?:a\s+further\s+|an?\s+(?:additional|extra|further)\s+)?(?={_NUM})"
    rf"|\bmaximum\s+of\s+(?:a\s+further\s+)?(?={_NUM})|\b(?:a|an)\s+(?:further|additional|extra)"
    rf"\s+(?={_NUM})|\bby\s+(?:a\s+further\s+)?(?={_NUM})|\bat\s+most\s+(?={_NUM})|"
    rf"\banother\s+(?={_NUM})",
    re.I,
)


#: A period that is the whole time allowed once extended, not the extra time: "lengthen
#: this to a total of 20 working days", "extended to no more than 20 working days",
#: "20 working days in total".
_TOTAL_BEFORE = re.compile(
    r"(?<!\bup\s)(?<!\bby\s)\b(?:to|at)\s+(?:a\s+(?:total|maximum)\s+of\s+|(?:no|not)\s+(?:more|"
    r"longer)\s+than\s+|most\s+)?$",
    re.I,
)
_TOTAL_AFTER = re.compile(r"\s*(?:in\s+total|overall|altogether|in\s+all)\b", re.I)
_TOTAL_VERB = re.compile(r"\b(?:lengthen|increas|extend|push|mov|change|mak)\w*\b", re.I)


def _extension_total(reader: _Reader, n: int, s: _Sentence, found: list[Period]) -> int | None:
    """Read a cap stated as the whole time allowed once extended ("we may extend this to
    a total of 20 working days"): the cap is that total less the stage's own response time.
    Where the stage states no firm response time in working days the cap cannot be known,
    and a note says so (the extension is then neither capped nor uncapped: evidence)."""
    for p in found:
        if p.unit == "months":
            continue
        before = s.text[max(0, p.start - 60) : p.start]
        verb = _TOTAL_VERB.search(before)
        total = bool(_TOTAL_AFTER.match(s.text[p.end :])) or bool(
            verb and _TOTAL_BEFORE.search(before) and not re.search(r"\bby\b", before[verb.end() :])
        )
        if not total:
            continue
        base = reader.fact(f"stages[{n}].respond_working_days")
        if base is None or not isinstance(base.value, int):
            reader.add(
                f"notes.stage_{n}_extension_total",
                p.written,
                s,
                note=f"the extension is stated as a total of {p.written}; the stage gives no "
                "firm response time in working days to count the extra time from",
            )
            return p.start
        hedged = s.lead_hedged or hedged_at(s.text, p.start)
        extra = max(0, p.working_days - base.value)
        note = f"a total of {p.written} after {base.value} working days: {extra} more"
        reader.add(
            f"stages[{n}].extension.max_working_days",
            extra,
            s,
            hedged=hedged,
            note=note + ("; only an aim" if hedged else ""),
        )
        if hedged:
            reader.add(f"stages[{n}].extension.cap_aim_only", True, s, hedged=True)
        return p.start
    return None


def _extension_cap(reader: _Reader, n: int, s: _Sentence, found: list[Period]) -> int | None:
    """Read the cap an extension sentence states; where its period starts, or None."""
    path = f"stages[{n}].extension.max_working_days"
    total = _extension_total(reader, n, s, found)
    if total is not None:
        return total
    for p in found:
        if p.unit == "months":
            continue
        cap = _CAP.search(s.text[max(0, p.start - 40) : p.end])
        if cap is None and not re.match(r"[\s-]*extensions?\b", s.text[p.end :], re.I):
            continue
        if s.lead_hedged or hedged_at(s.text, p.start):
            reader.add(
                path,
                p.working_days,
                s,
                hedged=True,
                note=f"the extension cap of {p.written} is only an aim",
            )
            reader.add(f"stages[{n}].extension.cap_aim_only", True, s, hedged=True)
        else:
            note = _spelt_note(p) if p.unit == "working days" else f"written as {p.written}"
            reader.add(path, p.working_days, s, note=note)
        return max(0, p.start - 40) + cap.start() if cap is not None else p.start
    return None


def _extension_terms(reader: _Reader, n: int, ext: list[_Sentence]) -> None:
    if not ext:
        return
    prefix = f"stages[{n}].extension"
    if not reader.said & {f"{prefix}.max_working_days", f"notes.stage_{n}_extension_total"}:
        reader.add(
            f"{prefix}.uncapped",
            True,
            next((s for s in ext if _extension_at(s.text) is not None), ext[0]),
            state=State.SAYS_OTHERWISE,
            note="extensions are described with no limit on their length",
        )
    for s in ext:
        t = s.text
        if re.search(r"good reason|exceptional|complex", t, re.I):
            reader.add(f"{prefix}.beyond_max_only_with_good_reason", True, s)
        elif re.search(
            r"\b(?:although|though|but)\s+(?:[\w,]+\s+){0,4}?(?:this|it|that)\s+(?:may|can|could)\s+"
            r"(?:also\s+)?be\s+"
            r"(?:extended|longer)",
            t,
            re.I,
        ):
            reader.add(
                f"{prefix}.beyond_max_only_with_good_reason",
                False,
                s,
                note="the cap may itself be extended, with no good reason asked",
            )
        if re.search(r"\b(explain|reasons?|why)\b", t, re.I):
            reader.add(f"{prefix}.reasons_given", True, s)
        if re.search(r"\b(tell|let you know|inform|write to|contact|notify|agree)\b", t, re.I):
            reader.add(f"{prefix}.resident_told_before_deadline", True, s)
        # the Ombudsman's Code or guidance named is no promise of the Ombudsman's details
        if re.search(
            r"ombudsman(?!(?:'s|\u2019s|s)?\s+(?:(?:complaints?\s+handling\s+)?code|definition|"
            r"guidance)\b)",
            t,
            re.I,
        ):
            condition = _ombudsman_condition(t)
            if condition == "narrowed":
                reader.add(
                    f"{prefix}.ombudsman_details_given",
                    False,
                    s,
                    note="the Ombudsman's details are given only on a condition",
                )
            elif condition == "none":
                reader.add(f"{prefix}.ombudsman_details_given", True, s)
            # any other condition: left unread, so the provision asks for evidence
        if re.search(r"\bagree", t, re.I) and re.search(
            r"further|beyond|longer|more than", t, re.I
        ):
            reader.add(f"{prefix}.agreed_with_resident_beyond_max", True, s)


#: A condition that plainly narrows a promise of the Ombudsman's details to some
#: extensions: only on request, or only where the resident objects or is unhappy, or where
#: the longer time is not agreed.
_NARROWING = re.compile(
    r"\bonly\s+(?:if|when|where|on)\b|\bon request\b|\bif you(?:'re| are)? (?:unhappy|not "
    r"happy|dissatisfied|object|disagree|do not agree|don't agree|ask)|\b(?:is|are|has been|was|"
    r"cannot be|can't be|isn't|aren't)\s+(?:not\s+)?(?:agreed|accepted)\b|"
    # the resident's reaction as the condition, in any conditional form: "should you
    # disagree with the extension", "if you do not accept the new date", "in case you object"
    r"\b(?:if|should|where|when|in\s+case|unless)\s+you(?:['\u2019]re|\s+are)?\s+(?:\w+\s+)?(?:"
    r"unhappy|not\s+happy|dissatisfied|object|disagree|dispute|challenge|"
    r"(?:do\s+not|don['\u2019]t|cannot|can['\u2019]t|won['\u2019]t|will\s+not)\s+(?:agree|accept))"
    r"\s+(?:with\s+|to\s+)?(?:the\s+|this\s+|our\s+|that\s+|any\s+)?(?:\w+\s+)?(?:extension|new\s+"
    r"(?:date|timescale|deadline)|delay|extra\s+time|more\s+time|revised|proposed|longer)",
    re.I,
)
#: The landlord giving the Ombudsman's details (or saying how to reach them), not only the
#: resident being free to go to the Ombudsman.
_GIVES_DETAILS = re.compile(
    r"\b(?:give|giv|provid|includ|send|tell|shar|explain|signpost|advis|inform|supply|set\s+out|"
    r"details|contact\s+details|how\s+to\s+(?:contact|reach|complain|approach))\w*",
    re.I,
)
#: A threshold on which extensions the promise covers ("an extension beyond 20 working
#: days"): whether it leaves some out depends on figures the sentence may not give.
_THRESHOLD = re.compile(
    rf"\bextensions?\s+(?:of\s+)?(?:beyond|over|exceeding|(?:more|longer) than)\s+"
    rf"(?:a\s+(?:further|total of)\s+)?{_NUM}",
    re.I,
)
_CONDITION = re.compile(r"\b(?:if|when|whenever|where|unless|provided)\b", re.I)
_EXTENDING = re.compile(
    r"\b(?:extend|extension|more time|longer|delay|late|deadline|unable|cannot|can't|not able)",
    re.I,
)


def _ombudsman_condition(text: str) -> str:
    """How a sentence about extending conditions the Ombudsman's details it promises:
    "none" (only on extending itself: "if we need longer we will explain why and give the
    Ombudsman's details"), "narrowed" (a condition that plainly leaves some extensions out:
    "only if you ask", "if the longer period is not agreed") or "unclear" (a threshold, or
    some other condition: read neither as given nor as withheld)."""
    if _NARROWING.search(text):
        return "narrowed"
    # the landlord gives the details: a giving word next to the Ombudsman's name (not the
    # reasons for the extension, "tell you why", said earlier in the sentence)
    named = re.search(r"ombudsman", text, re.I)
    near = text[max(0, named.start() - 45) : named.end() + 40] if named else text
    near = re.sub(
        r"\b(?:tell|explain)\w*\s+(?:you\s+)?(?:why|the\s+reasons?)", "", near, flags=re.I
    )
    if not _GIVES_DETAILS.search(near):
        return "unclear"  # "you can contact the Ombudsman": free to go, details not promised
    at = re.search(r"ombudsman", text, re.I)
    head = text[: at.start()] if at else text
    if _THRESHOLD.search(head):
        return "unclear"
    for c in _CONDITION.finditer(head):
        clause = re.split(r"[,;]", head[c.start() :], maxsplit=1)[0]
        if not _EXTENDING.search(clause):
            return "unclear"
    return "none"


_DISCUSSED = re.compile(
    r"\b(?:discuss(?:ed|ing)?|negotiat\w*|agree(?:d|ing)?|in discussion)\b[^.]{0,40}\bwith you\b|"
    r"\bwith you\b[^.]{0,10}\b(?:discuss|negotiat|agree)|\byour (?:agreement|consent)\b",
    re.I,
)
_INFORMED = re.compile(
    r"\b(?:tell|inform|let you know|notify|write to|contact)\w*\b[^.]{0,60}\bextension|"
    r"\bextension\b[^.]{0,60}\b(?:tell|inform|let you know|notify)",
    re.I,
)
_GROUND = re.compile(
    r"\b(?:exceptional|complex|good reason|unavoidabl|beyond our control|outside (?:of )?our "
    r"control)",
    re.I,
)


def _extension_inferred(
    reader: _Reader, n: int, own: list[_Sentence], passage: list[_Sentence]
) -> None:
    """What an extension passage settles without saying it in so many words.

    * Reasons: an extension the policy discusses, negotiates or agrees with the resident,
      or one it tells the resident about and allows only on a stated ground ("in
      exceptional circumstances"), is read as explained to them with its reasons.
    * Beyond the cap: a firm cap stated in the only sentence about extending, with no word
      of going further, allows nothing longer, so nothing longer goes without good reason.
    """
    prefix = f"stages[{n}].extension"
    if not passage:
        return
    if f"{prefix}.reasons_given" not in reader.said:
        talked = next((s for s in passage if _DISCUSSED.search(s.text)), None)
        told = next((s for s in passage if _INFORMED.search(s.text)), None)
        ground = next((s for s in passage if _GROUND.search(s.text)), None)
        if talked is not None:
            reader.add(
                f"{prefix}.reasons_given",
                True,
                talked,
                note="an extension discussed or agreed with the resident is read as one whose "
                "reasons they are given",
            )
        elif told is not None and ground is not None:
            reader.add(
                f"{prefix}.reasons_given",
                True,
                told,
                note="the resident is told of an extension the policy allows only on a stated "
                "ground; read as told the reasons",
            )
    cap = reader.fact(f"{prefix}.max_working_days")
    if (
        f"{prefix}.beyond_max_only_with_good_reason" not in reader.said
        and cap is not None
        and not cap.hedged
        and len(own) == 1
        and cap.citation is not None
        and cap.citation.quote == own[0].text
    ):
        reader.add(
            f"{prefix}.beyond_max_only_with_good_reason",
            True,
            own[0],
            note="the policy allows no extension beyond its cap",
        )


_NO_REASONS = re.compile(
    r"\b(?:not|don't|do not|won't|will not)\s+(?:need|have|be asked)\s+to\s+"
    r"(?:give|explain|tell us|provide)|"
    r"\bif you (?:can|wish|are able|want to)\b,?\s+(?:please\s+)?(?:tell us|let us know|explain)"
    r"\s+(?:\w+\s+)?(?:why|reasons?)|"
    r"\breasons?\b[^.]{0,80}\bnot (?:compulsory|required|necessary|essential|a requirement)|"
    r"\bwithout\s+(?:having\s+to\s+)?(?:giving|providing|stating|explaining|give|provide|state|"
    r"explain)\s+(?:us\s+)?(?:a\s+|any\s+|your\s+)?(?:reasons?|why)\b|"
    r"\breasons?\b[^.]{0,60}\b(?:are|is)\s+(?:\w+\s+)?(?:optional|voluntary|up\s+to\s+you)\b",
    re.I,
)
#: Reasons asked of the resident in any words: an obligation ("must", "need to", "will be
#: asked to", "please") to state ("set out", "include", "tell us") why, or what they are
#: still unhappy about, or which part of the answer they dispute.
_REASONS_ASKED = re.compile(
    r"\b(?:must|needs?\s+to|should|will\s+need\s+to|ha(?:ve|s)\s+to|(?:are|is|will\s+be)\s+"
    r"(?:asked|required|expected)\s+to|please)\s+(?:\w+\s+){0,3}?(?:explain|tell\s+us|give|set\s+"
    r"out|state|include|provide|say|specify|let\s+us\s+know|identify|describe|outline|detail)\s+"
    r"(?:\w+\s+){0,4}?(?:why\b|reasons?\b|grounds\b|what\s+(?:you\s+are|you['\u2019]re|is|remains?)\s+"
    r"(?:still\s+)?(?:unhappy|dissatisfied|unresolved|wrong)|(?:which|what)\s+parts?\b|where\s+"
    r"you\s+disagree|(?:what|which)\s+(?:\w+\s+){0,3}?(?:you\s+disagree|not\s+(?:been\s+)?"
    r"(?:addressed|resolved)))",
    re.I,
)
#: The landlord as the one who must explain ("we must give reasons for our decision").
_OURS_TO_EXPLAIN = re.compile(
    r"\b(?:we|our|the\s+(?:landlord|manager|officer|reviewer))\b[^,.;]{0,30}$", re.I
)


def _reasons_asked(text: str) -> bool:
    """Whether the resident is asked for reasons (not the landlord's own reasons)."""
    return any(
        not _OURS_TO_EXPLAIN.search(text[max(0, m.start() - 40) : m.start()])
        for m in _REASONS_ASKED.finditer(text)
    )


_REASONS_DEMANDED = re.compile(
    r"\b(?:must|need to|should|will need to|have to|required to)\s+(?:\w+\s+){0,3}"
    r"(?:explain|tell us|give|set out|state|provide)\s+(?:\w+\s+){0,3}"
    r"(?:why|reasons?|grounds)|\b(?:must|need to|required to)\b[^.]{0,120}\b"
    r"(?:explaining|stating|setting out)\s+(?:\w+\s+){0,3}(?:why|reasons?)|"
    r"\bplease (?:let us know|tell us|explain) (?:the )?(?:reasons?|why)|"
    r"\bby\s+(?:\w+\s+){1,4}and\s+(?:explaining|saying|telling us)\s+why|"
    # the way to ask is to get in touch to give reasons: "contact us to explain why"
    r"\b(?:contact|write to|email|call|phone|get in touch with)\s+us\s+(?:\w+\s+){0,2}?"
    r"(?:to|and)\s+(?:explain|tell us|say|set out)\s+(?:\w+\s+){0,2}?(?:why|reasons?)\b",
    re.I,
)


#: Words of a step after the first answer: where a flat page turns to them, what follows is
#: not stage 1's.
_LATER_STEP = re.compile(
    # following the Ombudsman's Code or definition ("in line with the Housing Ombudsman's
    # complaint handling code") is no step after stage 1
    r"escalat|\bnext stage|\breview|\bappeal|"
    r"\bombudsman(?!(?:'s|\u2019s|s)?\s+(?:(?:complaints?\s+handling\s+)?code|definition)\b)|"
    r"\bfinal (?:stage|response|decision)|"
    r"\btake (?:it|this|your complaint|the matter) further",
    re.I,
)


_ANY_TIME = re.compile(r"\bat any (?:time|stage|point)\b", re.I)


def _read_general_timescales(reader: _Reader, all_s: list[_Sentence]) -> None:
    """Timescales a page states as a list of promises, outside any stage's section and
    naming no stage, before it first speaks of escalating: stage 1's, when stage 1 states
    none of its own ("we will acknowledge within five working days; a full response will be
    made within 10 working days; if you are not satisfied you can escalate ..."). Not where
    an informal step comes first: its own timescales could be the ones meant."""
    if 1 not in reader.stage_names or 0 in reader.stage_names:
        return
    if reader.said & {"stages[1].respond_working_days", "stages[1].respond_within"}:
        return
    general: list[_Sentence] = []
    for s in all_s:
        numbers = _stage_numbers(s.text)
        if _ANY_TIME.search(s.text) and not periods(s.text):
            continue  # help open "at any time" (the Ombudsman's, say) is no later step
        if (
            (s.stage is not None and s.stage >= 2)
            or any(k >= 2 for k in numbers)
            or _LATER_STEP.search(s.text)
        ):
            break
        if s.stage is None and not numbers and not _INFORMAL.search(s.text):
            general.append(s)
    _read_timescales(reader, 1, general)


def _read_timescales_per_named_stage(reader: _Reader, all_s: list[_Sentence]) -> None:
    """A sentence outside any stage's section that times several stages, each named before
    its own period: "we will respond to complaints at Stage 1 within 10 working days and
    those at Stage 2 within 20 working days". Each stage owns the periods between its name
    and the next stage's name; the words before the first name (the verb) are shared. A
    later part with no verb of its own ("and stage 2 complaints within 20 working days")
    times what the first part timed. Every part must hold a period, or the sentence is
    about something else ("move from stage 1 to stage 2 within 20 working days")."""
    for s in all_s:
        if s.stage is not None:
            continue
        refs = [
            (
                m.start(),
                _ORDINALS[m.group("o").lower()] if m.group("o") else word_number(m.group("n")),
            )
            for m in _STAGE_REF.finditer(s.text)
        ]
        numbers = [n for _, n in refs if n is not None and n in reader.stage_names]
        if len(refs) < 2 or len(numbers) != len(refs) or len(set(numbers)) != len(numbers):
            continue
        bounds = [at for at, _ in refs] + [len(s.text)]
        lead = s.text[: bounds[0]]
        parts = [s.text[bounds[i] : bounds[i + 1]] for i in range(len(refs))]
        if not all(periods(part) for part in parts):
            continue
        timed: list[str] = []  # what the first part timed: "acknowledge", "respond"
        for i, (n, part) in enumerate(zip(numbers, parts, strict=True)):
            scratch = _Reader(reader.doc)
            piece = _Sentence(lead + part, s.block, n, s.lead_hedged)
            _read_timescales(scratch, n, [piece])
            if not scratch.facts and i and len(timed) == 1:
                text = piece.text
                for p in periods(text):
                    if p.unit == "months" or _escalation_window(
                        text, text[max(0, p.start - 120) : p.start], text[p.end :]
                    ):
                        continue
                    hedged = s.lead_hedged or hedged_at(s.text, bounds[i] + p.start - len(lead))
                    clock = clock_start(text[p.end :]) if timed[0] == "respond" else None
                    _timescale(scratch, n, timed[0], piece, p, hedged, clock)
            if i == 0:
                timed = sorted(
                    {
                        w
                        for f in scratch.facts
                        for w in ("acknowledge", "respond")
                        if f".{w}_" in f.path
                    }
                )
            for f in scratch.facts:
                reader.add(f.path, f.value, s, state=f.state, hedged=f.hedged, note=f.note)


_UNRESOLVED = re.compile(
    r"\b(?:can(?:no|['\u2019])t|cannot|(?:are|is)\s+unable\s+to|(?:is|are|has|have)\s+not\s+"
    r"(?:been\s+)?|not\s+(?:be\s+)?able\s+to)\s*(?:\w+\s+){0,2}?(?:resolv|sort|fix|put|settl)\w*|"
    r"\b(?:try|trying|tried|attempt\w*)\s+(?:\w+\s+){0,2}?to\s+(?:resolv|sort|fix|put|settl)\w*|"
    # the first attempt failing, in any words: "if that hasn't worked", "where it remains
    # unresolved", "still not sorted"
    r"\b(?:has(?:n['\u2019]t|\s+not)|have(?:n['\u2019]t|\s+not)|does(?:n['\u2019]t|\s+not)|"
    r"did(?:n['\u2019]t|\s+not))\s+(?:\w+\s+)?(?:work|succeed|help)\w*|"
    r"\b(?:remains?|still|is|are)\s+(?:\w+\s+)?(?:unresolved|not\s+(?:been\s+)?(?:resolved|sorted|"
    r"fixed))",
    re.I,
)
_LOGGED_AT_ONE = re.compile(
    r"\b(?:record|log|register|open|rais|treat|escalat|mov|progress|take|become|becom|turn|convert|"
    r"handl|deal)\w*\b[^.]{0,60}?\b(?:as|at|to|"
    r"into)\s+(?:a\s+|the\s+)?(?:formal\s+)?(?:stage\s+(?:1|one)\b|first\s+stage\b|formal\s+"
    r"complaint\b)|\b(?:becom|is\s+then|will\s+be)\w*\s+(?:a\s+)?(?:formal\s+)?(?:stage\s+(?:1|one)\s+)?"
    r"(?:formal\s+)?complaint\b(?=[^.]{0,20}(?:\.|$)|\s+at\s+stage\s+(?:1|one))",
    re.I,
)


def _read_logged_after(reader: _Reader, all_s: list[_Sentence]) -> None:
    """A first attempt to resolve a complaint before it is logged at stage 1, with its
    length: "if we can't resolve the issue within five working days, we will record your
    complaint as a formal stage one complaint" (the record may be the list that follows
    the sentence). The stage 1 acknowledgement comes only after it (6.2)."""
    if 1 not in reader.stage_names:
        return
    blocks = reader.doc.blocks
    for s in all_s:
        if s.stage is not None and s.stage > 1:
            continue
        text = s.text
        if text.rstrip().endswith(":"):
            for later in blocks[s.block + 1 :]:
                if later.kind != "item":
                    break
                text += " " + later.text
        if not _LOGGED_AT_ONE.search(text):
            continue
        for p in periods(s.text):
            if p.unit == "months":
                continue
            around = s.text[max(0, p.start - 100) : p.end + 60]
            if not _UNRESOLVED.search(around):
                continue
            reader.add(
                "stages[1].logged_after",
                {"amount": p.amount, "unit": p.unit.replace(" ", "_")},
                s,
                note=f"the complaint is logged at stage 1 only after up to {p.written} of trying "
                "to resolve it; the acknowledgement comes after that",
            )
            return


def _read_general_acknowledgement(reader: _Reader, all_s: list[_Sentence]) -> None:
    """An acknowledgement timescale stated for every complaint, outside any stage's section,
    is stage 1's when stage 1 gives none of its own."""
    if 1 not in reader.stage_names or reader.said & {
        "stages[1].acknowledge_working_days",
        "stages[1].acknowledge_within",
    }:
        return
    for s in all_s:
        if s.stage is not None or _stage_numbers(s.text) or not _ACK.search(s.text):
            continue
        for p in periods(s.text):
            if p.unit != "months" and _ACK.search(s.text[max(0, p.start - 80) : p.start]):
                hedged = s.lead_hedged or bool(_HEDGE.search(s.text))
                _timescale(reader, 1, "acknowledge", s, p, hedged, None)
                return


def _read_escalation_reasons(reader: _Reader, all_s: list[_Sentence]) -> None:
    """Whether a resident must justify escalating, wherever the policy says it (often in
    the stage 1 section: "tell us why and we will move it to stage 2")."""
    previous: _Sentence | None = None
    for s in all_s:
        numbers = [k for k in _stage_numbers(s.text) if k >= 2]
        target = numbers[0] if numbers else (s.stage if s.stage and s.stage >= 2 else None)
        about = target == s.stage or bool(_ABOUT_ESCALATING.search(s.text))
        if target is None and previous is not None and previous.block == s.block:
            # "... go to stage 2, let us know. Your reasons are useful, but not compulsory."
            earlier = [k for k in _stage_numbers(previous.text) if k >= 2]
            if earlier and (
                _ABOUT_ESCALATING.search(previous.text)
                or re.search(r"\b(?:go|move|take|pass)\w*\b[^.]{0,30}\bstage", previous.text, re.I)
            ):
                target, about = earlier[0], True
        previous = s
        if target is None or target not in reader.stage_names or not about:
            continue
        path = f"stages[{target}].escalation_reasons_required"
        if _NO_REASONS.search(s.text):
            reader.add(path, False, s, state=State.SAYS_SO)
        elif (
            _REASONS_DEMANDED.search(s.text)
            or _reasons_asked(s.text)
            or _demands_in_list(reader, s)
        ):
            reader.add(path, True, s, state=State.SAYS_OTHERWISE)


def _demands_in_list(reader: _Reader, s: _Sentence) -> bool:
    """ "To escalate you must:" (or "We'll need to know:") followed by list items asking
    which part of the answer is disputed or why: reasons demanded, item by item."""
    if not re.search(
        r"\b(?:you\s+(?:must|will\s+need\s+to|need\s+to|have\s+to)|we(?:'ll|\s+will)?\s+need\s+"
        r"to\s+know)\b[^.]{0,40}:\s*$",
        s.text,
        re.I,
    ):
        return False
    blocks = reader.doc.blocks
    k = s.block + 1
    while k < len(blocks) and blocks[k].kind == "item":
        if re.search(
            r"\b(?:which|what)\s+part\b|\bwhy\b|not\s+(?:\w+\s+)?(?:addressed|resolved|considered)",
            blocks[k].text,
            re.I,
        ):
            return True
        k += 1
    return False


_ROLE = (
    r"(?:[A-Za-z-]+ ){0,4}?(?:officer|manager|director|panel|team|lead|head of [a-z]+|"
    r"adviser|advisor|investigator|member of staff|colleague|executive|committee)s?"
)
_HANDLED_BY = re.compile(
    rf"\b(?:handled|investigated|reviewed|dealt with|considered|led|decided|answered|heard)\s+"
    rf"by\s+(?:a |an |the |our |one of our )?(?P<role>{_ROLE})\b",
    re.I,
)
_ROLE_WILL = re.compile(
    rf"(?:^|\b(?:a|an|the|our)\s+)(?P<role>{_ROLE})(?:\s+who\b[^.]{{0,80}}?)?\s+will\s+"
    r"(?:review|investigate|respond|handle|consider|look|decide|deal)",
    re.I,
)


def _read_handler(reader: _Reader, n: int, stage_sentences: list[_Sentence]) -> None:
    """Who handles the stage, as the policy names the role."""
    for s in stage_sentences:
        m = _HANDLED_BY.search(s.text) or _ROLE_WILL.search(s.text)
        if m is None:
            continue
        role = m.group("role").strip()
        reader.add(f"stages[{n}].handler", role, s)
        return


def _read_stage_terms(reader: _Reader, n: int, stage_sentences: list[_Sentence]) -> None:
    _read_handler(reader, n, stage_sentences)
    if n < 2:
        return
    for s in stage_sentences:
        t = s.text
        if _DIFFERENT_HANDLER.search(t):
            reader.add(f"stages[{n}].different_handler", True, s)
        elif _SAME_HANDLER.search(t) and not _HEDGE.search(t):
            reader.add(
                f"stages[{n}].different_handler",
                False,
                s,
                note="the policy names the same person for this stage as for the one before",
            )
        if _withheld(t):
            reader.add(
                f"stages[{n}].discretionary",
                True,
                s,
                state=State.SAYS_OTHERWISE,
                note="the document lets the landlord refuse or withhold this stage",
            )


_DIFFERENT_HANDLER = re.compile(
    # no part in the first answer, in any words: "had no part in the first decision", "no
    # previous involvement", "not part of the stage 1 response", "someone other than"
    r"\bno\s+(?:previous|prior|earlier)\s+(?:part|involvement|role)\b|\bno\s+(?:part|involvement|"
    r"role)\s+in\s+(?:(?:the|your|this)\s+(?:\w+\s+)?(?:complaint|case)\b|(?:the\s+|our\s+)?(?:\w+\s+)"
    r"{0,2}?(?:stage\s+(?:1|one)|first|original|earlier|initial)\b)|"
    r"\bnot\s+(?:been\s+)?(?:a\s+)?part\s+of\s+(?:the\s+|our\s+)?(?:stage\s+(?:1|one)|first|original|"
    r"earlier|initial)|\bother\s+than\s+(?:the\s+)?(?:person|officer|manager|member\s+of\s+staff|"
    r"one|colleague|staff)\s+(?:who|that)\b|"
    r"(?:not|n't) (?:been )?(?:previously )?involved|different (?:member of staff|officer|person|"
    r"manager)|someone (?:else|more senior|independent)|independent of|did not (?:deal|"
    r"handle)|not (?:be )?the same (?:person|officer|member of staff|manager)|"
    r"(?:has|have) not (?:previously )?(?:considered|dealt with|handled)|"
    r"not (?:be )?(?:led|handled|considered|reviewed|dealt with|investigated) by the same "
    r"(?:[\w-]+\s+){0,3}?(?:person|officer|member of staff|manager|employee|colleague)",
    re.I,
)


#: The stage 1 handler named as stage 2's, not negated: "the same officer will look at
#: your complaint again".
_SAME_HANDLER = re.compile(
    r"(?<!not )(?<!not be )\b(?:the\s+)?same\s+(?:person|officer|manager|member\s+of\s+staff|"
    r"caseworker|case\s+worker|colleague|investigator)\s+(?:who\s+[^.]{0,80}?\s+)?will\b",
    re.I,
)


def _read_different_handler_elsewhere(reader: _Reader, all_s: list[_Sentence]) -> None:
    """ "Stage two will not be led by the same employee", said in another stage's section."""
    for s in all_s:
        later = [k for k in _stage_numbers(s.text) if k >= 2 and k in reader.stage_names]
        if len(later) == 1 and s.stage != later[0] and _DIFFERENT_HANDLER.search(s.text):
            reader.add(f"stages[{later[0]}].different_handler", True, s)


def _read_withheld_elsewhere(reader: _Reader, all_s: list[_Sentence]) -> None:
    """A landlord's discretion to withhold the second stage, said outside any stage's
    section (a page with no stage headings): "if we feel a review would serve no purpose,
    we will instead refer you to the Ombudsman"; or in an earlier stage's section, about
    escalating."""
    later = sorted(k for k in reader.stage_names if k >= 2)
    if not later:
        return
    for s in all_s:
        about = _ABOUT_ESCALATING.search(s.text) or re.search(
            r"ombudsman|further review|next stage", s.text, re.I
        )
        # an earlier stage's section may speak of moving on ("whether the request to
        # escalate has been accepted"): a refusal there withholds the next stage
        earlier = (
            s.stage is not None
            and s.stage < later[0]
            and (
                re.search(r"escalat", s.text, re.I)
                or any(k >= later[0] for k in _stage_numbers(s.text))
            )
        )
        if ((s.stage is None and about) or earlier) and _withheld(s.text):
            reader.add(
                f"stages[{later[0]}].discretionary",
                True,
                s,
                state=State.SAYS_OTHERWISE,
                note="the document lets the landlord refuse or withhold this stage",
            )
            return


#: A refusal that withholds a stage speaks of the complaint moving on ("compensation is at
#: our discretion" is no refusal of stage 2).
_ABOUT_MOVING_ON = re.compile(
    r"escalat|review|request|stage|further|appeal|accept|progress|proceed|internal|ombudsman", re.I
)
#: The next stage only with something new: "a review will only go ahead if you give us new
#: evidence", "unless you can tell us something we did not know", "decline this request if
#: there is no new information" (no section 2 ground: the Code takes the complaint on when
#: the resident asks). Reopening a closed complaint on new information is another matter.
_NEW_INFO_ONLY = re.compile(
    r"\b(?:only|unless)\b[^.]{0,80}?\b(?:new|fresh|further|additional)\s+(?:\w+\s+)?"
    r"(?:information|evidence)\b|\bunless\b[^.]{0,60}\b(?:something|anything)\s+(?:new|"
    r"(?:that\s+)?we\s+did(?:\s+not|n't)\s+know)",
    re.I,
)
_REOPEN = re.compile(r"\bre-?open", re.I)


def _withheld(text: str) -> bool:
    """Whether ``text`` lets the landlord refuse or withhold the next stage."""
    if not _ABOUT_MOVING_ON.search(text):
        return False
    return bool(_WITHHELD.search(text)) or (
        bool(_NEW_INFO_ONLY.search(text)) and not _REOPEN.search(text)
    )


_WITHHELD = re.compile(
    r"\b(?:we|the landlord)\s+(?:may|can|will)\s+(?:decide|refuse|decline|choose)\s+"
    r"(?:not\s+)?to\s+(?:escalate|accept|progress|review)|(?<!at\s)(?<!in\s)(?<!for\s)(?:escalat\w*|"
    r"stage\s+(?:2|two)|review|appeal)\s+(?:\w+\s+){0,3}?(?:is\s+|are\s+)?at (?:our|the manager's) "
    r"discretion|stage (?:2|two) is discretionary|escalations? (?:may|can|will) be "
    r"(?:refused|declined)|(?:may|can) (?:refuse|decline) (?:to escalate|an escalation)|"
    r"\bwe\s+(?:sometimes\s+)?decide\s+not\s+to\s+escalate|"
    r"\b(?:may|can|will)\s+confirm\s+(?:our|the|a)\s+(?:stage\s+(?:1|one)\s+)?(?:reply|"
    r"response|answer|decision)\s+(?:as\s+(?:the|our|a)\s+)?final|"
    r"\bif\s+we\s+(?:agree|decide|consider|think|feel)\b[^.]{0,80}\b(?:will|can)\s+be\s+"
    r"escalated|"
    r"\bif\s+we\s+(?:feel|believe|think|consider|decide)\b[^.]{0,200}\bwe\s+will\s+instead\b|"
    r"\bwould\s+(?:not\s+be\s+of\s+(?:any\s+)?benefit|serve\s+no\s+(?:useful\s+)?purpose)\b"
    r"[^.]{0,120}\b(?:instead|ombudsman)|"
    # a manager rules on the request itself: "whether or not the request to escalate has
    # been accepted" (a request that can be turned down is a stage that can be refused)
    r"\bwhether\s+(?:or\s+not\s+)?(?:the\s+|your\s+|an?\s+)?(?:request\s+(?:to|for)\s+"
    r"(?:\w+\s+){0,2}?(?:escalat\w*|review|stage\s+(?:2|two))|escalation(?:\s+request)?)\b"
    r"[^.]{0,40}?\b(?:accepted|approved|agreed|granted)|"
    # the landlord weighs whether to let the complaint on: "decide whether to accept it",
    # "consider whether your complaint should move to stage 2"
    r"\b(?:decid|consider|assess|determin|judg)\w*\s+(?:\w+\s+){0,3}?whether\s+(?:or\s+not\s+)?"
    r"(?:to\s+(?:accept|admit|escalate|progress|proceed|allow|approve|grant)\b|to\s+(?:take|move)\s+(?:it|this|your\s+"
    r"complaint|the\s+(?:complaint|matter))\s+(?:further|forward|on|to\s+stage)|(?:\w+\s+){0,4}?"
    r"(?:should|will|can|could|would|merits?|warrants?|needs?)\s+(?:\w+\s+){0,2}?(?:be\s+)?"
    r"(?:escalat\w*|mov\w*\s+(?:on|to|forward)|go(?:es)?\s+(?:on|to|forward)|progress\w*|"
    r"proceed\w*|reviewed|accepted))|"
    # a request admitted only on conditions the landlord weighs first: "the criteria we
    # apply when accepting a request for stage two", "accepted only once a manager has
    # considered whether ...", "before we admit a review we will assess ..."
    r"\b(?:criteria|criterion|considerations?|tests?|factors?)\s+(?:\w+\s+){0,4}?(?:for|when|in|"
    r"before)\s+(?:deciding\s+whether\s+to\s+)?(?:accept|admit|approv|allow|agree)\w*|"
    r"\b(?:accepted|admitted|approved|allowed|agreed)\s+(?:\w+\s+){0,3}?only\s+(?:after|once|"
    r"when)\s+(?:\w+\s+){0,5}?(?:consider|weigh|assess|look\w*\s+at|review|check)\w*|"
    r"\bbefore\s+(?:we\s+)?(?:accept|admit|approv|agree)\w*\s+(?:to\s+)?(?:\w+\s+){0,3}?"
    r"(?:requests?|escalations?|reviews?|stage\s+(?:2|two))\b[^.]{0,60}?\b(?:consider|weigh|"
    r"assess|look\w*\s+at|check)\w*\s+(?:\w+\s+){0,3}?(?:whether|if)\b|"
    r"\breserves?\s+the\s+right\s+(?:to\s+(?:decline|refuse|reject|not)|not\s+to)\b|"
    r"\b(?:escalation|a\s+review|stage\s+(?:2|two)|a\s+stage\s+(?:2|two)\s+review)\s+(?:\w+\s+)?is\s+"
    r"not\s+(?:an?\s+)?automatic|"
    r"\bonly\s+(?:if|where|when)\s+(?:we|the\s+(?:\w+\s+)?(?:manager|officer|team|panel))\s+"
    r"(?:\w+\s+)?(?:agrees?|decides?|considers?|thinks?|feels?|believes?|(?:are|is)\s+satisfied|"
    r"judges?|accepts?)\b|"
    r"\b(?:may|can|could|might)\s+(?:\w+\s+)?(?:decide|choose)\s+not\s+to\s+(?:take|pursue|"
    r"progress|consider|investigate|proceed|move)\b|"
    r"\b(?:may|can|could|might)\s+(?:\w+\s+)?(?:refuse|decline|reject|turn\s+down)\s+(?:(?:your|"
    r"a|an|the|any|some)\s+)?(?:requests?\s+(?:to\s+escalate|for\s+(?:a\s+|an\s+)?(?:review|"
    r"escalation|stage\s+(?:2|two)))|escalations?|reviews?|appeals?)\b",
    re.I,
)


# -- whole-policy facts --------------------------------------------------------------------


def _first(reader: _Reader, sentences_: Iterable[_Sentence], pattern: str) -> Iterator[_Sentence]:
    rx = re.compile(pattern, re.I)
    for s in sentences_:
        if rx.search(s.text):
            yield s


#: A time limit in years, which :func:`periods` does not read ("within a year", "more than
#: two years ago").
_YEARS = re.compile(rf"\b(?P<num>a|an|one|{_NUM})\s+(?:calendar\s+)?years?\b", re.I)
#: What a time limit may run from besides the issue: the resident's awareness of it, in
#: the words policies use ("became aware", "first noticed", "found out", "came to light").
_AWARENESS = re.compile(
    r"\baware|\bnotic(?:e|ed|ing)\b|\bf(?:ound|ind|inding) out\b|\bdiscover|\blearn(?:t|ed)?\b|"
    r"\bknew\b|\bcame to (?:light|your (?:attention|notice))|\bbec(?:ame|ome|oming) known\b|"
    r"\brealis(?:e|ed|ing)\b",
    re.I,
)
#: What a period before the issue is counted from: the issue, in any of its names.
_FROM_ISSUE = re.compile(
    r"\b(issue|event|incident|matter|problem|happen|occur|took place|aware|cause|date|"
    r"failure|concern|arose|aris|incident|thing|notic|found out|discover|became|first|"
    r"last)",
    re.I,
)
#: A period counted from the landlord's reply or stage, or the Ombudsman's window: not the
#: time limit for making a complaint.
_NOT_FROM_ISSUE = re.compile(
    r"\b(?:response|reply|decision|letter|stage|acknowledg|escalat|review|outcome|receiv\w*\s+"
    r"(?:our|the|a))",
    re.I,
)
#: Discretion for an older complaint: "unless there is good reason", "we may still look at
#: it", "we will use our discretion", "in exceptional circumstances".
_DISCRETION = re.compile(
    r"discretion|exceptional|exception\b|good reasons?|may (?:still |also )?(?:accept|consider|"
    r"look|investigate|take)|can (?:still )?(?:accept|consider|look at)|"
    r"\bunless\b[^.]{0,80}\b(?:reason|recurring|ongoing|continu|circumstances|fair)|"
    # a refusal that is only the usual course leaves room for exceptions
    r"\bnot\s+(?:normally|usually|generally|ordinarily|routinely)\b|"
    r"\bmay\s+not\s+(?:be\s+able\s+to\s+)?(?:accept|consider|investigate|look)|"
    r"\b(?:normally|usually|generally)\s+(?:will\s+)?(?:not|be\s+unable)\b|"
    # in other words: "we may still decide to look into it", "older complaints can still be
    # considered", "we are still able to investigate", "each is assessed case by case"
    r"\b(?:may|might|can|could|will)\s+(?:still|also)\s+(?:\w+\s+){0,3}?(?:accept|consider|"
    r"look|investigat|review|take)|"
    r"\b(?:can|may|could|might)\s+still\s+be\s+(?:accepted|considered|investigated|looked\s+"
    r"(?:at|into)|reviewed)|"
    r"\b(?:older|earlier|historic(?:al)?|late)\s+(?:complaints?|issues?|matters?|cases?)\b"
    r"[^.]{0,60}\b(?:can|may|could|might|will)\s+(?:still\s+|also\s+|sometimes\s+)?(?:be\s+)?"
    r"(?:accept|consider|investigat|look|review)|"
    r"\bstill\s+(?:be\s+)?able\s+to\s+(?:accept|consider|investigate|look)|"
    r"\bcase[- ]by[- ]case\b|"
    r"\b(?:decide|consider|judge)\s+whether\s+(?:it\s+is\s+(?:fair|reasonable|right)\s+)?to\s+"
    r"(?:accept|investigate|consider|look)",
    re.I,
)


def _limit_periods(t: str) -> list[tuple[int, str, int, int]]:
    """The periods of months a sentence names, weeks and years turned to months: (months,
    note, start, end)."""
    out: list[tuple[int, str, int, int]] = []
    for p in periods(t):
        if p.unit == "months":
            out.append((p.amount, "", p.start, p.end))
        elif p.unit == "weeks":
            out.append((p.amount // 4, f"written as {p.written}", p.start, p.end))
    for m in _YEARS.finditer(t):
        n = m.group("num").lower()
        years = 1 if n in ("a", "an") else word_number(n)
        if years:
            out.append((12 * years, f"written as {m.group(0)}", m.start(), m.end()))
    return sorted(out, key=lambda x: x[2])


def _counted_from_issue(after: str) -> bool:
    """Whether the words after a period count it from the issue or the resident's
    awareness of it ("of the incident", "from when you noticed it"), not from a reply, a
    stage or a receipt."""
    if not re.match(r"\s*(?:of|from|since|after)\b", after) or not _FROM_ISSUE.search(after):
        return False
    return not _NOT_FROM_ISSUE.search(after[:60]) or bool(_AWARENESS.search(after[:60]))


def _read_time_limit(reader: _Reader, all_s: list[_Sentence]) -> None:
    """The time limit for making a complaint and what it runs from: a period of months
    (or weeks, or years) before which the issue must have arisen ("within 12 months of the
    issue", "things that happened more than 6 months ago", "issues over a year old"). A
    period counted from a reply or a stage, or the Ombudsman's own window, is not it."""
    blocks = reader.doc.blocks
    # the items of an exclusions list, where "historic issues (over 6 months)" is a limit
    listed: set[int] = set()
    for b in range(len(blocks)):
        if _exclusion_lead(blocks, b):
            k = b + 1
            while k < len(blocks) and blocks[k].kind != "heading":
                if blocks[k].kind == "item":
                    listed.add(k)
                elif listed and k - 1 in listed:
                    break
                k += 1
    for i, s in enumerate(all_s):
        t = s.text
        if not re.search(
            r"\b(complain|complaint|raise|tell us|told us|report|made|bring|contact|happen|occur"
            r"|issue|matter|problem|incident)",
            t,
            re.I,
        ) or re.search(r"ombudsman", t, re.I):
            continue
        for months, note, start, end in _limit_periods(t):
            after = t[end : end + 160]
            before = t[max(0, start - 80) : start]
            if not re.search(
                r"\b(within|no later than|more than|over|after|older than|beyond|up to)"
                r"(?:\s+the\s+(?:last|past|previous|preceding))?\s*$|"
                r"\bin\s+the\s+(?:last|past|previous|preceding)\s*$|"
                # "the time limit for making a complaint is 12 months", "a 12 month time limit"
                r"\btime[- ]?limit\b[^.]{0,50}\b(?:is|of)\s*$",
                before,
                re.I,
            ) and not re.match(r"[\s-]*(?:time[- ]?limit|limit)\b", after, re.I):
                continue
            # "a 12 month time limit for complaints from when the problem arose": read what
            # follows the limit's name as what it runs from
            named = re.match(
                r"[\s-]*(?:time[- ]?limit|limit)\b[^.]{0,40}?(?=\b(?:of|from|since|after)\b)",
                after,
                re.I,
            )
            if named:
                after = after[named.end() - 1 :]
            unsaid = not named and bool(re.match(r"[\s-]*(?:time[- ]?limit|limit)\b", after, re.I))
            if unsaid:
                after = "."  # a limit whose start is unsaid
            # "the issue must have happened within the last 12 months", "things that happened
            # in the past year": counted back from the complaint to the issue, so from the
            # issue (awareness only if named)
            recent = bool(
                re.search(
                    r"\b(?:within|in)\s+the\s+(?:last|past|previous|preceding)\s*$", before, re.I
                )
            )
            if recent and not re.search(
                r"\b(?:happen|occur|took\s+place|taken\s+place|arose|arisen|aris|events?|issues?|"
                r"matters?|incidents?|problems?|things)\w*\b[^.]{0,40}$",
                t[:start],
                re.I,
            ):
                continue  # "we received 400 complaints within the last 12 months": a count
            # what the period runs from, after it, or an event before it ("things that
            # happened more than 6 months ago", "issues over a year old", "issues older
            # than 6 months"); or nothing, where the sentence is about making a complaint
            # ("complaints must be made within six months"): a limit whose start is unsaid
            event_before = re.search(
                r"\b(?:happen|occur|took place|arose|issue|matter|problem|incident|event|"
                r"complaint)\w*\b",
                before + " " + t[:start],
                re.I,
            )
            unanchored = False
            if recent:
                pass
            elif (
                re.match(r"\s*(?:ago|old)\b", after)
                or (
                    re.search(r"\bolder than\s*$", before, re.I)
                    and not re.match(r"\s*(?:of|from)\b", after)
                )
                or (
                    s.block in listed
                    and re.search(r"\b(?:over|more than|older than)\s*$", before, re.I)
                    and not re.match(r"\s*(?:of|from|after|since)\b", after)
                )
            ):
                if not event_before:
                    continue
            elif re.match(r"\s*(?:[.;)]|$|,\s*(?:and|but|unless|so|as|otherwise)\b)", after):
                unanchored = unsaid or bool(
                    re.search(r"\bwithin\s*$", before, re.I)
                    and re.search(
                        r"\bcomplain\w*\b[^.]{0,60}\b(?:made|raised|brought|submitted|"
                        r"received|reported|lodged|logged)\b|\b(?:make|raise|bring|submit|report|"
                        r"lodge)\w*\s+(?:a\s+|your\s+)?complaints?\b|\bcomplain\b|\btell us\b",
                        t[:start],
                        re.I,
                    )
                    and not re.search(
                        r"\b(?:respond|reply|answer|decision|acknowledg|escalat|review|stage|"
                        r"extension|extend)",
                        t,
                        re.I,
                    )
                )
                if not unanchored:
                    continue
            elif not _counted_from_issue(after) and not (
                # "issues which arose more than 12 months before the complaint is made"
                re.match(r"\s*(?:before|prior\s+to)\b", after, re.I)
                and re.search(r"\b(?:happen|occur|took place|arose|arisen)\w*\b", before, re.I)
            ):
                continue
            hedged = bool(_HEDGE.search(t))
            reader.add("exclusions.time_limit_months", months, s, hedged=hedged, note=note or None)
            # awareness may be named in the sentence, or in the next one of its paragraph
            nearby = t
            if i + 1 < len(all_s) and all_s[i + 1].block == s.block:
                nearby += " " + all_s[i + 1].text
            if _AWARENESS.search(nearby):
                reader.add("exclusions.time_limit_from_awareness", True, s)
            elif unanchored:
                pass  # the start is not said: what the limit runs from is left for evidence
            else:
                reader.add(
                    "exclusions.time_limit_from_awareness",
                    False,
                    s,
                    note="the limit runs from the issue only, not from when the resident "
                    "became aware of it",
                )
            around = blocks[s.block].text
            if s.block + 1 < len(blocks) and blocks[s.block + 1].kind != "heading":
                around += " " + blocks[s.block + 1].text
            if _DISCRETION.search(around):
                reader.add("exclusions.discretion_beyond_time_limit", True, s)
            return


#: "We record your complaint as a formal stage one complaint": how it is logged, not what
#: a complaint is.
_LOGGED_AS = re.compile(
    r"\b(?:record|log|regist|treat|escalat|rais|open|mov|progress|handl|deal)\w*\s+(?:\w+\s+){0,2}?"
    r"complaint as\b|\bcomplaint as (?:a |an )?(?:formal |new |separate )?(?:stage|complaint)\b",
    re.I,
)

#: Where the Ombudsman's definition is named: the Ombudsman, their Code, or "the Code".
_OMBUDSMAN_OR_CODE = (
    r"(?:(?:housing\s+)?ombudsman(?:['\u2019]s|s['\u2019]?)?|complaint\s+handling\s+code(?:['\u2019]s)?"
    r"|\bthe\s+code(?:['\u2019]s)?)"
)
#: The landlord takes the Ombudsman's definition as its own, in either order: "we adopt
#: the Housing Ombudsman's definition", "we use the definition of a complaint set out in
#: the Complaint Handling Code", "a complaint is as defined by the Ombudsman", "our
#: definition is the one in the Ombudsman's Code".
_ADOPTS_DEFINITION = re.compile(
    r"\b(?:adopt|use|follow|apply|applie|accept|share|align|take|keep|mirror)\w*\s+"
    r"(?:with\s+)?(?:\w+\s+){0,3}?"
    rf"(?:{_OMBUDSMAN_OR_CODE}\s+(?:\w+\s+){{0,3}}?definition|definition\b[^.;]{{0,80}}?"
    rf"\b(?:in|of|from|by|under|within)\s+(?:the\s+|their\s+)?(?:\w+\s+){{0,2}}?{_OMBUDSMAN_OR_CODE})|"
    rf"\b(?:as|is)\s+defined\s+(?:by|in|under)\s+(?:the\s+)?(?:\w+\s+){{0,2}}?{_OMBUDSMAN_OR_CODE}|"
    rf"\bdefinition\b[^.;]{{0,60}}?\b(?:is|will be)\s+(?:the\s+(?:same\s+as\s+|one\s+)|that\s+)"
    rf"[^.;]{{0,40}}?{_OMBUDSMAN_OR_CODE}",
    re.I,
)
#: The policy gives its wording as the Ombudsman's (or the Code's) definition: "the Housing
#: Ombudsman defines a complaint as ...", "in line with the Code, a complaint is an
#: expression of dissatisfaction ...", "we use the same definition as the Ombudsman", "this
#: is the definition used by the Ombudsman". A timescale "in line with the Code" is none.
_CLAIMS_DEFINITION = re.compile(
    rf"\b{_OMBUDSMAN_OR_CODE}\s+(?:\w+\s+){{0,3}}?defines?\s+(?:a\s+)?['\"\u2018\u201c]?"
    r"complaints?['\"\u2019\u201d]?\s+as\b|"
    r"\b(?:in\s+line\s+with|in\s+accordance\s+with|as\s+set\s+out\s+in|as\s+per|consistent\s+"
    rf"with)\s+(?:the\s+)?(?:\w+\s+){{0,3}}?{_OMBUDSMAN_OR_CODE}[^.;]{{0,60}}?\bcomplaints?\s+"
    r"(?:is|means)\s+(?:defined\s+as\s+)?(?:an?\s+|any\s+)?(?:expression|dissatisf)|"
    r"\bdefine[sd]?\s+(?:a\s+)?complaints?\s*,?\s*(?:in\s+line\s+with|in\s+accordance\s+with|"
    rf"as\s+(?:does|do)|like)\s+(?:the\s+)?(?:\w+\s+){{0,3}}?{_OMBUDSMAN_OR_CODE}|"
    r"\bsame\s+definition\b[^.;]{0,40}?\bas\s+(?:that\s+(?:of|used\s+by)\s+)?(?:the\s+)?"
    rf"(?:\w+\s+){{0,2}}?{_OMBUDSMAN_OR_CODE}|"
    r"\b(?:this|that|which)\s+is\s+(?:also\s+)?(?:the\s+)?(?:definition\s+(?:used|set\s+out|given|"
    rf"adopted)\s+(?:by|in)\s+(?:the\s+)?(?:\w+\s+){{0,2}}?{_OMBUDSMAN_OR_CODE}|"
    rf"{_OMBUDSMAN_OR_CODE}\s+(?:\w+\s+){{0,2}}?definition)",
    re.I,
)
#: A paragraph that is the definition itself, under a heading or lead-in that asks or
#: titles it ("What is a complaint?" then "An expression of dissatisfaction ...").
_BARE_DEFINITION = re.compile(r"^\W*(?:an?|any)\s+expression\s+of\s+dissatisfaction\b", re.I)
_ASKS_DEFINITION = re.compile(
    r"\bwhat\s+(?:is|counts\s+as|we\s+mean\s+by)\s+a\s+complaint|\bdefin\w*\b[^.]{0,30}"
    r"\bcomplaint|\bcomplaint\b[^.]{0,20}\bdefin\w*|\bmeaning\s+of\b[^.]{0,20}\bcomplaint",
    re.I,
)
#: Only a plain denial before the adoption refuses it ("we do not use the Ombudsman's
#: definition"); a sentence that merely has a "not" in it ("we have not changed the
#: Ombudsman's definition") does not.
_REFUSES_DEFINITION = re.compile(
    r"\b(?:do|does|will|shall|did)\s+not\s+(?:\w+\s+)?$|\b(?:don['\u2019]t|doesn['\u2019]t|"
    r"won['\u2019]t|never)\s+(?:\w+\s+)?$",
    re.I,
)
#: A sentence that defines a complaint: "A complaint is an expression ...", "'Complaint'
#: means ...", "we define a complaint as ...", "our definition of a complaint is ...".
#: "A complaint" must be what is defined: "when a complaint is made", "if the complaint is
#: about", "a complaint is usually about" or "a complaint is not a service request" define
#: nothing.
_DEFINES = re.compile(
    r"(?:^|[:;\u2013-]\s*|\b(?:a|an|any)\s+|['\"\u2018\u201c])complaints?['\"\u2019\u201d]?\s+"
    r"(?:is|means|shall\s+mean|can\s+be\s+defined\s+as|may\s+be\s+defined\s+as)\s+"
    r"(?!not\b|usually\b|often\b|normally\b|generally\b|typically\b|mostly\b|likely\b|"
    r"about\b|made\b|received\b|raised\b|logged\b|made\b|handled\b|dealt\b|closed\b|"
    r"resolved\b|escalated\b|upheld\b|considered\b|investigated\b|more\b|less\b|too\b|"
    r"complex\b|urgent\b|still\b|then\b|also\b|acknowledged\b|responded\b|recorded\b|"
    r"registered\b|passed\b|sent\b|referred\b|allocated\b|assigned\b|reviewed\b|accepted\b|"
    r"treated\b|managed\b|processed\b|withdrawn\b|rejected\b|refused\b|answered\b)|"
    r"\bdefine[sd]?\s+(?:a\s+|the\s+term\s+)?['\"\u2018\u201c]?complaints?['\"\u2019\u201d]?\s+as\b|"
    # "complaints are expressions of dissatisfaction ...", "by a complaint we mean ...",
    # "the definition of a complaint we use is ..."
    r"\bcomplaints\s+are\s+(?:defined\s+as\s+)?(?:an?\s+|any\s+)?(?:expressions?|dissatisf)|"
    r"\b(?:by|when\s+we\s+say)\s+(?:a\s+)?['\"\u2018\u201c]?complaints?['\"\u2019\u201d]?,?\s+we\s+mean\b|"
    r"\bdefinition\s+of\s+(?:a\s+)?complaints?\s+(?:that\s+)?we\s+(?:use|apply|follow)\s+is\b|"
    r"\bdefinition\s+of\s+(?:a\s+|the\s+term\s+)?['\"\u2018\u201c]?complaints?['\"\u2019\u201d]?"
    r"\s*(?:is\b|:|as\b)|"
    r"\b(?:consider|regard|see)\s+(?:a\s+)?complaints?\s+(?:to\s+be|as)\s+(?:a|an|any)\b|"
    # a glossary entry ("Complaint: an expression of dissatisfaction ...") and a definition
    # in substance ("we treat any expression of dissatisfaction ... as a complaint")
    # (a table row reads "Complaint: Meaning An expression ..." under its column's heading)
    r"^\W*complaints?\W{0,3}\s*[:\u2013\u2014-]\s*(?:\w+\s+){0,2}?(?:an?\s+|any\s+)?"
    r"(?:expression|dissatisf)|"
    r"\b(?:treat|regard|consider|class|accept)\w*\s+(?:any|all|every)\s+expressions?\s+of\s+"
    r"dissatisfaction\b[^.]{0,250}\bas\s+(?:a\s+)?complaints?\b",
    re.I,
)
#: What complaints are worth to the landlord, not what one is: "we see complaints as a
#: valuable way to learn", "a complaint is a chance for us to improve", "we consider
#: complaints to be an important source of feedback".
_WORTH = re.compile(
    r"^\s*(?:(?:a|an|any)\s+)?(?:\w+\s+)?(?:valuable|useful|positive|important|vital|key|"
    r"essential|helpful|welcome|chance|opportunit\w*|source|gift|tool|insight)\b",
    re.I,
)
#: A sentence that carries a definition on: "This includes ...", "It may affect ...".
_CARRIES_ON = re.compile(r"^(?:it|this|these|that|such|the complaint)\b", re.I)


def _definition_text(all_s: list[_Sentence], blocks: list[Block], i: int) -> str:
    """The definition that starts at sentence ``i``: a lead-in ending with a colon is read
    with the list or the sentence after it, and a sentence of the same paragraph that
    carries the definition on ("This affects a resident ...") is read with it."""
    s = all_s[i]
    t = s.text
    if t.rstrip().endswith(":"):
        items = []
        for later in blocks[s.block + 1 :]:
            if later.kind != "item":
                break
            items.append(later.text)
        if items and i + 1 < len(all_s) and all_s[i + 1].block == s.block + 1:
            return f"{t} {' '.join(items)}"
        if i + 1 < len(all_s):
            return f"{t} {all_s[i + 1].text}"
        return t
    k = i + 1
    while k < len(all_s) and all_s[k].block == s.block and _CARRIES_ON.match(all_s[k].text):
        t = f"{t} {all_s[k].text}"
        k += 1
    return t


def _read_definitions(reader: _Reader, all_s: list[_Sentence]) -> None:
    """The definition of a complaint: its wording where the policy gives it (the rules
    compare it by meaning), and whether the policy says it adopts the Ombudsman's. A
    definition in the policy's own words is not read as refusing the Ombudsman's: only a
    plain denial ("we do not use the Ombudsman's definition") says otherwise."""
    blocks = reader.doc.blocks
    for i, s in enumerate(all_s):
        t = s.text
        adopts = _ADOPTS_DEFINITION.search(t) or _CLAIMS_DEFINITION.search(t)
        if adopts and re.search(
            r"\b(?:different|differs?|narrower|wider|own|other than|instead of|unlike|rather "
            r"than|amended|adapted|modified|based|similar|derived|drawn|inspired|informed)\b",
            adopts.group(0),
            re.I,
        ):
            adopts = None  # "we use a different definition from the Ombudsman's"
        defines = _DEFINES.search(t)
        if defines and _WORTH.match(t[defines.end() :]):
            defines = None  # what complaints are worth: read on for the definition
        if not defines and _BARE_DEFINITION.match(t):
            # what comes before: the block above, or a question run into the same block
            # (a PDF may lose the line break after a heading)
            if i > 0 and all_s[i - 1].block == s.block:
                above = all_s[i - 1].text if all_s[i - 1].text.rstrip().endswith(("?", ":")) else ""
            else:
                above = blocks[s.block - 1].text if s.block > 0 else ""
            if _ASKS_DEFINITION.search(above):
                defines = _BARE_DEFINITION.match(t)
        if not adopts and not defines:
            continue
        if not adopts and (re.search(r"service request", t[:60], re.I) or _LOGGED_AS.search(t)):
            continue
        # a line that only titles the subject ("Definition of a complaint") defines nothing
        if len(t.split()) <= 5 and not t.rstrip().endswith((".", ":")):
            continue
        t = _definition_text(all_s, blocks, i)
        # the wording claimed as the Ombudsman's in the sentence that carries it on ("This
        # is the definition used by the Housing Ombudsman")
        adopts = adopts or _CLAIMS_DEFINITION.search(t)
        if adopts and _REFUSES_DEFINITION.search(t[max(0, adopts.start() - 30) : adopts.start()]):
            reader.add(
                "uses_ombudsman_definition",
                False,
                s,
                note="the policy says it does not use the Ombudsman's definition",
            )
            if re.search(r"dissatisf", t, re.I):
                reader.add("complaint_definition", t, s)
            break
        # the Ombudsman's definition quoted, then one of the landlord's own set against it
        # ("For this policy, however, we define a complaint as ..."): the landlord's is
        # the one it applies, compared part by part
        own = next(
            (
                later
                for later in all_s[i + 1 : i + 4]
                if adopts
                and _DEFINES.search(later.text)
                and re.search(r"\b(?:we|our|us)\b", later.text, re.I)
                and re.search(
                    r"\b(?:however|but|instead|for\s+(?:the\s+purposes\s+of\s+)?this\s+policy|"
                    r"for\s+us|our\s+own)\b",
                    later.text,
                    re.I,
                )
                and not _CLAIMS_DEFINITION.search(later.text)
                and not _ADOPTS_DEFINITION.search(later.text)
            ),
            None,
        )
        if own is not None:
            reader.add("complaint_definition", own.text, own)
            break
        # a sentence that only adopts the Ombudsman's definition does not give its wording
        if not adopts or re.search(r"dissatisf", t, re.I):
            reader.add("complaint_definition", t, s)
        if adopts:
            # only the policy's own claim: the rules read a wording given with it as the
            # Ombudsman's definition restated, so a wording that merely looks like it is
            # left to be compared part by part
            reader.add("uses_ombudsman_definition", True, s)
        break
    for s in _first(
        reader,
        all_s,
        # "you don't have to use the word complaint", "without using the word", "need not
        # call it a complaint"
        r"(?:not|n['\u2019]t|never)\s+(?:need|have|necessary|required|obliged)\s+(?:to\s+)?"
        r"(?:use|say|mention|call it|describe it as)\b[^.]{0,30}\bcomplaint|"
        r"\bwithout (?:using|saying|mentioning) the word\W{0,3}complaint|"
        r"\b(?:need not|needn['\u2019]t) (?:use|say|mention|call it)\b[^.]{0,30}complaint|"
        # "there is no need to use the word", "even if you do not use that word"
        r"\bno\s+need\s+(?:for\s+(?:you|them|residents?)\s+)?to\s+(?:use|say|mention)\b[^.]{0,30}"
        r"complaint|\bcomplaint\b[^.]{0,60}\beven\s+if\s+(?:you|they|the\s+resident)\s+(?:do\s+not|"
        r"don['\u2019]t|does\s+not|doesn['\u2019]t)\s+(?:use|say|mention)\s+(?:that|the|this)\s+word",
    ):
        reader.add("word_complaint_not_required", True, s)
        break


#: Other ways a policy says it tells residents about the Ombudsman: it explains the
#: Ombudsman's role (or service, or the resident's right), or how to reach them.
_OMBUDSMAN_EXPLAINED = re.compile(
    r"\b(?:explain|tell you|tell residents|inform|let you know|advise|make (?:you|residents) "
    r"aware|signpost|information)\w*\b[^.]{0,60}\bombudsman|"
    r"\bombudsman(?:['’]s|s['’])?\s+(?:role|details|contact details)\b|"
    r"\brole of (?:the )?(?:housing )?ombudsman|"
    r"\bombudsman\b[^.]{0,100}\bhow (?:to|you can|they can be) (?:contact|reach|approach|"
    r"refer|complain)",
    re.I,
)
#: A promise denied or made on a condition ("only if you ask", "if you are unhappy with the
#: extension") is not read as one made to every resident.
_NEGATED_PROMISE = re.compile(
    r"\b(?:not|never|cannot|can['’]t|won['’]t|don['’]t|do not|only|if|unless|on request)\b",
    re.I,
)


#: The Ombudsman as a body the resident may turn to, not their Code, guidance or reports
#: ("as the Housing Ombudsman's Code asks" names no right).
_THE_OMBUDSMAN = (
    r"(?:the\s+|an?\s+)?(?:(?:appropriate|relevant|independent|designated)\s+)?"
    r"(?:housing\s+)?ombudsman(?:\s+service)?(?!(?:['\u2019]s|s['\u2019]?)?\s+"
    r"(?:complaint\s+handling\s+)?(?:code|guidance|remedies|spotlight|reports?|definition|"
    r"self-assessment|requirements|expectations|standards))"
)
#: The resident's right to go to the Ombudsman: to refer, escalate, bring or take the
#: complaint to them, to contact, approach or ask them, or the right named as such; or
#: the Ombudsman said to help, investigate or look at it.
_OMBUDSMAN_RIGHT = re.compile(
    rf"\b(?:refer|escalat|bring|take|pass)\w*\s+(?:\w+\s+){{0,4}}?(?:to|with)\s+{_THE_OMBUDSMAN}|"
    rf"\b(?:contact|approach|ask|email|phone|call|write to)\w*\s+{_THE_OMBUDSMAN}|"
    rf"\b(?:go|complain|turn|apply)\w*\s+to\s+{_THE_OMBUDSMAN}|"
    r"\b(?:your|their|the resident['\u2019]s|residents['\u2019]?)\s+right\b[^.]{0,80}ombudsman|"
    r"\bright\s+to\s+(?:\w+\s+){0,6}?(?:the\s+)?(?:housing\s+)?ombudsman|"
    r"\bombudsman\b[^.]{0,60}\b(?:can|will|may|could)\s+(?:also\s+)?(?:help|investigate|look|"
    r"consider|review|advise)|"
    # in other words: "raise your complaint with the Ombudsman", "get in touch with the
    # Ombudsman", "seek advice from the Ombudsman", "contact your MP or the Ombudsman",
    # "the Ombudsman can be contacted at any stage", "the Ombudsman may be able to help"
    rf"\b(?:raise|lodge|register|take\s+up)\w*\s+(?:\w+\s+){{0,3}}?with\s+{_THE_OMBUDSMAN}|"
    rf"\b(?:get\s+in\s+touch|speak|talk|be\s+in\s+contact)\s+(?:directly\s+)?with\s+"
    rf"{_THE_OMBUDSMAN}|"
    rf"\b(?:seek|get|ask\s+for|obtain)\w*\s+(?:\w+\s+){{0,3}}?(?:advice|help|support|"
    rf"guidance)\s+from\s+{_THE_OMBUDSMAN}|"
    rf"\bcontact\w*\s+(?:\w+\s+){{0,2}}?(?:mp|councillor|designated\s+person|us)\b[^.]{{0,60}}?"
    rf"\bor\s+{_THE_OMBUDSMAN}|"
    r"\bombudsman(?:\s+service)?\s+(?:can|may|could)\s+(?:also\s+)?be\s+(?:contacted|"
    r"approached|reached)|"
    r"\bombudsman\b[^.]{0,60}\b(?:can|will|may|could|might)\s+(?:also\s+)?be\s+able\s+to\s+"
    r"(?:help|investigate|look|assist|consider|advise)",
    re.I,
)


def _ombudsman_right(t: str) -> bool:
    """Whether ``t`` tells residents of their right to go to the Ombudsman; a promise
    negated in its own clause ("you cannot go to the Ombudsman until ...") is not read."""
    for m in _OMBUDSMAN_RIGHT.finditer(t):
        clause = re.split(r"[,;:]|\bif\b|\bwhen\b|\bbut\b", t[: m.start()], flags=re.I)[-1]
        if not re.search(
            r"\b(?:not|never|cannot|unable)\b|n['\u2019]t\b", clause + " " + m.group(0), re.I
        ):
            return True
    return False


def _read_ombudsman(reader: _Reader, all_s: list[_Sentence]) -> None:
    contacts: list[tuple[str, _Sentence]] = []
    for s in _first(reader, all_s, r"ombudsman"):
        t = s.text
        if _ombudsman_right(t) or (
            _OMBUDSMAN_EXPLAINED.search(t) and not _NEGATED_PROMISE.search(t)
        ):
            reader.add("ombudsman_right_explained", True, s)
        found = re.findall(
            r"\b0\d{3}\s?\d{3}\s?\d{4}\b|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
            r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:org|gov|co)\.uk[\w/.-]*|"
            r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b",
            t,
        )
        contacts += [(c.rstrip("."), s) for c in found]
    if contacts:
        reader.add(
            "notes.ombudsman_contact",
            sorted({c for c, _ in contacts}),
            contacts[0][1],
            note="the Ombudsman's contact details the document gives",
        )


_CHANNELS = (
    ("phone", r"\b(?:tele)?phon(?:e|ing)\b|\bcall(?:ing)? us\b|\bring(?:ing)? (?:us|our)\b"),
    ("email", r"\be-?mail"),
    (
        "letter",
        r"\bletter\b|\bin writing\b|\b(?:by|via) post\b|\bpost,|\bwrit(?:e|ing) to us\b",
    ),
    (
        "web_form",
        r"\b(?:online|web(?:site)?)\s+form\b|\b(?:our|the) website\b|\bonline\b(?:\s+\w+){0,3}?"
        r"\s+(?:forms?|portals?|chat)\b|\b(?:web|live)\s*chat\b",
    ),
    ("in_person", r"\bin person\b|\bface[- ]to[- ]face\b|\bvisit"),
    ("social_media", r"\bsocial media\b"),
    ("app", r"\bapp\b"),
)


#: A sentence about the resident making a complaint or getting in touch (not the
#: landlord's own calls and visits: "we will try to resolve it over the phone or at a home
#: visit" names no way to complain).
_WAYS_TO_COMPLAIN = re.compile(
    r"\byou\s+(?:can|may|could|are able to|might|are welcome to)\b|\b(?:ways?|how)\s+to\s+"
    r"(?:make\s+a\s+|raise\s+a\s+)?(?:complain|contact|get in touch|reach)|\bcomplaints?\s+(?:can|"
    r"may|will)\s+be\s+(?:made|raised|submitted|logged|received|accepted|taken)|\b(?:contact|call|"
    r"email|write to|phone|ring|visit|tell)\s+us\b|\bget in touch\b|\bcomplain\s+(?:by|in|through|"
    r"via|online|using)\b|\b(?:make|raise|submit|report)\w*\s+(?:a|your)\s+complaint\s+(?:by|in|"
    r"through|via|online|using)\b|\bby\s+(?:phone|telephone|e-?mail|letter|post)\b[^.]{0,40}\bor\b",
    re.I,
)
_LANDLORD_REACHES_OUT = re.compile(
    r"\b(?:we|manager|officer|investigator|caseworker|team|they)\b[^.]{0,40}\b(?:will|may|can|"
    r"might|would|to)\s+(?:try\s+to\s+|aim\s+to\s+|also\s+)?(?:resolve|call|phone|ring|contact|"
    r"visit|discuss|speak|meet|write|reply|respond|send|update)\b",
    re.I,
)


def _lead_in(blocks: list[Block], i: int) -> str:
    """The lead-in of the list item at block ``i`` ("You can complain in these ways:"), or
    an empty string."""
    k = i - 1
    while k >= 0 and blocks[k].kind == "item":
        k -= 1
    if k >= 0 and blocks[k].kind != "heading" and blocks[k].text.rstrip().endswith(":"):
        return blocks[k].text
    return ""


def _read_channels(reader: _Reader, all_s: list[_Sentence]) -> None:
    """The ways to complain: from sentences about how a resident complains or gets in
    touch, and from the items of a list whose lead-in says so."""
    blocks = reader.doc.blocks
    channels: list[str] = []
    cited: _Sentence | None = None
    for s in all_s:
        here = [name for name, rx in _CHANNELS if re.search(rx, s.text, re.I)]
        if not here:
            continue
        lead = _lead_in(blocks, s.block) if blocks[s.block].kind == "item" else ""
        about = f"{lead} {s.text}"
        if not re.search(r"\b(complain|complaint|contact us|get in touch)", about, re.I):
            continue
        listed = bool(lead) and bool(
            re.search(r"complain|dissatisf|contact|get in touch", lead, re.I)
            and re.search(r"\b(?:ways?|how|can|may|following|methods?|routes?)\b", lead, re.I)
        )
        if not listed and not _WAYS_TO_COMPLAIN.search(about):
            continue
        if (
            not lead
            and _LANDLORD_REACHES_OUT.search(s.text)
            and not re.search(r"\byou\s+(?:can|may)\b", s.text, re.I)
        ):
            continue  # the landlord's own calls and visits are no way to complain
        if len(here) >= 2 or channels or lead:
            for name in here:
                if name not in channels:
                    channels.append(name)
            cited = cited or s
    if channels and cited is not None:
        reader.add("channels", channels, cited)


#: A body acting for the landlord: its contractors, agents or partners.
_ACTING_FOR_US = (
    r"(?:(?:sub-?)?contractors?|(?:managing\s+)?agents?|third[- ]part(?:y|ies)|partners?)"
)
#: The resident sent to such a body's own process before the landlord's: "only after the
#: contractor's complaints procedure has been exhausted", "you should first complain to
#: the agent".
_THIRD_PARTY_FIRST = re.compile(
    rf"\b{_ACTING_FOR_US}['\u2019]?s?['\u2019]?\s+(?:own\s+)?complaints?\s+(?:procedure|process|"
    r"policy)\b|"
    rf"\b(?:first|initially)\s+(?:complain|contact|write|go|speak|raise\s+(?:it|this|the\s+matter|"
    rf"your\s+complaint))\w*\s+(?:to|with)?\s*(?:the|your|our)\s+{_ACTING_FOR_US}\b",
    re.I,
)
_BEFORE_US = re.compile(
    r"\b(?:first|before|only\s+(?:after|once|when)|until|exhausted|completed|run\s+its\s+course|"
    r"if\s+you\s+(?:remain|are\s+still)\s+(?:unhappy|dissatisfied|not\s+satisfied))\b",
    re.I,
)
_NOT_REQUIRED = re.compile(
    r"\b(?:do(?:es)?\s+not|don['\u2019]t|doesn['\u2019]t|need\s+not|never)\s+(?:\w+\s+){0,2}?"
    r"(?:have|need|required?|must|use)\b|\bnot\s+(?:be\s+)?(?:required|necessary|asked)\b",
    re.I,
)


def _read_third_party_first(reader: _Reader, all_s: list[_Sentence]) -> None:
    """A policy that sends residents through a contractor's or agent's own complaints
    process before its own stages (5.4's second process): says otherwise."""
    for s in all_s:
        m = _THIRD_PARTY_FIRST.search(s.text)
        if m is None or not _BEFORE_US.search(s.text) or _NOT_REQUIRED.search(s.text):
            continue
        reader.add(
            "third_parties.handled_within_same_stages",
            False,
            s,
            note="residents go through a third party's own complaints process first",
        )
        return


def _read_access(reader: _Reader, all_s: list[_Sentence]) -> None:
    _read_channels(reader, all_s)
    _read_third_party_first(reader, all_s)
    simple = (
        (
            "reasonable_adjustments",
            r"reasonable adjustments?|\b(?:make|making|provide|providing|offer|offering|put in "
            r"place|consider|considering|agree|agreeing)\s+(?:any\s+)?(?:\w+\s+)?adjustments\b|"
            r"\badjust(?:ing)? (?:how|the way) we\b",
        ),
        (
            "representatives_allowed",
            r"on (?:your|their|a resident's) behalf|representative|advocate|"
            r"\b(?:friend|relative|family member|someone else|somebody else|another person|"
            r"councillor|carer)s?\b[^.]{0,60}\b(?:complain|make|raise)\w*|"
            # "ask someone to complain for you", "a third party may complain for a resident",
            # "people acting for a resident"
            r"\b(?:someone|somebody|a\s+third\s+party|third\s+parties|an?\s+(?:mp|support\s+worker)|"
            r"people|anyone)\b[^.]{0,60}\b(?:complain\w*|complaint)\b[^.]{0,40}\b(?:for\s+(?:you|them|"
            r"a\s+resident|the\s+resident|residents|a\s+tenant|a\s+customer)\b)|\bacting\s+(?:for|on\s+"
            r"behalf\s+of)\s+(?:a\s+|the\s+)?(?:resident|tenant|customer)s?\b",
        ),
        (
            "any_staff_can_take_complaints",
            r"any member of (?:our )?staff|\bany (?:of our )?(?:staff|colleagues?|employees?|"
            r"officers?|team members?)\b[^.]{0,60}\b(?:complain|take|accept|log|receive|pass)|"
            r"\b(?:anyone|any person) (?:who works|working) (?:for|at|with) us|"
            # "you can complain to any member of our team", "tell any colleague"
            r"\b(?:complain\w*|made|raise\w*|tell|speak)\s+(?:\w+\s+){0,2}?to\s+any\s+(?:member\s+"
            r"of\s+(?:our|the)\s+(?:team|workforce|staff)|(?:of\s+our\s+)?(?:colleagues?|employees?|"
            r"staff|officers?|team\s+members?))\b",
        ),
        (
            "no_detriment_for_complaining",
            r"(?:not|never) be treated (?:less favourably|differently|unfairly)|no detriment|"
            r"will not affect (?:the|your|how)|"
            # "nobody will be treated less favourably", "you will not be disadvantaged"
            r"\b(?:no\s+one|nobody|no\s+(?:resident|customer|tenant|person))\s+will\s+be\s+treated\s+"
            r"(?:less\s+favourably|differently|unfairly)|\b(?:will|should)\s+not\s+(?:be\s+)?"
            r"(?:disadvantaged|penalised|suffer)\b[^.]{0,60}\bcomplain",
        ),
        (
            "remedies_at_any_stage",
            r"at any (?:point|stage)[^.]{0,80}(?:put|remed|right)|"
            r"(?:put|remed)[^.]{0,80}at any (?:point|stage)|"
            # "we may offer compensation at any stage", "whatever stage the complaint has
            # reached, we will put things right"
            r"(?:compensat|redress|apolog)[^.]{0,80}\b(?:at any|at every|whatever) (?:point|stage)|"
            r"\b(?:at every|whatever) (?:point|stage)[^.]{0,80}(?:put|remed|right|compensat)|"
            r"(?:put|remed)[^.]{0,80}\b(?:at every|whatever) (?:point|stage)",
        ),
        ("social_media_complaints", r"social media"),
        (
            "unacceptable_behaviour.exists",
            r"unacceptable behaviour|unreasonable behaviour|"
            r"persistent (?:and|or) unreasonable|unacceptable (?:or|and) unreasonable|"
            r"unreasonable (?:conduct|actions)|unacceptable conduct|"
            # "we may restrict contact where behaviour is abusive or persistent"
            r"\b(?:restrict|limit)\w*\s+(?:\w+\s+){0,2}?contact\b[^.]{0,80}\bbehaviour|"
            r"\bbehaviour\b[^.]{0,80}\b(?:restrict|limit)\w*\s+(?:\w+\s+){0,2}?contact\b",
        ),
        ("unacceptable_behaviour.equality_act_regard", r"equality act"),
        ("unacceptable_behaviour.restrictions_reviewed", r"restrictions?[^.]{0,80}\breview"),
        (
            "accompanied_at_meetings",
            r"\baccompan(?:y|ied)\b|\bbring (?:someone|somebody|a friend|a relative|a "
            r"supporter|an advocate)\b[^.]{0,40}\bwith you\b|"
            # "bring a friend or advocate to any meeting", "have someone with you at meetings"
            r"\bbring (?:someone|somebody|a friend|a relative|a family member|a supporter|an "
            r"advocate|a representative)\b[^.]{0,60}\b(?:to|at|along to) (?:any |the |a |our )?"
            r"meetings?\b|\bhave (?:someone|somebody|a friend|a relative|a supporter|an advocate|a "
            r"representative)\s+(?:with you|present|there)\b[^.]{0,30}\bmeetings?\b",
        ),
        (
            "remedies_guidance_considered",
            r"remed(?:ies|y) guidance|guidance on remed(?:ies|y)|"
            r"\b(?:in line with|follow\w*|consider\w*|take account of|taking account of|"
            r"have regard to|with regard to|refer\w* to)\s+(?:the\s+)?(?:housing\s+)?"
            r"ombudsman['\u2019]s\s+(?:\w+\s+){0,2}guidance\b|"
            # the Ombudsman's guidance named for remedies in other words: "when deciding
            # remedies we refer to guidance published by the Ombudsman", "we use the
            # Ombudsman's guidance when we decide how to put things right"
            r"(?:remed|compensat|put\w*\s+things\s+right|redress)[^.]{0,100}\bguidance\b[^.]{0,40}"
            r"\b(?:published|issued|produced)\s+by\s+(?:the\s+)?(?:housing\s+)?ombudsman|"
            r"\b(?:use|apply|follow|refer\s+to)\w*\s+(?:the\s+)?(?:housing\s+)?ombudsman['\u2019]s\s+"
            r"guidance\b[^.]{0,80}(?:remed|compensat|put\w*\s+things\s+right|redress)",
        ),
        (
            "update_frequency_agreed_when_late",
            r"agree (?:with you )?how (?:often|frequently)|(?:agree|set) (?:a |the )?"
            r"frequency of (?:updates|contact)",
        ),
        (
            "third_parties.handled_within_same_stages",
            r"(?:contractors?|third part(?:y|ies)|partners?|agents?)\b[^.]{0,100}\b(?:same|this|"
            r"our) (?:two[- ]stage )?(?:complaints )?(?:policy|process|procedure|stages)",
        ),
        (
            "survey_feedback_signposts_complaints",
            r"surveys?\b[^.]{0,100}(?:how to (?:make a )?complain|complaints? (?:process|policy))",
        ),
        (
            "offers_choice_to_complain",
            r"(?:choice|option|ask (?:you|residents?) (?:whether|if) (?:you|they) (?:want|wish))"
            r"[^.]{0,80}complain|\b(?:offer|give)\w*\s+(?:you|them|residents?|customers?|"
            r"tenants?)\s+the\s+(?:chance|opportunity|choice|option)\s+(?:to|of)\s+"
            r"(?:make|making|raise|raising|log|logging)?\s*(?:a\s+)?(?:formal\s+)?complain|"
            # the offer in other words (1.3): "we'll offer to log it as a complaint", "we
            # will ask them whether they would like it handled as a complaint", "we will
            # check with you whether you want us to register a complaint", "we will explain
            # that you can make a complaint"
            r"\boffer\w*\s+to\s+(?:log|record|register|raise|treat|take|handle|deal\s+with|open)"
            r"\b[^.]{0,40}\bcomplaint|"
            r"\b(?:ask|check)\w*\s+(?:with\s+)?(?:(?:you|them|him|her|the\s+(?:resident|tenant|"
            r"customer|person)|residents?|tenants?|customers?)\s+)?(?:whether|if)\s+(?:you|they|"
            r"he|she)\s+(?:would\s+(?:like|prefer)|wants?|wish(?:es)?)\b[^.]{0,60}\bcomplain|"
            r"\b(?:explain|tell|let)\w*\s+(?:you|them|residents?|customers?|tenants?)\s+"
            r"(?:know\s+)?(?:that\s+)?(?:you|they)\s+(?:can|may|could|have\s+the\s+right\s+to)\s+"
            r"(?:make|raise|log)\s+a\s+(?:formal\s+)?complaint",
        ),
        ("single_policy", r"\b(?:one|single) (?:complaints )?(?:policy|procedure)\b"),
        (
            "respond_when_answer_known",
            r"as soon as (?:we (?:know|have) (?:the )?answer|an answer is (?:known|available))|"
            r"\bnot when (?:every |all |any )?(?:the )?(?:follow-up |outstanding )?"
            r"(?:actions?|works?|repairs?)\b[^.;]{0,60}?\b(?:is|are|have been|has been) "
            r"(?:completed|complete|done|finished)|"
            # follow-on actions kept out of the response's time: the response does not wait
            r"\b(?:actions?|commitments?|works?|repairs?)\b[^.;]{0,80}?\b(?:fall|falls|sit|sits|"
            r"are|is|lie|lies)\s+outside\s+(?:of\s+)?(?:our\s+|the\s+)?(?:\w+\s+){0,2}"
            r"(?:response|reply)\s+(?:times?|timescales?|deadlines?)|"
            r"\bactions?\b[^.]{0,30}\b(?:(?:still|are|remain)\s+)?outstanding\b[^.]{0,80}\b"
            r"(?:updates?|keep you (?:informed|updated))|"
            # the reply not waiting for the work, in any words (6.6, 6.17): "we won't wait
            # until all the work is finished before we reply", "we'll send our response once
            # we have reached a decision, even if some actions are still to be completed"
            r"\b(?:won['\u2019]t|will\s+not|do\s+not|don['\u2019]t|never)\s+wait\s+(?:until|for)\b"
            r"[^.;]{0,60}\b(?:work|actions?|repairs?)\b[^.;]{0,60}\b(?:before|to)\s+(?:we\s+)?"
            r"(?:reply|respond|send)|\b(?:respon\w*|repl\w*)\s+(?:\w+\s+){0,4}?(?:once|when|as\s+soon\s+"
            r"as)\s+(?:we\s+(?:have\s+)?)?(?:reached|made|know|have)\s+(?:a|our|the)\s+(?:decision|answer)"
            r"[^.]{0,40}\b(?:even\s+if|although|though|while)\b[^.]{0,60}\b(?:actions?|work|repairs?)",
        ),
    )
    for path, pattern in simple:
        for s in _first(reader, all_s, pattern):
            match = re.search(pattern, s.text, re.I)
            before = s.text[: match.start()] if match else ""
            if re.search(r"\b(?:not|never)\s+(?:accept|allow|take)\b", s.text, re.I) and path in (
                "representatives_allowed",
                "social_media_complaints",
            ):
                reader.add(path, False, s)
            elif (
                _NEGATED_BEFORE.search(before)
                and not path.startswith("no_detriment")
                # "we will not refuse reasonable adjustments": a negated refusal says so
                and not re.search(
                    r"\b(?:refus|den(?:y|ie)|ignor|stop|withhold|prevent|turn\w* down)\w*\s+"
                    r"(?:\w+\s+){0,2}$",
                    before,
                    re.I,
                )
            ):
                reader.add(path, False, s)  # "you cannot be accompanied": says otherwise
            else:
                reader.add(path, True, s)
            break


_NEGATED_BEFORE = re.compile(
    r"\b(?:cannot|can't|will not|won't|do not|does not|are not|is not|may not|not be|never)"
    r"\s+(?:\w+\s+){0,2}$",
    re.I,
)


#: What a response letter states, by the words a policy uses for each item (the model's
#: names for the Code's list).
_CONTENTS = (
    (
        "stage",
        r"\bstage (?:the complaint|it|your complaint) (?:is|was) (?:at|considered)|"
        r"which stage|the complaint stage|the stage (?:of|reached)|"
        r"\bstage\s+(?:\w+\s+){0,3}?(?:has\s+)?reached",
    ),
    (
        "complaint_definition",
        r"(?:definition|summary) of (?:the|your) complaint|\bcomplaint (?:definition|summary)|"
        r"what (?:the|your) "
        r"complaint is about|the complaint as we (?:understand|have defined)|how we (?:defined|"
        r"understood) (?:it|the complaint|your complaint)",
    ),
    (
        "decision",
        r"\bdecision|\boutcome|\buph(?:eld|old)|\bfindings?\b|"
        r"\bwhat\s+we\s+(?:have\s+)?(?:decided|found)\b",
    ),
    ("reasons", r"\breasons?\b|\bwhy we\b|\band\s+why\b"),
    (
        "remedy",
        r"\bremed|put (?:things|it|matters) right|compensation|apolog|"
        r"\bsteps?\s+(?:(?:we|we'll|we\s+will|we\s+would)\s+)?(?:take|to take)\s+to\s+"
        r"(?:resolve|put|fix|settle)",
    ),
    (
        "outstanding_actions",
        r"outstanding|actions? (?:still )?to be (?:taken|completed)|"
        r"(?:remaining|further|follow[- ]on) actions?|"
        r"\bactions?\s+(?:\w+\s+){0,3}?(?:still|yet)\s+(?:need|to|have)\b",
    ),
    (
        "escalation_route",
        r"escalat|next stage|housing ombudsman|take (?:it|your complaint|the "
        r"matter) further",
    ),
)
_LETTER = re.compile(
    r"\b(?:response|reply|letter|decision)s?\s+(?:\w+\s+){0,2}(?:will|must|should|is to|shall)\s+"
    r"(?:also\s+)?(?:include|set out|tell you|explain|contain|cover|confirm|state|give)|"
    # "confirm the following in writing when stage one ends", "send you a letter to tell you"
    r"\b(?:confirm|set out|tell you|state|explain)\s+(?:the following|these points)\b[^.:]{0,30}"
    r"\bin writing|\b(?:send|give|write)\s+(?:you\s+)?(?:a|an|our|the)\s+(?:written\s+|full\s+)?"
    r"(?:letter|response|reply)\s+(?:to\s+)?(?:tell|explain|set|telling|explaining|setting)|"
    # what the reply says, named by when it comes: "when we respond, we'll tell you:"
    r"\b(?:when|once)\s+we\s+(?:respond|reply|answer|write\s+to\s+you)\b[,\s]*(?:we['\u2019]ll|"
    r"we\s+will)\s+(?:also\s+)?(?:tell\s+you|explain|set\s+out|include|confirm|let\s+you\s+know)",
    re.I,
)


def _read_response_contents(reader: _Reader, n: int, stage_sentences: list[_Sentence]) -> None:
    """The items the policy says a stage's response letter states, from a sentence about
    the letter and the list that may follow it."""
    blocks = reader.doc.blocks
    for s in stage_sentences:
        if not _LETTER.search(s.text):
            continue
        text = s.text
        if s.text.rstrip().endswith(":"):
            for later in blocks[s.block + 1 :]:
                if later.kind != "item":
                    break
                text += " " + later.text
        items = [name for name, pattern in _CONTENTS if re.search(pattern, text, re.I)]
        if len(items) < 2:
            continue  # a sentence that mentions the letter, not its contents
        missing = [name for name, _ in _CONTENTS if name not in items]
        note = (
            f"the letter's contents as listed leave out: {', '.join(missing)}" if missing else None
        )
        reader.add(f"stages[{n}].response_contents", items, s, note=note)
        return


#: A heading or lead-in about what the policy does not take as a complaint: a refusal to
#: accept, consider, investigate, cover or treat as a complaint ("will not normally
#: investigate", "does not apply to", "is not for", "a complaint is not:"), "exclusions",
#: matters outside the policy or dealt with under separate arrangements, or when the
#: landlord may refuse or decline one.
_EXCLUSION_HEADING = re.compile(
    r"\b(?:not|won['\u2019]t|cannot|can['\u2019]t|unable to|doesn['\u2019]t|don['\u2019]t|"
    r"isn['\u2019]t)"
    r"\s+(?:normally\s+|usually\s+|generally\s+|always\s+)?(?:be\s+)?(?:able\s+to\s+)?"
    r"(?:accept|consider|deal|investigat|handle|treat|cover|apply|class|regard|includ|progress|"
    r"log|look into|be (?:accepted|considered|investigated|dealt))|"
    r"\bnot to (?:accept|consider|investigate|deal with|progress|take on)\b|"
    r"exclu|outside (?:of )?(?:the )?(?:scope|remit)|"
    r"(?:outside|beyond) (?:of )?(?:this|the|our) (?:complaints? )?(?:policy|procedure|process)|"
    r"not covered|\bis not for\b|\bcomplaints? (?:is|are) not\s*:|"
    r"\bseparate (?:arrangements|policies|procedures|processes)\b|"
    r"\b(?:refuse|decline|reject)\w*\s+(?:to\s+(?:accept|consider|investigate)\s+)?"
    r"(?:a\s+|your\s+|the\s+)?complaints?|"
    r"\bnot (?:be )?(?:classed|classified|treated|regarded|considered|accepted|dealt with) as "
    r"(?:a )?complaints?",
    re.I,
)
#: A lead-in must be about complaints or matters: "We will not:" before a list of
#: promises is not a list of exclusions.
_ABOUT_MATTERS = re.compile(
    r"complain|matter|issue|polic|procedure|process|request|circumstance|exclu|the following|"
    r"things|cases|concern|subject|scope|remit",
    re.I,
)


def _exclusion_lead(blocks: list[Block], i: int) -> bool:
    """Whether block ``i`` introduces a list of exclusions: a heading (or a short untitled
    line) or a lead-in ending with a colon, or announcing "the following", about what is
    not taken as a complaint."""
    block = blocks[i]
    text = block.text.rstrip()
    short_line = block.kind == "paragraph" and len(text.split()) <= 10 and not text.endswith(".")
    lead = (
        block.kind == "heading"
        or short_line
        or text.endswith(":")
        or (
            bool(
                re.search(
                    r"\b(?:the following|these include|include:?)\s*\W*$|\bthe following\b",
                    text,
                    re.I,
                )
            )
            and i + 1 < len(blocks)
            and blocks[i + 1].kind == "item"
        )
    )
    if re.search(
        r"\b(?:you|residents?|customers?|tenants?)\s+(?:\w+\s+)?(?:not|cannot|can['\u2019]t|"
        r"won['\u2019]t|don['\u2019]t|doesn['\u2019]t|didn['\u2019]t)\b",
        text,
        re.I,
    ):
        return False  # "if you do not accept our decision": the resident's, not ours
    return lead and bool(_EXCLUSION_HEADING.search(text)) and bool(_ABOUT_MATTERS.search(text))


#: A sentence that refuses complaints on conditions it names: "we will not accept a
#: complaint if legal proceedings have started, or if ...", "we may decline to investigate
#: complaints about matters that ...". The Ombudsman's own rules and the order of the
#: stages ("not ... until") are not the landlord's grounds.
_REFUSED_WHEN = re.compile(
    r"\b(?:(?:will|may|might|would|can|could|do|does)\s+not|cannot|can['\u2019]t|won['\u2019]t|"
    r"unable\s+to)\s+(?:normally\s+|usually\s+|generally\s+|always\s+)?(?:be\s+able\s+to\s+)?"
    r"(?:accept|consider|investigate|deal\s+with|progress|look\s+into|take\s+on)\s+(?:a\s+|your\s+|"
    r"the\s+|any\s+)?complaints?\b|"
    r"\b(?:decline|refuse|reject)\w*\s+(?:to\s+(?:accept|consider|investigate)\s+)?(?:a\s+|your\s+|"
    r"the\s+|any\s+)?complaints?\b",
    re.I,
)
_CONDITION_START = re.compile(
    r"^[\s,]*(?:(?:if|where|when|that|which|about|relating\s+to|concerning|in\s+relation\s+to|"
    r"in\s+cases?\s+where|made|raised|submitted|brought)\b)",
    re.I,
)


def _read_grounds_in_a_sentence(reader: _Reader, all_s: list[_Sentence]) -> None:
    """Grounds for refusing a complaint written as a sentence, not a list: each
    condition the sentence names after the refusal ("if ..., if ... or if ...")."""
    for s in all_s:
        m = _REFUSED_WHEN.search(s.text)
        if not m or re.search(r"ombudsman|\buntil\b", s.text, re.I):
            continue
        clause = re.split(r"[,;:]|\bbut\b|\bhowever\b", s.text[: m.start()], flags=re.I)[-1]
        if re.search(r"\b(?:you|residents?|customers?|tenants?)\b", clause, re.I):
            continue  # "if you do not accept the complaint's outcome": the resident's
        # the conditions, without the reason given for them ("..., because we cannot reply")
        rest = re.split(
            r",?\s+(?:because|as|since|so that)\s+(?:we|it|they|this)\b", s.text[m.end() :]
        )[0]
        if not _CONDITION_START.match(rest):
            continue
        parts = re.split(r";|,\s*(?:or\s+|and\s+)?(?=(?:if|where|when)\b)|\bor\s+(?=if\b)", rest)
        grounds = [p.strip(" ,.") for p in parts if len(p.strip(" ,.").split()) >= 2]
        if grounds:
            reader.add("exclusions.grounds", grounds, s)
            return


def _read_exclusions(reader: _Reader, all_s: list[_Sentence]) -> None:
    """The circumstances in which a complaint is not accepted: the items of a list that
    follows a heading or a lead-in about what is not accepted (or, under such a heading
    with no list, its paragraphs)."""
    blocks = reader.doc.blocks
    for i, block in enumerate(blocks):
        if not _exclusion_lead(blocks, i):
            continue
        items: list[str] = []
        for later in blocks[i + 1 :]:
            if later.kind == "item":
                items.append(later.text)
            elif items or later.kind == "heading":
                break
            elif block.kind != "heading":
                break  # a lead-in's list follows it at once
        if (
            not items
            and block.kind == "heading"
            and not re.match(r"\s*(?:if|when|what happens)\b", block.text, re.I)
        ):
            # a heading's section written as paragraphs, each a circumstance
            for later in blocks[i + 1 :]:
                if later.kind == "heading" or len(items) >= 12:
                    break
                items.append(later.text)
        if items:
            s = _Sentence(block.text, i, None)
            reader.add("exclusions.grounds", items, s)
            break
    if "exclusions.grounds" not in reader.said:
        _read_grounds_in_a_sentence(reader, all_s)
    # each complaint weighed on its own: a negation counts only in the clause that says it
    merits = re.compile(
        r"\bon (?:its|their) (?:own )?merits?\b|own merits?\b|\beach (?:complaint|case|matter)\b"
        r"[^.;]{0,40}?\bon (?:its )?(?:own )?merits?\b|individual(?:ly)? (?:basis|circumstances)|"
        r"case[- ]by[- ]case|each (?:complaint|case|request) (?:individually|separately|on its own)"
        r"|\b(?:consider|look at|assess|review|judge)\w*\s+each (?:complaint|case|request)\b|"
        # "we look at every complaint individually", "the circumstances of each complaint",
        # "each complaint is looked at on its own facts"
        r"\b(?:each|every) (?:complaint|case|request)\b[^.;]{0,40}?\b(?:individually|separately|on "
        r"its own (?:facts|circumstances))\b|\b(?:look\w* at|consider\w*|assess\w*|review\w*|judg"
        r"\w*)\s+every (?:complaint|case|request) (?:individually|separately|on its own)|"
        r"\bcircumstances of (?:each|every|the individual) (?:complaint|case|request)\b",
        re.I,
    )
    for s in all_s:
        m = merits.search(s.text)
        if not m or re.search(r"compensat|payment|remed|award|goodwill|reimburs", s.text, re.I):
            continue  # weighing a remedy on its merits is not weighing a complaint's
        clause = re.split(r"[;,]|\bbut\b|\bhowever\b", s.text[: m.start()], flags=re.I)[-1]
        if not re.search(r"\b(?:not|never|no longer)\b|n['\u2019]t\b", clause, re.I):
            reader.add("exclusions.each_case_on_merits", True, s)
        break
    # a refusal explained, with the Ombudsman named for it, in its paragraph or the next
    refusal = re.compile(
        r"(?:decide|decline|refuse|unable|choose)\w*\s+(?:not\s+)?to\s+(?:accept|consider|"
        r"investigate|take|log|progress)|(?:refus|declin|reject)\w*\s+(?:a|your|the|to accept "
        r"(?:a|your|the))\s+complaint|not (?:able to )?(?:accept|consider|investigate)(?:ing)?\s+"
        r"(?:a|your|the|this)\s+(?:complaint|matter)|(?:complaint|matter) (?:is|was|has been) not "
        r"(?:accepted|considered|taken)|\bif we (?:do not|don['\u2019]t|cannot|can['\u2019]t|"
        r"won['\u2019]t|will not) (?:accept|consider|investigate|take)",
        re.I,
    )
    for k, s in enumerate(all_s):
        if not refusal.search(s.text):
            continue
        # the refusal's sentence and the two after it (a long paragraph says more)
        around = " ".join(x.text for x in all_s[k : k + 3])
        if re.search(r"explain|reasons?|\bwhy\b", around, re.I) and re.search(
            r"ombudsman", around, re.I
        ):
            reader.add("exclusions.refusal_explained_with_ombudsman_right", True, s)
            break


#: A service request, or a request for a service ("a first-time request for service",
#: "a repair request"), named in a sentence.
_SERVICE_REQUEST = r"(?:service|repair)\s+requests?|requests?\s+for\s+(?:a\s+)?(?:service|repair)s?"
#: The policy tells a service request apart from a complaint: it defines one, says it is
#: not a complaint, or names the difference.
_DISTINGUISHED = re.compile(
    r"\bservice requests?\s+(?:is|are|means|may\s+be\s+defined|can\s+be\s+defined|is\s+defined)\b"
    r"|\bdefine[sd]?\s+(?:a\s+)?service\s+requests?\b|"
    r"\b(?:difference|distinguish\w*|distinction|differ\w*)\b[^.]{0,80}\bservice\s+requests?\b|"
    rf"\b(?:{_SERVICE_REQUEST})\b[^.]{{0,80}}\b(?:not|n['\u2019]t)\b[^.]{{0,40}}\bcomplaints?\b|"
    # "a service request rather than a complaint", "a request for us to fix something is
    # not a complaint", "reporting a repair for the first time is not a complaint"
    rf"\b(?:{_SERVICE_REQUEST})\b[^.]{{0,40}}\b(?:rather\s+than|instead\s+of|as\s+opposed\s+to)\s+"
    r"(?:as\s+)?(?:a\s+)?(?:formal\s+)?complaints?\b|"
    r"\b(?:requests?|reports?|reporting)\s+(?:for|to|that|asking|of|an?)\b(?![^.]{0,80}\b(?:review|"
    r"escalat|stage|compensation|information)\b)(?=[^.]{0,80}\b(?:do|fix|repair|provide|carry\s+"
    r"out|sort|action|something|mend|deliver)\b)[^.]{0,80}\b(?:is|are)\s+not\s+(?:treated\s+as\s+)?"
    r"(?:a\s+)?(?:formal\s+)?complaints?\b|"
    r"\b(?:manage|treat|handle|deal with|log|record|raise)\w*\s+(?:this|it|them|these)\s+as\s+"
    r"(?:a\s+)?service\s+requests?\b|"
    r"^\W*service\s+requests?\W{0,3}\s*[:\u2013\u2014-]\s*(?:\w+\s+){0,2}?(?:an?\s+|any\s+)?"
    r"request",
    re.I,
)
_NOT_DISTINGUISHED = re.compile(
    r"\b(?:do|does|will)\s+not\s+(?:distinguish|differentiate)|\bno\s+(?:difference|distinction)"
    r"\s+between\b",
    re.I,
)
#: What the Code asks of service requests, each in the words policies use for it.
_SR_DUTIES = (
    r"\brecord(?!\w*\s+(?:or\s+\w+\s+)?as\s+(?:a\s+)?complaint)|\blog(?:s|ged|ging)?\b"
    r"(?!\s+(?:or\s+\w+\s+)?as\s+(?:a\s+)?complaint)",
    r"\bmonitor|\btrack|\boversee|\bkeep\s+an\s+eye\b",
    r"\breview|\banaly[sz]|\bscrutin|\bexamin|\bassess",
)
#: A complaint may be made while the service request is still open: "even if the request is
#: ongoing", "while a repair request is still in progress", "you don't have to wait for the
#: repair to be finished", or dissatisfaction with the ongoing handling of a request.
_WHILE_OPEN = re.compile(
    r"\b(?:even|including)\s+(?:if|where|when|though|while|whilst)\b[^.]{0,100}?\b(?:ongoing|open|"
    r"in progress|still|outstanding|unresolved|not\s+(?:yet\s+)?(?:been\s+)?(?:complete|"
    r"completed|finished|closed|resolved))|"
    r"\b(?:while|whilst)\s+(?:a|the|your|their)\s+(?:service\s+|repair\s+)?request\s+(?:is|remains)"
    r"\s+(?:still\s+)?(?:open|ongoing|in progress|outstanding|being)|"
    r"\b(?:do\s+not|don['\u2019]t|does\s+not|doesn['\u2019]t|will\s+not|won['\u2019]t|need\s+not|"
    r"needn['\u2019]t)\s+(?:need\s+to\s+|have\s+to\s+)?wait\b[^.]{0,100}?\b(?:complet|finish|close|"
    r"resolv|done|end)|"
    r"\bdissatisf\w*\b[^.]{0,80}\b(?:ongoing\s+)?handling\s+of\s+(?:a|the|your|their)\s+"
    r"(?:service|repair)\s+request",
    re.I,
)
#: A complaint refused until the request is closed: says otherwise.
_NOT_WHILE_OPEN = re.compile(
    r"\b(?:will\s+not|won['\u2019]t|cannot|can['\u2019]t|do\s+not|don['\u2019]t)\s+(?:be\s+able\s+"
    r"to\s+)?(?:accept|log|raise|consider|take|register|treat)\b[^.]{0,80}\bcomplaints?\b[^.]{0,80}"
    r"\b(?:until|while|whilst|before)\b|\bmust\s+wait\s+(?:until|for)\b[^.]{0,80}\b(?:complet|"
    r"finish|close|resolv)",
    re.I,
)


def _read_service_requests(reader: _Reader, all_s: list[_Sentence]) -> None:
    """Service requests: told apart from complaints (1.4), recorded, monitored and
    reviewed (1.4; a sentence that says only part of it says otherwise), and a complaint
    possible while one is open (1.5; a negation is read only where it plainly refuses
    that, as "we will not log a complaint until the repair is done")."""
    for s in all_s:
        if _NOT_DISTINGUISHED.search(s.text) and re.search(_SERVICE_REQUEST, s.text, re.I):
            reader.add("service_requests.distinguished_from_complaints", False, s)
            break
        if _DISTINGUISHED.search(s.text):
            reader.add("service_requests.distinguished_from_complaints", True, s)
            break
    partial: tuple[_Sentence, list[bool]] | None = None
    for s in all_s:
        if not re.search(_SERVICE_REQUEST, s.text, re.I):
            continue
        said = [bool(re.search(rx, s.text, re.I)) for rx in _SR_DUTIES]
        denied = re.search(
            r"\b(?:not|never)\s+(?:\w+\s+){0,2}?(?:record|log|monitor|track|review)|"
            r"n['\u2019]t\s+(?:\w+\s+){0,2}?(?:record|log|monitor|track|review)",
            s.text,
            re.I,
        )
        if all(said) and denied:
            partial = partial or (s, [False, False, False])
            break
        if all(said):
            reader.add("service_requests.recorded_monitored_reviewed", True, s)
            break
        # only part of the duty, stated as one ("service requests are logged and
        # tracked"), not a mention ("a repair that has not been logged")
        if (
            any(said)
            and partial is None
            and re.search(
                r"\b(?:are|is|be|been|we|and|will)\s+(?:\w+\s+){0,2}?(?:record|log|monitor|track)",
                s.text,
                re.I,
            )
            and not re.search(r"\b(?:not|never)\b|n['\u2019]t\b", s.text, re.I)
        ):
            partial = (s, said)
    if partial is not None:
        s, said = partial
        missing = [
            w for w, ok in zip(("recorded", "monitored", "reviewed"), said, strict=True) if not ok
        ]
        reader.add(
            "service_requests.recorded_monitored_reviewed",
            False,
            s,
            note="service requests are not said to be " + " or ".join(missing) + " (only part "
            "of it)",
        )
    for s in all_s:
        if not re.search(_SERVICE_REQUEST, s.text, re.I) or not re.search(
            r"complain", s.text, re.I
        ):
            continue
        refused = re.search(
            r"\b(?:cannot|can['\u2019]t|will\s+not|won['\u2019]t|do\s+not|don['\u2019]t|unable\s+to|"
            r"not\s+able\s+to)\s+(?:\w+\s+){0,2}?(?:raise|log|accept|make|consider|take|register|"
            r"treat|open)\b[^.]{0,40}\bcomplaints?\b",
            s.text,
            re.I,
        )
        if _NOT_WHILE_OPEN.search(s.text) or (refused and _WHILE_OPEN.search(s.text)):
            reader.add("service_requests.complaint_while_request_open", False, s)
            break
        if _WHILE_OPEN.search(s.text):
            reader.add("service_requests.complaint_while_request_open", True, s)
            break


def _read_escalation_period(reader: _Reader, all_s: list[_Sentence]) -> None:
    for s in all_s:
        if not re.search(r"escalat|review|stage (?:2|two)", s.text, re.I):
            continue
        for p in periods(s.text):
            before = s.text[max(0, p.start - 120) : p.start]
            if _escalation_window(s.text, before, s.text[p.end :]):
                reader.add("escalation_request_timescale", p.written, s)
                return


_LINK = re.compile(r"https?://[^\s)>\]]+|\bwww\.[^\s)>\]]+|\b[\w-]+\.(?:pdf|docx)\b", re.I)


def _read_governance(reader: _Reader, all_s: list[_Sentence]) -> None:
    """Roles the policy names (kept as notes for the reviewer: they are the organisation
    file's facts) and the documents it links to for part of its subject, by title and link."""
    found = (
        (
            "member_responsible_for_complaints",
            r"member responsible for complaints|\bMRC\b|member (?:with (?:lead )?"
            r"responsibility|responsible) for (?:the )?complaints|lead (?:board )?member for "
            r"complaints|board member (?:with responsibility )?for complaints",
        ),
        (
            "complaints_officer",
            r"complaints? (?:officer|lead|manager|resolution manager|co-?ordinator|team leader)|"
            r"head of complaints|"
            r"complaints and (?:customer )?(?:feedback|resolution) (?:manager|lead)",
        ),
        ("annual_report", r"annual (?:complaints )?(?:performance )?report|self-assessment"),
    )
    for name, pattern in found:
        for s in _first(reader, all_s, pattern):
            reader.add(
                f"notes.{name}", True, s, note=f"the policy names its {name.replace('_', ' ')}"
            )
            break
    linked = (
        ("compensation", r"compensation (?:and \w+ )?(?:payments? )?(?:policy|procedure|guidance)"),
        (
            "unacceptable_behaviour",
            r"(?:unacceptable|unreasonable) (?:behaviour|conduct) (?:policy|procedure)",
        ),
        ("reasonable_adjustments", r"reasonable adjustments? (?:policy|procedure)"),
    )
    documents: list[dict[str, str]] = []
    first: _Sentence | None = None
    for kind, pattern in linked:
        for s in _first(reader, all_s, pattern):
            m = re.search(pattern, s.text, re.I)
            assert m is not None
            title = m.group(0)
            document = {"kind": kind, "title": title[0].upper() + title[1:]}
            link = _LINK.search(s.text[m.end() : m.end() + 200])
            if link:
                document["link"] = link.group(0).rstrip(".,;")
            documents.append(document)
            first = first or s
            break
    if documents and first is not None:
        reader.add(
            "linked_documents",
            documents,
            first,
            note="the documents the policy relies on: "
            + "; ".join(d["title"] + (f" ({d['link']})" if "link" in d else "") for d in documents),
        )


#: The policy said to be on the landlord's website ("this policy is published on our
#: website at ...", "you can read our complaints policy online").
_ON_THE_WEBSITE = re.compile(
    r"\b(?:publish\w*|available|find|found|view|viewed|download\w*|read)\b[^.]{0,80}\b(?:website|"
    r"online|web\s*site|web\s*page)\b",
    re.I,
)
_THIS_POLICY = re.compile(
    r"\b(?:this|our|the)\s+(?:complaints?\s+)?(?:policy|procedure)\b|\bthis\s+document\b", re.I
)
#: The policy offered in accessible forms: other formats, large print, braille, easy read,
#: other languages.
_ACCESSIBLE_FORMAT = re.compile(
    r"\b(?:other|alternative|different|accessible)\s+formats?\b|\blarge\s+print\b|\bbraille\b|"
    r"\beasy[- ]read\b|\b(?:other|different)\s+languages?\b|\baudio\s+(?:version|format)",
    re.I,
)
#: How the landlord makes the policy known: it publicises or promotes it.
_PUBLICISED = re.compile(
    r"\b(?:publicis|publiciz|promot|advertis|raise\s+awareness|make\s+(?:\w+\s+)?aware)\w*",
    re.I,
)
#: The landlord publicises the Ombudsman and the Code with it: a verb of publicising with
#: "we" before it and the Ombudsman after it, the Code named in the same sentence.
_PUBLICISES_OMBUDSMAN = re.compile(
    r"\bwe\b[^.]{0,40}\b(?:publish|publicis|publiciz|promot|display|provide|include|share|"
    r"advertis)\w*\b[^.]{0,120}\bombudsman",
    re.I,
)


def _read_unread_stages(
    reader: _Reader, all_s: list[_Sentence], by_stage: dict[int, list[_Sentence]]
) -> None:
    """Sentences that time how complaints are acknowledged or answered but belong to no
    stage the reader found, where a stage is missing: no stage 1 (or none at all), or no
    stage 2 where the sentence speaks of a review or escalating. They go to
    ``stages_unread``, so that the stage provisions report stages that could not be read
    (needs evidence, citing them) rather than a policy silent on its stages."""
    missing_first = 1 not in reader.stage_names
    if not missing_first and 2 in reader.stage_names:
        return
    attributed = {id(s) for group in by_stage.values() for s in group}
    found: list[_Sentence] = []
    for s in all_s:
        if id(s) in attributed or not periods(s.text):
            continue
        if not (_ACK.search(s.text) or _RESPOND.search(s.text)):
            continue
        if not missing_first and not _LATER_STEP.search(s.text):
            continue
        scratch = _Reader(reader.doc)
        _read_timescales(scratch, 1, [s])
        if any(re.search(r"\.(?:acknowledge|respond)_", f.path) for f in scratch.facts):
            found.append(s)
    if found:
        reader.add(
            "stages_unread",
            [f"{reader.doc.place(s.block)}: '{s.text}'" for s in found],
            found[0],
            note="the document times complaints, but which stage each timescale belongs to "
            "could not be read",
        )


#: An extension said of every timescale, not one stage's: "if we cannot meet the above
#: timescales", "any of our deadlines", "at either stage".
_EVERY_TIMESCALE = re.compile(
    r"\b(?:the\s+above|all\s+(?:of\s+)?(?:our|the|these)|any\s+of\s+(?:our|the|these))\s+"
    r"(?:\w+\s+)?(?:timescales|deadlines|time\s*limits|targets|time-?frames)\b|"
    r"\b(?:at\s+)?(?:any|either|each|every|both)\s+(?:of\s+the\s+)?stages?\b",
    re.I,
)


def _read_publication(reader: _Reader, all_s: list[_Sentence]) -> None:
    """Where the policy is published, in what forms, how it is publicised and whether the
    Ombudsman and the Code are publicised with it (3.4, 3.5). A sentence about the
    Ombudsman publishing its Code, or about the landlord's self-assessment or annual
    report, is not the landlord publicising them."""
    for s in all_s:
        if _ON_THE_WEBSITE.search(s.text) and _THIS_POLICY.search(s.text):
            link = re.search(r"https?://[^\s)>\]]+|\bwww\.[^\s)>\]]+", s.text, re.I)
            if link and not re.search(r"ombudsman", link.group(0), re.I):
                url = link.group(0).rstrip(".,;")
                reader.add("publication.url", url if "://" in url else f"https://{url}", s)
                break
    for s in all_s:
        if (
            _ACCESSIBLE_FORMAT.search(s.text)
            and re.search(
                r"polic|procedure|document|information|leaflet|cop(?:y|ies)|\bit\b", s.text, re.I
            )
            and not re.search(r"\b(?:not|never|cannot)\b|n['\u2019]t\b", s.text, re.I)
        ):
            reader.add("publication.accessible_format", True, s)
            break
    for s in all_s:
        if (
            _PUBLICISED.search(s.text)
            and re.search(
                r"polic|procedure|complaints?\s+(?:process|service)|how\s+to\s+(?:make\s+a\s+)?complain",
                s.text,
                re.I,
            )
            and not re.search(r"\b(?:not|never)\b|n['\u2019]t\b", s.text, re.I)
        ):
            reader.add("publication.how_publicised", s.text, s, hedged=bool(_HEDGE.search(s.text)))
            break
    for s in all_s:
        m = _PUBLICISES_OMBUDSMAN.search(s.text)
        if (
            m
            and re.search(r"\bcode\b", s.text[m.start() :], re.I)
            and not re.search(
                r"self[- ]assessment|annual\s+report|\b(?:not|never)\b|n['\u2019]t\b", s.text, re.I
            )
        ):
            reader.add("publication.publicises_ombudsman_and_code", True, s)
            break


def _read_shared_extensions(
    reader: _Reader, all_s: list[_Sentence], by_stage: dict[int, list[_Sentence]]
) -> None:
    """An extension said of every timescale ("a holding letter if we cannot meet the above
    timescales"), in a stage's section or list item or outside any stage, is each stage's
    that says nothing of extensions itself."""
    stageless = [s for s in all_s if s.stage is None and not _stage_numbers(s.text)]
    for n, group in [*sorted(by_stage.items()), (None, stageless)]:
        for s in group:
            if periods(s.text) or _extension_at(s.text) is None:
                continue
            if not _EVERY_TIMESCALE.search(s.text):
                continue
            for m in sorted(by_stage):
                if m < 1 or m == n:
                    continue
                if any(p.startswith(f"stages[{m}].extension.") for p in reader.said):
                    continue
                _read_timescales(reader, m, [s])


#: The facts the reader looks for; those it does not find are reported as silent.
LOOKED_FOR = (
    "complaint_definition",
    "uses_ombudsman_definition",
    "service_requests.distinguished_from_complaints",
    "exclusions.time_limit_months",
    "exclusions.time_limit_from_awareness",
    "exclusions.grounds",
    "service_requests.recorded_monitored_reviewed",
    "escalation_request_timescale",
    "channels",
    "reasonable_adjustments",
    "ombudsman_right_explained",
    "remedies_at_any_stage",
    "unacceptable_behaviour.exists",
)
_PER_STAGE = (
    "acknowledge_working_days",
    "respond_working_days",
    "respond_from",
    "extension.max_working_days",
)


def extract_policy(document: PolicyText) -> Extraction:
    """Read the facts of a policy document (see the module's docstring)."""
    reader = _Reader(document)
    all_s = _sentences(reader)
    by_stage = _read_stages(reader, all_s)
    for n in sorted(by_stage):
        _read_timescales(reader, n, by_stage[n])
        _read_stage_terms(reader, n, by_stage[n])
        _read_response_contents(reader, n, by_stage[n])
    _read_timescales_per_named_stage(reader, all_s)
    _read_general_timescales(reader, all_s)
    _read_shared_extensions(reader, all_s, by_stage)
    _read_unread_stages(reader, all_s, by_stage)
    _read_logged_after(reader, all_s)
    _read_withheld_elsewhere(reader, all_s)
    _read_different_handler_elsewhere(reader, all_s)
    _read_escalation_reasons(reader, all_s)
    _read_general_acknowledgement(reader, all_s)
    _read_definitions(reader, all_s)
    _read_time_limit(reader, all_s)
    _read_ombudsman(reader, all_s)
    _read_access(reader, all_s)
    _read_exclusions(reader, all_s)
    _read_service_requests(reader, all_s)
    _read_escalation_period(reader, all_s)
    _read_governance(reader, all_s)
    _read_publication(reader, all_s)
    silent = [p for p in LOOKED_FOR if p not in reader.said]
    if not by_stage:
        silent.append("stages")
    for n in sorted(by_stage):
        said = set(reader.said)
        for what in ("acknowledge", "respond"):
            if f"stages[{n}].{what}_within" in said:
                said.add(f"stages[{n}].{what}_working_days")
        silent += [f"stages[{n}].{k}" for k in _PER_STAGE if f"stages[{n}].{k}" not in said]
    for path in silent:
        reader.facts.append(Fact(path, None, State.SILENT))
    return Extraction(document, reader.facts)
