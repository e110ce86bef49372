"""Section 3: making complaints easy to make, and making the process known."""

from __future__ import annotations

from datetime import date
from functools import partial

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    EXAMPLE_LANDLORD,
    Context,
    Outcome,
    Portfolio,
    Subject,
    Verdict,
    attestation_example,
    example,
    failed,
    months_after,
    needs_evidence,
    not_applicable,
    passed,
    policy_states,
)

from ._common import rule

_attested = partial(attestation_example, on="2024-06-01", by="Complaints Resolution Manager")


# -- 3.1 ---------------------------------------------------------------------------------


def _channels(policy: LandlordPolicy, ctx: Context) -> Outcome:
    minimum: int = ctx.param("channels.minimum")
    channels = policy.channels
    adjustments = policy.reasonable_adjustments
    facts = {
        "policy.channels": [c.value for c in channels] if channels is not None else None,
        "policy.reasonable_adjustments": adjustments,
    }
    if channels is None:
        return needs_evidence(
            "the policy does not list the ways to complain; set channels", facts=facts
        )
    distinct = sorted({c.value for c in channels})
    problems = []
    if len(distinct) < minimum:
        problems.append(
            f"the policy offers {len(distinct)} way(s) to complain "
            f"({', '.join(distinct) or 'none'}); at least {minimum} are expected"
        )
    if adjustments is False:
        problems.append("the policy does not provide for reasonable adjustments")
    if problems:
        return failed("; ".join(problems), facts=facts, distinct_channels=len(distinct))
    if adjustments is None:
        return needs_evidence(
            f"{len(distinct)} ways to complain, but the policy does not say whether it makes "
            "reasonable adjustments; set reasonable_adjustments",
            facts=facts,
            distinct_channels=len(distinct),
        )
    return passed(
        f"{len(distinct)} ways to complain ({', '.join(distinct)}; at least {minimum} "
        "expected) and reasonable adjustments provided for",
        facts=facts,
        distinct_channels=len(distinct),
    )


# 3.1: several ways to complain, with Equality Act duties and residents' adjustments in mind.
CHC24_3_1 = rule(
    "3.1",
    "Several ways to complain; adjustments anticipated",
    summary=(
        "Complaining is made easy through more than one route, and the landlord plans for "
        "the adjustments residents may need under the Equality Act 2010."
    ),
    explanation="""
        Policy: channels must hold at least channels.minimum (2) different ways to complain,
        and reasonable_adjustments must be true. Unset channels or adjustments need
        evidence.
    """,
    policy=_channels,
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "only an online form",
            channels=["web_form"],
            reasonable_adjustments=True,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "phone, email, letter and in person",
            channels=["phone", "email", "letter", "in_person"],
            reasonable_adjustments=True,
        ),
    ],
)

# 3.2: a complaint can be made any way, to any member of staff, who knows how to pass it on.
CHC24_3_2 = rule(
    "3.2",
    "Any route, any member of staff",
    summary=(
        "Residents can complain by whatever means and to whichever member of staff they "
        "choose; every member of staff knows the process and can hand the complaint to the "
        "right person."
    ),
    explanation="""
        Policy: any_staff_can_take_complaints must be true. That all staff actually know
        the process is for an attestation for 3.2 (induction or training records).
    """,
    policy=policy_states(
        (
            "any_staff_can_take_complaints",
            "any member of staff can take a complaint",
            "the policy limits who can take a complaint",
        ),
    ),
    attestation=(
        "induction or training records showing all staff know the complaints process and "
        "how to pass a complaint to the right person"
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "only the complaints team takes complaints",
            any_staff_can_take_complaints=False,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "any member of staff",
            any_staff_can_take_complaints=True,
        ),
        _attested(
            "3.2",
            True,
            "All staff cover the complaints process in their induction.",
            "Induction programme and attendance, 2024",
            title="attested with induction records",
        ),
        _attested(
            "3.2",
            False,
            "Frontline repairs staff have had no briefing on passing complaints on.",
            "Training matrix, 2024",
            title="frontline staff not briefed",
        ),
    ],
)

# 3.3: a high number of complaints is not treated as bad; a low number may mean residents
# cannot complain. The data settles one sign: the stage 1 volume per 1,000 homes (the
# Tenant Satisfaction Measure CH01) against a floor, flagged when below it, and read with
# the earlier years the organisation reported (complaint_volumes), flagged when it fell
# steeply from the year before. How volumes are read and reported stays a matter of
# attitude, attested.


def _per_1000(complaints: int, homes: int) -> float:
    return complaints / homes * 1000


def _trend(portfolio: Portfolio, start: date, rate: float, ctx: Context) -> tuple[str, str | None]:
    """What the earlier years say: text for the message, and the fall that fails, if any.
    The year compared with is the latest reported one ending within the 12 months up to
    the period's start (an older one is not the year before)."""
    org = portfolio.organisation
    years = sorted(
        (v for v in (org.complaint_volumes if org is not None else ()) if v.year_ending <= start),
        key=lambda v: v.year_ending,
    )
    if not years:
        return "", None
    last = years[-1]
    if last.year_ending <= months_after(start, -12):
        return (
            f"; the latest earlier year recorded (complaint_volumes, ending "
            f"{last.year_ending.isoformat()}) is not the year before, so no trend is read",
            None,
        )
    share: float = ctx.param("volumes.falling_share")
    before = _per_1000(last.stage1_complaints, last.homes_owned)
    said = (
        f"; the year ending {last.year_ending.isoformat()} had {last.stage1_complaints} for "
        f"{last.homes_owned} homes ({before:.1f} per 1,000)"
    )
    if before > 0 and (before - rate) / before >= share:
        fall = (before - rate) / before
        return said, (
            f"a fall of {fall:.0%} in a year, at least the {share:.0%} "
            "(volumes.falling_share) that may mean complaints have stopped being recognised "
            "or made"
        )
    return said + ", so no fall of " + f"{share:.0%} or more", None


_SETTLED_BY = (
    "; the Code sets no figure for a fall, so this is a prompt, not a failing: what "
    "settles it is a "
    "check of the records (a sample of contacts that expressed dissatisfaction, each "
    "logged as a complaint or not) and of how the process is made known, with the "
    "attestation for 3.3"
)


def _volume(portfolio: Portfolio, ctx: Context) -> Outcome:
    floor: float = ctx.param("volumes.low_per_1000_homes")
    org = portfolio.organisation
    stock = org.housing_stock if org is not None else None
    end = portfolio.period_end or ctx.as_of or ctx.on
    start = portfolio.period_start or months_after(end, -12)
    days = (end - start).days
    received = [
        c.reference
        for c in portfolio.cases
        if start < c.received_on <= end and any(s.number == 1 for s in c.stages)
    ]
    facts: dict[str, object] = {
        "housing_stock.homes_owned": stock.homes_owned if stock is not None else None,
        "stage1_complaints": len(received),
    }
    if org is not None and org.complaint_volumes:
        facts["complaint_volumes"] = [v.model_dump(mode="json") for v in org.complaint_volumes]
    computed: dict[str, object] = {"period_after": start.isoformat(), "period_to": end.isoformat()}
    if stock is None:
        return needs_evidence(
            "the organisation does not record its housing stock; set housing_stock "
            "(homes_owned, as_at) to read complaint volumes per 1,000 homes",
            facts=facts,
            **computed,
        )
    if stock.homes_owned == 0 or days <= 0:
        return not_applicable("no homes, or no period, to measure volumes over", facts=facts)
    # A year's period counts as a year whatever its days; another period is scaled to one.
    year = 1.0 if start == months_after(end, -12) else 365 / days
    rate = _per_1000(len(received), stock.homes_owned) * year
    computed["stage1_per_1000_homes_a_year"] = round(rate, 2)
    said = (
        f"{len(received)} stage 1 complaint(s) received after {start.isoformat()} up to "
        f"{end.isoformat()} for {stock.homes_owned} homes: {rate:.1f} per 1,000 homes a year"
    )
    trend, fell = _trend(portfolio, start, rate, ctx)
    # The fall is this pack's trigger, not the Code's (it sets none): a fall it flags needs
    # evidence, never fails on its authority alone.
    if rate < floor:
        return failed(
            f"{said}, below {floor} (volumes.low_per_1000_homes): so few complaints suggests "
            "they are not being recognised or residents find it hard to complain; review "
            "how dissatisfaction is recorded and how the process is made known" + trend,
            facts=facts,
            **computed,
        )
    if fell is not None:
        return needs_evidence(
            f"{said}, not below {floor}{trend}: {fell}" + _SETTLED_BY,
            facts=facts,
            **computed,
        )
    return passed(f"{said}, not below {floor}{trend}", facts=facts, **computed)


def _complaints(count: int) -> list[dict[str, object]]:
    return [
        {"reference": f"V-{i}", "received_on": f"2024-{3 + i:02d}-15"} for i in range(1, count + 1)
    ]


_STOCK = {"homes_owned": 200, "as_at": "2024-03-31"}
_YEAR_BEFORE = {"year_ending": "2023-12-31", "homes_owned": 200, "stage1_complaints": 5}

CHC24_3_3 = rule(
    "3.3",
    "Complaint volumes read the right way",
    summary=(
        "Many complaints are not in themselves a bad sign (they can show the process is "
        "well known and easy to use), while few complaints may mean residents find it hard "
        "to complain."
    ),
    explanation="""
        Portfolio: stage 1 complaints received in the period judged (the portfolio's period,
        else the 12 months up to the day judged), per 1,000 homes owned
        (housing_stock.homes_owned) and scaled to a year, the Tenant Satisfaction Measure
        CH01. A rate below volumes.low_per_1000_homes (a dated parameter: 11.4, a third of
        the 34.3 per 1,000 homes that was the lower quartile of 2024/25 Tenant Satisfaction
        Measures benchmarking, its source and reasoning in docs/tsm.md) fails as a sign that
        complaints are not being recognised; at or above it passes. The trend: where the
        organisation records earlier reporting years
        (complaint_volumes: year_ending, homes_owned, stage1_complaints), the latest one
        ending within the 12 months before the period is the year before; a rate that fell
        from that year's by volumes.falling_share or more (a quarter) needs evidence rather
        than failing: the Code sets no figure for a fall and the quarter is this pack's
        choice, so it cannot show a breach on its own; what settles it is a check of the
        records (a sample of contacts that expressed dissatisfaction, each logged as a
        complaint or not). A smaller fall or a rise passes. No housing stock recorded needs
        evidence.
        How volumes are read and
        reported is a matter of attitude no data settles: the rule also reads an
        attestation for 3.3 (for example board reports that treat volumes this way, and no
        target to cut the number of complaints).
    """,
    portfolio=_volume,
    attestation=(
        "how complaint volumes are reported and interpreted (for example board papers), "
        "and confirmation there is no target to reduce the number of complaints"
    ),
    examples=[
        example(
            Subject.PORTFOLIO,
            Verdict.FAIL,
            "one complaint a year for 200 homes (5 per 1,000)",
            as_of=date(2024, 12, 31),
            cases=_complaints(1),
            organisation={"name": EXAMPLE_LANDLORD, "housing_stock": _STOCK},
        ),
        example(
            Subject.PORTFOLIO,
            Verdict.PASS,
            "three complaints a year for 200 homes (15 per 1,000)",
            as_of=date(2024, 12, 31),
            cases=_complaints(3),
            organisation={"name": EXAMPLE_LANDLORD, "housing_stock": _STOCK},
        ),
        example(
            Subject.PORTFOLIO,
            Verdict.NEEDS_EVIDENCE,
            "15 per 1,000 homes, down from 25 the year before",
            as_of=date(2024, 12, 31),
            cases=_complaints(3),
            organisation={
                "name": EXAMPLE_LANDLORD,
                "housing_stock": _STOCK,
                "complaint_volumes": [_YEAR_BEFORE],
            },
        ),
        example(
            Subject.PORTFOLIO,
            Verdict.PASS,
            "20 per 1,000 homes, down from 25 the year before (a fifth)",
            as_of=date(2024, 12, 31),
            cases=_complaints(4),
            organisation={
                "name": EXAMPLE_LANDLORD,
                "housing_stock": _STOCK,
                "complaint_volumes": [_YEAR_BEFORE],
            },
        ),
        _attested(
            "3.3",
            False,
            "The corporate plan targets a 20% fall in complaints.",
            "Corporate plan 2024-27, KPI 7",
            title="a target to cut complaints",
        ),
        _attested(
            "3.3",
            True,
            "Volumes are reported with TSM measures; there is no reduction target.",
            "Board report, June 2024",
            title="volumes read alongside other measures",
        ),
    ],
)

_FORMAT_AND_CONTENT = policy_states(
    (
        "publication.accessible_format",
        "it is available in a clear, accessible format",
        "the policy is not available in an accessible format",
    ),
    (
        "publication.describes_stages_and_timescales",
        "it describes both stages and their timescales",
        "the published policy does not describe the stages and their timescales",
    ),
)


def _published(policy: LandlordPolicy, ctx: Context) -> Outcome:
    url = policy.publication.url if policy.publication else None
    rest = _FORMAT_AND_CONTENT(policy, ctx)
    facts = {"policy.publication.url": str(url) if url else None, **rest.facts}
    if rest.verdict is Verdict.FAIL:
        return failed(rest.message, facts=facts)
    if url is None:
        return needs_evidence(
            "the policy file does not say where the policy is on the website; set "
            "publication.url" + ("" if rest.verdict is Verdict.PASS else f"; also {rest.message}"),
            facts=facts,
        )
    if rest.verdict is not Verdict.PASS:
        return needs_evidence(rest.message, facts=facts)
    return passed(f"the policy is on the website at {url}; {rest.message}", facts=facts)


# 3.4: the policy is published in a clear, accessible form, on the website, setting out the
# two stages, what happens at each and the response times.
CHC24_3_4 = rule(
    "3.4",
    "The policy published, accessible, with stages and timescales",
    summary=(
        "Residents can get the complaints policy in a clear and accessible form, and on the "
        "landlord's website; it explains the two stages, what happens at each and how "
        "quickly the landlord responds."
    ),
    explanation="""
        Policy: publication.url (where the policy is on the website) must be given, and
        publication.accessible_format and publication.describes_stages_and_timescales must
        be true. Whether the published timescales match the Code's is judged under
        section 6.
    """,
    policy=_published,
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "published without the stages and timescales",
            publication={
                "url": "https://www.example-homes.org.uk/complaints",
                "accessible_format": True,
                "describes_stages_and_timescales": False,
            },
        ),
        example(
            Subject.POLICY,
            Verdict.NEEDS_EVIDENCE,
            "not said where it is published",
            publication={"accessible_format": True, "describes_stages_and_timescales": True},
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "on the website, accessible, stages and timescales described",
            publication={
                "url": "https://www.example-homes.org.uk/complaints",
                "accessible_format": True,
                "describes_stages_and_timescales": True,
            },
        ),
    ],
)


def _publicity(policy: LandlordPolicy, ctx: Context) -> Outcome:
    pub = policy.publication
    how = pub.how_publicised if pub else None
    ombudsman = pub.publicises_ombudsman_and_code if pub else None
    facts = {
        "policy.publication.how_publicised": how,
        "policy.publication.publicises_ombudsman_and_code": ombudsman,
    }
    if ombudsman is False:
        return failed(
            "the policy does not say it publicises the Ombudsman and the Code", facts=facts
        )
    if how is not None and not how:
        return failed("publication.how_publicised is empty", facts=facts)
    unset = [name.removeprefix("policy.") for name, value in facts.items() if value is None]
    if unset:
        return needs_evidence(
            "the policy does not say; set " + ", ".join(f"'{n}'" for n in unset), facts=facts
        )
    return passed(
        f"the policy says how it is publicised ({how}) and that the Ombudsman and the Code "
        "are publicised with it",
        facts=facts,
    )


# 3.5: the policy says how it is publicised, including information about the Ombudsman and
# the Code.
CHC24_3_5 = rule(
    "3.5",
    "How the policy, the Ombudsman and the Code are publicised",
    summary=(
        "The policy itself explains how the landlord makes the complaints process known, "
        "and that this includes information about the Ombudsman and this Code."
    ),
    explanation="""
        Policy: publication.how_publicised must describe how (an empty text fails), and
        publication.publicises_ombudsman_and_code must be true.
    """,
    policy=_publicity,
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "silent about the Ombudsman and the Code",
            publication={
                "how_publicised": "On the website and in the tenant handbook.",
                "publicises_ombudsman_and_code": False,
            },
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "publicity described, Ombudsman and Code included",
            publication={
                "how_publicised": "Website, tenant handbook, newsletters and office posters.",
                "publicises_ombudsman_and_code": True,
            },
        ),
    ],
)

# 3.6: residents may have a representative deal with the complaint and be represented or
# accompanied at any meeting.
CHC24_3_6 = rule(
    "3.6",
    "Representatives and companions",
    summary=(
        "A resident can have someone else pursue the complaint for them, and can bring a "
        "representative or companion to any meeting with the landlord."
    ),
    explanation="""
        Policy: representatives_allowed and accompanied_at_meetings must both be true.
    """,
    policy=policy_states(
        (
            "representatives_allowed",
            "a representative may deal with the complaint",
            "the policy does not let a representative deal with the complaint",
        ),
        (
            "accompanied_at_meetings",
            "residents may be represented or accompanied at meetings",
            "the policy does not let residents be represented or accompanied at meetings",
        ),
    ),
    examples=[
        example(
            Subject.POLICY,
            Verdict.FAIL,
            "no companions at meetings",
            representatives_allowed=True,
            accompanied_at_meetings=False,
        ),
        example(
            Subject.POLICY,
            Verdict.PASS,
            "both allowed",
            representatives_allowed=True,
            accompanied_at_meetings=True,
        ),
    ],
)

# 3.7: residents are told of their right to use the Ombudsman and how to engage with it.
CHC24_3_7 = rule(
    "3.7",
    "The right to go to the Ombudsman explained",
    summary=(
        "Residents are told that they can use the Ombudsman's service and how to get in "
        "touch with it about their complaint."
    ),
    explanation="""
        Policy: ombudsman_right_explained must be true. Letters are checked where the Code
        names them: refusals (2.4), extension notices (6.5, 6.16) and the final response
        (6.19).
    """,
    policy=policy_states(
        (
            "ombudsman_right_explained",
            "residents are told of their right to use the Ombudsman and how",
            "the policy does not tell residents about the Ombudsman",
        ),
    ),
    examples=[
        example(Subject.POLICY, Verdict.FAIL, "no mention", ombudsman_right_explained=False),
        example(Subject.POLICY, Verdict.PASS, "explained", ombudsman_right_explained=True),
    ],
)

RULES = (CHC24_3_1, CHC24_3_2, CHC24_3_3, CHC24_3_4, CHC24_3_5, CHC24_3_6, CHC24_3_7)
