"""Section 2: making complaints easy to make, and residents aware of how and where."""

from __future__ import annotations

from complaintrules import LandlordPolicy
from complaintrules.authoring import (
    Context,
    Level,
    Outcome,
    Verdict,
    failed,
    needs_evidence,
    not_applicable,
    passed,
    policy_example,
    policy_states,
)

from ._common import rule
from ._helpers import (
    attestation_examples,
)


def _channels(policy: LandlordPolicy, ctx: Context) -> Outcome:
    minimum: int = ctx.param("channels.minimum")
    channels = policy.channels
    if channels is None:
        return needs_evidence("the policy does not list how residents can complain; set channels")
    distinct = sorted({c.value for c in channels})
    facts = {"policy.channels": distinct}
    if len(distinct) < minimum:
        return failed(
            f"the policy offers {len(distinct)} way(s) to complain "
            f"({', '.join(distinct) or 'none'}); the Code needs at least {minimum}",
            facts=facts,
        )
    return passed(f"{len(distinct)} ways to complain: {', '.join(distinct)}", facts=facts)


# 2.1: several ways to complain; never a single route.
CHC20_2_1 = rule(
    "2.1",
    "More than one way to complain",
    level=Level.MUST,
    summary=(
        "Complaining is made easy by offering several channels (in person, by phone, in "
        "writing, by email, online); at the very least there is more than one."
    ),
    explanation="Policy: channels must list at least 2 different ways to complain.",
    policy=_channels,
    examples=[
        policy_example(Verdict.FAIL, "letters only", channels=["letter"]),
        policy_example(
            Verdict.PASS, "phone, email and web", channels=["phone", "email", "web_form"]
        ),
    ],
)


def _social_media(policy: LandlordPolicy, ctx: Context) -> Outcome:
    channels = policy.channels
    covered = policy.social_media_complaints
    facts = {
        "policy.channels": [c.value for c in channels] if channels is not None else None,
        "policy.social_media_complaints": covered,
    }
    if channels is None:
        return needs_evidence("the policy does not list its channels; set channels", facts=facts)
    uses = any(c.value == "social_media" for c in channels)
    if not uses and covered is not True:
        return not_applicable("the landlord lists no social media channel", facts=facts)
    if covered is None:
        return needs_evidence(
            "the landlord uses social media but the policy does not say how complaints made "
            "there are handled; set social_media_complaints",
            facts=facts,
        )
    if not covered:
        return failed(
            "the landlord talks to residents on social media but the policy does not cover "
            "complaints made there, or how their privacy is kept",
            facts=facts,
        )
    return passed(
        "the policy covers complaints made on social media, with confidentiality", facts=facts
    )


# 2.2: a landlord on social media expects complaints there and says how it handles them.
CHC20_2_2 = rule(
    "2.2",
    "Complaints made on social media",
    level=Level.SHOULD,
    summary=(
        "A landlord that talks to residents on social media should expect complaints to "
        "arrive that way, and its policy should say what happens to them and how privacy is "
        "protected."
    ),
    explanation="""
        Policy: where channels include social_media, social_media_complaints must be true.
        Without a social media channel the provision does not apply.
    """,
    policy=_social_media,
    examples=[
        policy_example(
            Verdict.FAIL,
            "on social media, policy silent",
            channels=["phone", "social_media"],
            social_media_complaints=False,
        ),
        policy_example(
            Verdict.PASS,
            "on social media, policy covers it",
            channels=["phone", "social_media"],
            social_media_complaints=True,
        ),
    ],
)

# 2.3: the policy is available in a clear, accessible form: stages, steps and timescales.
CHC20_2_3 = rule(
    "2.3",
    "Policy available in a clear, accessible format",
    level=Level.MUST,
    summary=(
        "Every resident can get the policy in a clear, accessible form that says how many "
        "stages there are, what happens at each and how long each response takes."
    ),
    explanation="""
        Policy: publication.accessible_format and publication.describes_stages_and_timescales
        must both be true.
    """,
    policy=policy_states(
        (
            "publication.accessible_format",
            "the policy is available in an accessible format",
            "the policy is not available in an accessible format",
        ),
        (
            "publication.describes_stages_and_timescales",
            "it describes the stages, what happens at each and the response times",
            "it does not describe the stages and their response times",
        ),
    ),
    examples=[
        policy_example(
            Verdict.FAIL,
            "no timescales given",
            publication={"accessible_format": True, "describes_stages_and_timescales": False},
        ),
        policy_example(
            Verdict.PASS,
            "accessible, with stages and timescales",
            publication={"accessible_format": True, "describes_stages_and_timescales": True},
        ),
    ],
)

# 2.4: a landlord's website, if it has one, explains how to complain and the policy is easy
# to find there.
CHC20_2_4 = rule(
    "2.4",
    "Complaints information on the website",
    level=Level.MUST,
    summary=(
        "Where the landlord has a website, it explains how to complain and the policy and "
        "process are easy to find on it."
    ),
    explanation="""
        Policy: publication.website_explains_how_to_complain must be true. A landlord with
        no website can record that in an attestation for 2.4 instead.
    """,
    policy=policy_states(
        (
            "publication.website_explains_how_to_complain",
            "the website explains how to complain and links the policy",
            "the website does not explain how to complain",
        )
    ),
    attestation="where on the website the complaints page and policy are, or that there is none",
    examples=[
        policy_example(
            Verdict.FAIL,
            "website silent",
            publication={"website_explains_how_to_complain": False},
        ),
        policy_example(
            Verdict.PASS,
            "website explains",
            publication={
                "url": "https://example.org/complaints",
                "website_explains_how_to_complain": True,
            },
        ),
        *attestation_examples(
            "2.4",
            met="The website's complaints page explains the route and links the policy.",
            not_met="The website has no page on how to complain.",
        ),
    ],
)

# 2.5: the Equality Act applies; the policy says how adjustment requests are handled and
# handlers are trained to deal with them.
CHC20_2_5 = rule(
    "2.5",
    "Reasonable adjustments under the Equality Act",
    level=Level.MUST,
    summary=(
        "The landlord meets its Equality Act duties, adapting its usual process to a "
        "resident's needs; the policy says how requests for adjustments are answered and "
        "complaint handlers are trained to deal with them."
    ),
    explanation="""
        Policy: reasonable_adjustments must be true. Training of handlers on adjustment
        requests is for an attestation with training records.
    """,
    policy=policy_states(
        (
            "reasonable_adjustments",
            "the policy says how reasonable adjustment requests are handled",
            "the policy says nothing on reasonable adjustments",
        )
    ),
    attestation="training records showing complaint handlers trained on adjustment requests",
    examples=[
        policy_example(Verdict.FAIL, "no adjustments section", reasonable_adjustments=False),
        policy_example(Verdict.PASS, "adjustments covered", reasonable_adjustments=True),
        *attestation_examples(
            "2.5",
            met="All handlers completed equality and adjustments training in 2023.",
            not_met="Handlers have had no training on adjustment requests.",
        ),
    ],
)


def _publicised(policy: LandlordPolicy, ctx: Context) -> Outcome:
    pub = policy.publication
    how = pub.how_publicised if pub else None
    flag = pub.publicises_ombudsman_and_code if pub else None
    facts = {
        "publication.how_publicised": how,
        "publication.publicises_ombudsman_and_code": flag,
    }
    if flag is False:
        return failed(
            "the policy does not publicise the Ombudsman's Scheme and the Code", facts=facts
        )
    if flag is None or not how:
        return needs_evidence(
            "set publication.how_publicised (leaflets, posters, newsletters, online, letters) "
            "and publication.publicises_ombudsman_and_code",
            facts=facts,
        )
    return passed(f"publicised through: {how}", facts=facts)


# 2.6: publicise the policy, the Code and the Ombudsman's Scheme widely.
CHC20_2_6 = rule(
    "2.6",
    "Policy, Code and Ombudsman Scheme publicised",
    level=Level.MUST,
    summary=(
        "The complaints policy and process, the Code and the Ombudsman's Scheme are made "
        "known through leaflets, posters, newsletters, online and ordinary letters to "
        "residents."
    ),
    explanation="""
        Policy: publication.how_publicised must say how, and
        publication.publicises_ombudsman_and_code must be true.
    """,
    policy=_publicised,
    examples=[
        policy_example(
            Verdict.FAIL,
            "the Ombudsman and the Code left out",
            publication={"how_publicised": "website", "publicises_ombudsman_and_code": False},
        ),
        policy_example(
            Verdict.PASS,
            "publicised widely",
            publication={
                "how_publicised": "website, newsletters, posters in offices, tenancy letters",
                "publicises_ombudsman_and_code": True,
            },
        ),
    ],
)

# 2.7: the Ombudsman's contact details go out in regular correspondence.
CHC20_2_7 = rule(
    "2.7",
    "Ombudsman contact details in regular correspondence",
    level=Level.MUST,
    summary=(
        "Residents get the Ombudsman's contact details as a matter of course in the "
        "landlord's regular correspondence."
    ),
    explanation="Policy: publication.ombudsman_contact_in_correspondence must be true.",
    policy=policy_states(
        (
            "publication.ombudsman_contact_in_correspondence",
            "the Ombudsman's contact details go out in regular correspondence",
            "regular correspondence does not carry the Ombudsman's contact details",
        )
    ),
    examples=[
        policy_example(
            Verdict.FAIL,
            "not in correspondence",
            publication={"ombudsman_contact_in_correspondence": False},
        ),
        policy_example(
            Verdict.PASS,
            "in every newsletter and rent statement",
            publication={"ombudsman_contact_in_correspondence": True},
        ),
    ],
)

# 2.8: early advice on the right to go to the Ombudsman, throughout the complaint.
CHC20_2_8 = rule(
    "2.8",
    "Early advice on the Ombudsman, throughout",
    level=Level.MUST,
    summary=(
        "Residents are told about their right to use the Ombudsman early and all through "
        "their complaint, not only once the landlord's process is over."
    ),
    explanation="""
        Policy: ombudsman_right_explained must be true. That letters at each stage actually
        gave the advice is for an attestation (a sample of acknowledgement and response
        letters).
    """,
    policy=policy_states(
        (
            "ombudsman_right_explained",
            "the policy explains the right to go to the Ombudsman during the complaint",
            "the policy mentions the Ombudsman only at the end, or not at all",
        )
    ),
    attestation="a sample of stage 1 letters that tell residents about the Ombudsman",
    examples=[
        policy_example(Verdict.FAIL, "only at the end", ombudsman_right_explained=False),
        policy_example(Verdict.PASS, "explained throughout", ombudsman_right_explained=True),
        *attestation_examples(
            "2.8",
            met="Sampled stage 1 letters each tell the resident about the Ombudsman.",
            not_met="Sampled stage 1 letters mention the Ombudsman only in the final response.",
        ),
    ],
)

RULES = (
    CHC20_2_1,
    CHC20_2_2,
    CHC20_2_3,
    CHC20_2_4,
    CHC20_2_5,
    CHC20_2_6,
    CHC20_2_7,
    CHC20_2_8,
)
