"""Section 2: when a complaint may be refused, and how a refusal is made.

Worked dates used by the examples: a complaint received Wed 2024-05-01 about an issue that
occurred on 2023-05-01 is in time (the 12 months from 2023-05-01 end on 2024-05-01, and
that last day counts); one about an issue of 2023-04-30 is out of time (its last day was
2024-04-30).
"""

from __future__ import annotations

from typing import Any

from complaintrules import Complaint, LandlordPolicy
from complaintrules.authoring import (
    CaseCheck,
    CaseFact,
    Context,
    Outcome,
    Subject,
    Verdict,
    applies_if,
    attestation_example,
    case_field,
    each_fact,
    example,
    failed,
    item,
    lit,
    needs_evidence,
    param,
    passed,
    policy_says,
    refusals_explained,
    when,
)

from ._common import rule

_GROUNDS = [
    "the issue occurred, or the resident became aware of it, more than 12 months ago",
    "legal proceedings have started (a claim has been filed at court)",
    "the matter has already been considered under this policy",
]


def _case(*refusals: dict[str, Any], **facts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "EX-2",
        "received_on": "2024-05-01",
        "stages": [{"number": 1}],
        "refusals": list(refusals),
    }
    data.update(facts)
    return data


def _refusal(ground: str, **facts: Any) -> dict[str, Any]:
    return {"on": "2024-05-03", "ground": ground, **facts}


def _stage1_refusals(case: Complaint) -> list[tuple[int, Any]]:
    return [(i, r) for i, r in enumerate(case.refusals) if r.stage == 1]


def _if_refused(check: CaseCheck) -> CaseCheck:
    """``check`` judges stage 1 refusals; a complaint not refused is not applicable."""
    return applies_if(CaseFact.STAGE1_REFUSAL, check, otherwise="the complaint was not refused")


# -- 2.1 ---------------------------------------------------------------------------------


_REFUSALS = case_field("refusals")
_AT_STAGE1 = item("stage").eq(1)
_NO_DETAIL = ~item("detail").present()
_refusal_reasoned = (
    when(
        _REFUSALS.any(_AT_STAGE1 & item("ground").eq("other") & _NO_DETAIL),
        Verdict.FAIL,
        "{bare} refused the complaint on an unnamed 'other' ground with no "
        "reasoning recorded (detail is empty)",
    )
    .when(
        _REFUSALS.any(_AT_STAGE1 & _NO_DETAIL),
        Verdict.NEEDS_EVIDENCE,
        "{unreasoned} names a ground but no reasoning; set detail to the "
        "reasoning on file that shows why the complaint was not accepted",
    )
    .otherwise(
        Verdict.PASS,
        "each refusal records its ground and reasoning: {reasons}",
        values={
            "bare": _REFUSALS.each(
                "refusals[{index}]", where=_AT_STAGE1 & item("ground").eq("other") & _NO_DETAIL
            ),
            "unreasoned": _REFUSALS.each("refusals[{index}]", where=_AT_STAGE1 & _NO_DETAIL),
            "reasons": _REFUSALS.each(
                "{ground}: {detail}",
                where=_AT_STAGE1,
                sep="; ",
                ground=item("ground"),
                detail=item("detail"),
            ),
        },
        each_facts=[
            each_fact(
                _REFUSALS,
                "refusals[{index}]",
                {"ground": item("ground"), "detail": item("detail")},
                where=_AT_STAGE1,
            )
        ],
    )
)


def _merits_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    return policy_says(
        policy.exclusions.each_case_on_merits if policy.exclusions else None,
        "exclusions.each_case_on_merits",
        yes="each complaint is considered on its own merits before any refusal",
        no="the policy refuses complaints without considering each on its merits",
    )


# 2.1: take every complaint unless there is a valid reason not to, evidence any refusal,
# and judge each complaint on its own merits.
CHC24_2_1 = rule(
    "2.1",
    "Complaints accepted unless there is a valid reason",
    summary=(
        "Every complaint is taken on unless there is a sound reason not to; a refusal's "
        "reasoning can be shown, and each complaint is weighed on its own facts."
    ),
    explanation="""
        Case: each stage 1 refusal must record its reasoning (detail). A refusal on the
        'other' ground with no detail fails; a named ground with no detail needs
        evidence. Whether the ground itself is fair is judged under 2.2 and 2.3.
        Policy: exclusions.each_case_on_merits must be true.
    """,
    case=_if_refused(_refusal_reasoned),
    policy=_merits_policy,
    examples=[
        example(
            Subject.CASE,
            Verdict.FAIL,
            "refused on an unnamed ground with no reasoning",
            **_case(_refusal("other")),
        ),
        example(
            Subject.CASE,
            Verdict.PASS,
            "refused with the reasoning on file",
            **_case(
                _refusal(
                    "already_considered",
                    detail="The same leak was answered at stage 2 under EX-1 in June 2024.",
                )
            ),
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "the policy does not weigh each case",
            exclusions={"each_case_on_merits": False},
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "each complaint weighed on its own facts",
            exclusions={"each_case_on_merits": True},
        ),
    ],
)

# -- 2.2 ---------------------------------------------------------------------------------


def _exclusions_listed(policy: LandlordPolicy, ctx: Context) -> Outcome:
    months: int = ctx.param("exclusions.time_limit_months")
    ex = policy.exclusions
    if ex is None or ex.grounds is None:
        return needs_evidence(
            "the policy does not set out when a complaint is not accepted or escalated; set "
            "exclusions.grounds"
        )
    facts = {
        "policy.exclusions.grounds": ex.grounds,
        "policy.exclusions.time_limit_months": ex.time_limit_months,
    }
    if not ex.grounds:
        return failed(
            "exclusions.grounds is empty: the policy sets out no circumstances in which a "
            "complaint is not accepted",
            facts=facts,
        )
    if ex.time_limit_months is not None and ex.time_limit_months < months:
        return failed(
            f"the policy turns away complaints after {ex.time_limit_months} months; the Code's "
            f"fair time limit is {months} months",
            facts=facts,
        )
    return passed(
        f"the policy sets out {len(ex.grounds)} circumstance(s) in which a complaint is not "
        "accepted"
        + (
            f", with a time limit of {ex.time_limit_months} months (Code: at least {months})"
            if ex.time_limit_months is not None
            else ""
        ),
        facts=facts,
    )


_LEGAL = _AT_STAGE1 & item("ground").eq("legal_proceedings")
_EARLIER = _AT_STAGE1 & item("ground").eq("already_considered")
_FILED, _ON, _PREVIOUS = item("claim_filed_on"), item("on"), item("previous_reference")
_FILED_LATE = _LEGAL & _FILED.gt(_ON)
_NOT_FILED = _LEGAL & _FILED.is_null()
# the earlier complaint named is this one (the case's own reference, read beside the item)
_ITSELF = (
    _EARLIER & _PREVIOUS.present() & _PREVIOUS.casefold().eq(case_field("reference").casefold())
)
_NOT_NAMED = _EARLIER & ~_PREVIOUS.present()
_grounds_evidenced = (
    when(
        ~_REFUSALS.any(_LEGAL | _EARLIER),
        Verdict.NOT_APPLICABLE,
        "refused on {grounds}: the time limit is judged under 2.3 and other grounds under 2.1",
        evidence=False,
    )
    .when(
        _REFUSALS.any(_FILED_LATE | _ITSELF),
        Verdict.FAIL,
        "{problems}",
    )
    .when(_REFUSALS.any(_NOT_FILED | _NOT_NAMED), Verdict.NEEDS_EVIDENCE, "{unknown}")
    .otherwise(
        Verdict.PASS,
        "each refusal on legal proceedings or an earlier complaint is backed by the record: "
        "{backed}",
        values={
            "grounds": _REFUSALS.filter(_AT_STAGE1)
            .map(item("ground"))
            .distinct()
            .each("{ground}", ground=item()),
            "problems": _REFUSALS.each_of(
                (
                    _FILED_LATE,
                    "refusals[{index}] refused on legal proceedings on {on}, but the claim "
                    "was filed at court only on {filed}; proceedings had not started when "
                    "the complaint was refused",
                ),
                (
                    _ITSELF,
                    "refusals[{index}] says the matter was already considered under {ref}, "
                    "which is this complaint itself",
                ),
                on=_ON.iso(),
                filed=_FILED.iso(),
                ref=_PREVIOUS,
            ),
            "unknown": _REFUSALS.each_of(
                (
                    _NOT_FILED,
                    "refusals[{index}] (legal proceedings): set claim_filed_on, the date the "
                    "claim was filed at court",
                ),
                (
                    _NOT_NAMED,
                    "refusals[{index}] (already considered): set previous_reference, the "
                    "complaint that considered the matter",
                ),
                on=_ON.iso(),
                filed=_FILED.iso(),
                ref=_PREVIOUS,
            ),
            "backed": _REFUSALS.each_of(
                (_LEGAL, "claim filed {filed}"),
                (_EARLIER, "considered under {ref}"),
                on=_ON.iso(),
                filed=_FILED.iso(),
                ref=_PREVIOUS,
            ),
        },
        each_facts=[
            each_fact(
                _REFUSALS,
                "refusals[{index}].{name}",
                {"claim_filed_on": _FILED.iso(), "on": _ON.iso()},
                where=_LEGAL,
            ),
            each_fact(
                _REFUSALS,
                "refusals[{index}].{name}",
                {"previous_reference": _PREVIOUS},
                where=_EARLIER,
            ),
        ],
    )
)


# 2.2: the policy lists, fairly, when a matter is not accepted or escalated (matters over
# 12 months old, legal proceedings begun, matters already considered).
CHC24_2_2 = rule(
    "2.2",
    "Fair, published grounds for not accepting a complaint",
    summary=(
        "The policy says when a matter will not be taken on as a complaint or escalated, "
        "and those grounds are fair to residents. The Code's own examples: an issue more "
        "than 12 months old, court proceedings already begun, or a matter already dealt "
        "with under the policy."
    ),
    explanation="""
        Policy: exclusions.grounds must list at least one circumstance, and a time limit
        (exclusions.time_limit_months) shorter than the Code's (12 months) fails. That the
        grounds are fair and reasonable is for an attestation for 2.2.
        Case: a stage 1 refusal on legal_proceedings must record claim_filed_on, on or
        before the refusal (proceedings begin when the claim is filed at court); one on
        already_considered must name the earlier complaint (previous_reference), which
        cannot be this one. Refusals on other grounds are judged under 2.1 and 2.3.
    """,
    policy=_exclusions_listed,
    case=_if_refused(_grounds_evidenced),
    attestation=(
        "a review of each exclusion ground in the policy showing it is fair and reasonable "
        "to residents (for example by the complaints officer or a residents' panel)"
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "a 6-month time limit",
            exclusions={"grounds": _GROUNDS, "time_limit_months": 6},
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "the Code's grounds and a 12-month limit",
            exclusions={"grounds": _GROUNDS, "time_limit_months": 12},
        ),
        example(
            Subject.CASE,
            Verdict.FAIL,
            "refused for legal proceedings before any claim was filed",
            **_case(_refusal("legal_proceedings", claim_filed_on="2024-06-14")),
        ),
        example(
            Subject.CASE,
            Verdict.PASS,
            "refused after the claim was filed at court",
            **_case(_refusal("legal_proceedings", claim_filed_on="2024-03-11")),
        ),
        attestation_example(
            "2.2",
            True,
            "The residents' panel reviewed each exclusion ground and found it fair.",
            "Residents' panel minutes, March 2024",
            on="2024-04-15",
            by="Complaints Resolution Manager",
        ),
        attestation_example(
            "2.2",
            False,
            "The review found one ground turns away complaints about any contractor.",
            "Exclusions review, March 2024",
            on="2024-04-15",
            by="Complaints Resolution Manager",
        ),
    ],
)

# -- 2.3 ---------------------------------------------------------------------------------


_MONTHS = param("exclusions.time_limit_months")
_OUT_OF_TIME = _AT_STAGE1 & item("ground").eq("out_of_time")
_DISCRETION = item("discretion_considered")
_ISSUE, _AWARE = case_field("issue_occurred_on"), case_field("became_aware_on")
_RECEIVED = case_field("received_on")
_FROM_ISSUE = _ISSUE.months_after(_MONTHS)
# the window runs from the later of the issue and the resident becoming aware of it
_START = _ISSUE.greatest(_AWARE)
_LAST = _START.months_after(_MONTHS)
_DATES = ("issue_occurred_on", "received_on", "became_aware_on")
_WINDOW = ("time_limit_months", "window_from", "last_day_in_time")
_CONSIDERED = (*_DATES, "refusals.discretion_considered")
_in_time_accepted = (
    when(
        ~_REFUSALS.any(_AT_STAGE1),
        Verdict.PASS,
        "the complaint was accepted (no refusal at stage 1 is recorded)",
        facts=("refusals",),
        computed=False,
    )
    .when(
        ~_REFUSALS.any(_OUT_OF_TIME),
        Verdict.NOT_APPLICABLE,
        "the complaint was not refused as out of time",
        evidence=False,
    )
    # out of time counted from the issue; awareness may have come later and reopen it
    .when(
        _ISSUE.not_null()
        & _AWARE.is_null()
        & _RECEIVED.gt(_FROM_ISSUE)
        & ~_REFUSALS.any(_OUT_OF_TIME & _DISCRETION.is_false()),
        Verdict.NEEDS_EVIDENCE,
        "received on {received}, after {from_issue} ({months} months from the issue on "
        "{issue}), but the case does not say when the resident became aware of the issue, "
        "which may restart the time limit; set became_aware_on (the issue date if they knew "
        "at once)",
        facts=("issue_occurred_on", "became_aware_on", "received_on"),
        computed=("time_limit_months", "last_day_in_time_from_issue"),
    )
    .when(
        _ISSUE.is_null() & _AWARE.is_null(),
        Verdict.NEEDS_EVIDENCE,
        "refused as out of time, but the case does not say when the issue arose; set "
        "issue_occurred_on or became_aware_on",
        facts=_DATES,
        computed=False,
    )
    .when(
        _RECEIVED.le(_LAST),
        Verdict.FAIL,
        "refused as out of time, but it was received on {received}, within {months} months "
        "of {start} (in time up to {last})",
        facts=_DATES,
        computed=_WINDOW,
    )
    .when(
        _REFUSALS.any(_OUT_OF_TIME & _DISCRETION.is_false()),
        Verdict.FAIL,
        "refused as out of time without considering discretion to accept it",
        facts=_CONSIDERED,
        computed=_WINDOW,
    )
    .when(
        _REFUSALS.any(_OUT_OF_TIME & _DISCRETION.is_null()),
        Verdict.NEEDS_EVIDENCE,
        "the case does not record whether discretion to accept the late complaint was "
        "considered (set discretion_considered on the refusal)",
        facts=_CONSIDERED,
        computed=_WINDOW,
    )
    .otherwise(
        Verdict.PASS,
        "received on {received}, after the last day in time ({last}, {months} months from "
        "{start}); refusing it as out of time was open to the landlord",
        values={
            "received": _RECEIVED.iso(),
            "months": _MONTHS,
            "issue": _ISSUE.iso(),
            "from_issue": _FROM_ISSUE.iso(),
            "start": _START.iso(),
            "last": _LAST.iso(),
        },
        facts={
            "refusals": lit([]),
            "issue_occurred_on": _ISSUE.iso(),
            "received_on": _RECEIVED.iso(),
            "became_aware_on": _AWARE.iso(),
            "refusals.discretion_considered": _REFUSALS.filter(_OUT_OF_TIME).map(_DISCRETION),
        },
        computed={
            "time_limit_months": _MONTHS,
            "window_from": _START.iso(),
            "last_day_in_time": _LAST.iso(),
            "last_day_in_time_from_issue": _FROM_ISSUE.iso(),
        },
        reported=(*_CONSIDERED, *_WINDOW),
    )
)


def _time_limit_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    months: int = ctx.param("exclusions.time_limit_months")
    ex = policy.exclusions
    limit = ex.time_limit_months if ex else None
    from_awareness = ex.time_limit_from_awareness if ex else None
    discretion = ex.discretion_beyond_time_limit if ex else None
    facts = {
        "policy.exclusions.time_limit_months": limit,
        "policy.exclusions.time_limit_from_awareness": from_awareness,
        "policy.exclusions.discretion_beyond_time_limit": discretion,
    }
    problems = []
    if limit is not None and limit < months:
        problems.append(
            f"the policy's time limit is {limit} months; the Code requires complaints made "
            f"within {months} months to be accepted"
        )
    if from_awareness is False:
        problems.append(
            "the time limit runs only from the issue, not from when the resident became aware of it"
        )
    if discretion is False:
        problems.append("the policy leaves no discretion to accept older complaints")
    if problems:
        return failed("; ".join(problems), facts=facts)
    unset = [name for name, value in facts.items() if value is None]
    if unset:
        return needs_evidence(
            "the policy does not say; set " + ", ".join(n.removeprefix("policy.") for n in unset),
            facts=facts,
        )
    return passed(
        f"complaints are accepted within {limit} months (Code: at least {months}) of the issue "
        "or of the resident becoming aware of it, with discretion for older ones",
        facts=facts,
    )


# 2.3: accept complaints made within 12 months of the issue or of the resident becoming
# aware of it; consider discretion for older ones where there is good reason.
CHC24_2_3 = rule(
    "2.3",
    "Complaints within 12 months accepted; discretion for older ones",
    summary=(
        "A complaint made within 12 months of the problem, or of the resident finding out "
        "about it, is taken on unless another exclusion applies; for an older one the "
        "landlord weighs whether there is good reason to take it on anyway."
    ),
    explanation="""
        Case: the window runs exclusions.time_limit_months calendar months from the later
        of issue_occurred_on and became_aware_on, and its last day (the same date that many
        months on, or the month's last day if shorter) is still in time. A stage 1 refusal
        on out_of_time of a complaint received by that day fails. Refusing one received
        later passes only if the refusal records discretion_considered: true (false fails,
        unset needs evidence). Without issue_occurred_on or became_aware_on the rule needs
        evidence; if only the issue date is known and it is out of time, became_aware_on
        is asked for, since later awareness restarts the clock. A complaint with no
        refusal was accepted and passes; a refusal on another ground is not applicable.
        Policy: exclusions.time_limit_months must be at least the Code's 12, and
        exclusions.time_limit_from_awareness and discretion_beyond_time_limit must be true.
    """,
    case=_in_time_accepted,
    policy=_time_limit_policy,
    examples=[
        example(
            Subject.CASE,
            Verdict.FAIL,
            "refused as out of time on the last day of the 12 months",
            **_case(
                _refusal("out_of_time", discretion_considered=True),
                issue_occurred_on="2023-05-01",
                became_aware_on="2023-05-01",
            ),
        ),
        example(
            Subject.CASE,
            Verdict.PASS,
            "refused the day after the 12 months, discretion considered",
            **_case(
                _refusal("out_of_time", discretion_considered=True),
                issue_occurred_on="2023-04-30",
                became_aware_on="2023-04-30",
            ),
        ),
        example(
            Subject.CASE,
            Verdict.FAIL,
            "an old issue, but the resident found out about it 3 months ago",
            **_case(
                _refusal("out_of_time", discretion_considered=True),
                issue_occurred_on="2022-09-01",
                became_aware_on="2024-02-01",
            ),
        ),
        example(
            Subject.CASE,
            Verdict.FAIL,
            "refused out of time without considering discretion",
            **_case(
                _refusal("out_of_time", discretion_considered=False),
                issue_occurred_on="2022-09-01",
                became_aware_on="2022-09-01",
            ),
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "a 6-month time limit",
            exclusions={
                "time_limit_months": 6,
                "time_limit_from_awareness": True,
                "discretion_beyond_time_limit": True,
            },
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "12 months from the issue or awareness, with discretion",
            exclusions={
                "time_limit_months": 12,
                "time_limit_from_awareness": True,
                "discretion_beyond_time_limit": True,
            },
        ),
    ],
)

# -- 2.4 ---------------------------------------------------------------------------------


_refusal_explained = refusals_explained(
    unsuitable=(
        "refusals[{index}] did not explain why the matter is unsuitable for the complaints process"
    ),
    no_ombudsman_right=(
        "refusals[{index}] did not tell the resident they can take the decision to the Ombudsman"
    ),
    not_recorded="the case does not record: set {unset}",
    passed="{count} refusal(s), each explained to the resident with their right to go to the "
    "Ombudsman",
)


def _explained_policy(policy: LandlordPolicy, ctx: Context) -> Outcome:
    return policy_says(
        policy.exclusions.refusal_explained_with_ombudsman_right if policy.exclusions else None,
        "exclusions.refusal_explained_with_ombudsman_right",
        yes="refusals are explained, with the right to go to the Ombudsman",
        no="the policy does not promise reasons and the Ombudsman route when refusing",
    )


# 2.4: a refusal explains why the matter does not fit the process and gives the right to
# take that decision to the Ombudsman.
CHC24_2_4 = rule(
    "2.4",
    "Refusals explained, with the right to go to the Ombudsman",
    summary=(
        "When a complaint is not taken on, the resident is told why it does not suit the "
        "complaints process and that they may ask the Ombudsman to review that decision."
    ),
    explanation="""
        Case: every stage 1 refusal must record explanation_given and
        ombudsman_right_given as true; either false fails, either unset needs evidence.
        Policy: exclusions.refusal_explained_with_ombudsman_right must be true.
    """,
    case=_if_refused(_refusal_explained),
    policy=_explained_policy,
    examples=[
        example(
            Subject.CASE,
            Verdict.FAIL,
            "refusal letter without the Ombudsman route",
            **_case(
                _refusal(
                    "already_considered",
                    previous_reference="EX-1",
                    explanation_given=True,
                    ombudsman_right_given=False,
                )
            ),
        ),
        example(
            Subject.CASE,
            Verdict.PASS,
            "refusal explained, Ombudsman route given",
            **_case(
                _refusal(
                    "already_considered",
                    previous_reference="EX-1",
                    explanation_given=True,
                    ombudsman_right_given=True,
                )
            ),
        ),
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "no promise of reasons on refusal",
            exclusions={"refusal_explained_with_ombudsman_right": False},
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "refusals explained, Ombudsman route given",
            exclusions={"refusal_explained_with_ombudsman_right": True},
        ),
    ],
)

# -- 2.5 ---------------------------------------------------------------------------------


def _no_blanket_exclusions(policy: LandlordPolicy, ctx: Context) -> Outcome:
    blanket = policy.exclusions.blanket_exclusions if policy.exclusions else None
    facts = {"policy.exclusions.blanket_exclusions": blanket}
    if blanket is None:
        return needs_evidence(
            "the policy file does not say whether any category is excluded outright; set "
            "exclusions.blanket_exclusions ([] if none)",
            facts=facts,
        )
    if blanket:
        return failed(
            "the policy excludes whole categories without looking at the circumstances: "
            + "; ".join(blanket),
            facts=facts,
        )
    return passed("the policy excludes no category of complaint outright", facts=facts)


# 2.5: no blanket exclusions; each complaint's own circumstances are considered.
CHC24_2_5 = rule(
    "2.5",
    "No blanket exclusions",
    summary=(
        "No kind of complaint is ruled out wholesale; the circumstances of each one are "
        "looked at before it is refused."
    ),
    explanation="""
        Policy: exclusions.blanket_exclusions must be an empty list; any entry fails, and
        leaving it unset needs evidence. Whether refusals in practice weigh each case's
        circumstances is for an attestation for 2.5.
    """,
    policy=_no_blanket_exclusions,
    attestation=(
        "a review of refused complaints (for example the year's refusal log) showing each "
        "was decided on its own circumstances, not by category"
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "anything about neighbours excluded",
            exclusions={"blanket_exclusions": ["all complaints about neighbour disputes"]},
        ),
        example(Subject.POLICY, Verdict.PASS, "none", exclusions={"blanket_exclusions": []}),
        attestation_example(
            "2.5",
            False,
            "Every complaint about service charges was refused unread.",
            "Refusal log 2024-25",
            on="2025-04-30",
            by="Complaints Resolution Manager",
        ),
        attestation_example(
            "2.5",
            True,
            "Each refusal in the year's log was decided on its own circumstances.",
            "Refusal log 2024-25",
            on="2025-04-30",
            by="Complaints Resolution Manager",
        ),
    ],
)

RULES = (CHC24_2_1, CHC24_2_2, CHC24_2_3, CHC24_2_4, CHC24_2_5)
