"""The pytest plugin, run in throwaway projects: YAML case tests and --complaintrules-policy."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest_plugins = ["pytester"]

# Received Wed 2024-05-01 -> acknowledgement due Thu 2024-05-09 (Mon 6 May is a bank
# holiday) -> stage 1 response due Thu 2024-05-23 (see packs/code_2024/section_6_stages.py).
ON_TIME_CASE = """
    case:
      reference: P-1
      received_on: 2024-05-01
      stages:
        - number: 1
          acknowledged:
            on: 2024-05-09
            definition: {understanding: Damp in the bedroom, outcomes_sought: Fix it}
          handler: A. Patel
          response: {issued_on: 2024-05-23}
"""


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in the throwaway project. Hypothesis's plugin is left out: it re-imports
    hypothesis on every in-process run, which only slows these tests down."""
    return pytester.runpytest("-p", "no:hypothesispytest", *args)


def _cases(pytester: pytest.Pytester, name: str, body: str) -> None:
    pytester.makefile(".yaml", **{name: textwrap.dedent(body)})


def _one_test(expect: str, case: str = ON_TIME_CASE, head: str = "pack: code_2024") -> str:
    return (
        f"{head}\ntests:\n  - name: Acknowledged on the last day\n"
        + textwrap.indent(textwrap.dedent(case).strip("\n"), "    ")
        + "\n    expect:\n"
        + textwrap.indent(textwrap.dedent(expect).strip("\n"), "      ")
        + "\n"
    )


# -- YAML case tests ---------------------------------------------------------------------


def test_passing_yaml_file_gives_one_item_per_rule(pytester: pytest.Pytester) -> None:
    _cases(
        pytester,
        "test_journey",
        _one_test("""
            CHC24-6.2: pass
            CHC24-6.3: {verdict: pass, because: "10th working day after acknowledgement"}
            CHC24-6.4: not applicable
            CHC24-6.13: not_applicable
        """),
    )
    result = _run(pytester, "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "*test_journey.yaml::Acknowledged on the last day::CHC24-6.2 PASSED*",
            "*test_journey.yaml::Acknowledged on the last day::CHC24-6.13 PASSED*",
        ]
    )


def test_cases_yaml_suffix_and_policy_subject(pytester: pytest.Pytester) -> None:
    (pytester.path / "landlord.cases.yaml").write_text(
        textwrap.dedent(
            """
        tests:
          - name: Draft policy without triage
            policy: {triage: false}
            expect:
              CHC24-6.1: {verdict: fail, message_contains: triage}
            """
        )
    )
    pytester.makefile(".yaml", other="not: [a, test, file")  # not collected: wrong name
    result = _run(pytester)
    result.assert_outcomes(passed=1)


def test_mismatch_names_rule_expected_actual_message_and_because(
    pytester: pytest.Pytester,
) -> None:
    _cases(
        pytester,
        "test_wrong",
        _one_test("""
            CHC24-6.2: pass
            CHC24-6.3: {verdict: fail, because: "the writer miscounted the bank holiday"}
        """),
    )
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*CHC24-6.3: expected fail, actual pass: stage 1 response on 2024-05-23*",
            "*test:*Acknowledged on the last day (case P-1 against code_2024*",
            "*expected: fail",
            "*actual:   pass",
            "*message:  stage 1 response on 2024-05-23*",
            "*deadline: 2024-05-23*",
            "*because:  the writer miscounted the bank holiday",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    summary = "FAILED *::Acknowledged on the last day::CHC24-6.3"
    if int(pytest.__version__.split(".")[0]) >= 9:
        # pytest 9 puts the first line of a plugin item's failure text in the short summary;
        # pytest 8 shows the item alone.
        summary += " - CHC24-6.3*"
    result.stdout.fnmatch_lines([summary])


def test_malformed_yaml_is_a_collection_error_with_file_and_line(
    pytester: pytest.Pytester,
) -> None:
    _cases(
        pytester,
        "test_broken",
        """
        tests:
          - name: Broken
            case: {reference: B-1, received_on: 2024-05-01
            expect:
              CHC24-6.2: pass
        """,
    )
    result = _run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR collecting test_broken.yaml*", "*test_broken.yaml:line *: invalid YAML*"]
    )
    assert "Traceback" not in result.stdout.str()


def test_invalid_case_is_a_collection_error_naming_field_and_line(
    pytester: pytest.Pytester,
) -> None:
    _cases(
        pytester,
        "test_invalid",
        _one_test(
            "CHC24-6.2: passes",
            case="""
            case:
              reference: I-1
              received_on: 2024-05-01
              stages:
                - number: 1
                  acknowledged: {on: 2024-05-09}
                  respnse: {issued_on: 2024-05-23}
            """,
        ),
    )
    result = _run(pytester)
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "test_invalid.yaml: 2 problem(s)" in out
    assert "test_invalid.yaml:line 10: tests[0].case.stages[0].respnse: unknown field" in out
    assert "test_invalid.yaml:line 12: tests[0].expect.CHC24-6.2.verdict: Input should be" in out
    assert "(got 'passes')" in out


def test_file_without_tests_or_subject(pytester: pytest.Pytester) -> None:
    _cases(pytester, "test_empty_list", "pack: code_2024\ntests: []\n")
    _cases(
        pytester,
        "test_no_subject",
        "tests:\n  - name: Nothing to judge\n    expect: {CHC24-6.2: pass}\n",
    )
    result = _run(pytester)
    result.assert_outcomes(errors=2)
    out = result.stdout.str()
    assert "test_empty_list.yaml:line 2: tests: List should have at least 1 item" in out
    assert "test_no_subject.yaml:line 2: tests[0]: give the subject to judge" in out


def test_unknown_rule_id_fails_its_item_with_suggestions(pytester: pytest.Pytester) -> None:
    _cases(pytester, "test_unknown", _one_test("CHC24-6.2: pass\nCHC24-6.99: pass"))
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*CHC24-6.99: unknown rule id: no installed pack has 'CHC24-6.99' (did you mean*"]
    )


def test_unknown_pack_fails_the_items(pytester: pytest.Pytester) -> None:
    _cases(pytester, "test_pack", _one_test("CHC24-6.2: pass", head="pack: code_2099"))
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*cannot choose a pack: no pack named 'code_2099'*"])


def test_conventions_and_as_of(pytester: pytest.Pytester) -> None:
    late = """
        case:
          reference: L-1
          received_on: 2024-05-01
          stages:
            - number: 1
              acknowledged:
                on: 2024-05-13
                definition: {understanding: Damp, outcomes_sought: Fix it}
              response: {issued_on: 2024-05-24}
    """
    _cases(pytester, "test_literal", _one_test("CHC24-6.2: fail\nCHC24-6.3: pass", case=late))
    _cases(
        pytester,
        "test_capped",
        _one_test(
            "CHC24-6.3: fail",
            case=late,
            head="pack: code_2024\nconventions: {late_acknowledgement: capped}",
        ),
    )
    open_case = """
        as_of: 2024-05-24
        case:
          reference: O-1
          received_on: 2024-05-01
          stages:
            - number: 1
              acknowledged:
                on: 2024-05-09
                definition: {understanding: Damp, outcomes_sought: Fix it}
    """
    _cases(pytester, "test_overdue", _one_test("CHC24-6.3: fail", case=open_case))
    _run(pytester).assert_outcomes(passed=4)


def test_subject_must_be_named_when_findings_disagree(pytester: pytest.Pytester) -> None:
    org = """
        organisation:
          name: Example Homes
    """
    _cases(
        pytester,
        "test_org",
        _one_test("CHC24-6.12: needs_evidence", case=org),
    )
    _cases(
        pytester,
        "test_org_policy",
        _one_test(
            "CHC24-6.12: {verdict: fail, subject: policy}",
            case=org + "    policy: {stages: [{number: 2, escalation_reasons_required: true}]}\n",
        ),
    )
    result = _run(pytester)
    result.assert_outcomes(passed=2)

    _cases(
        pytester,
        "test_ambiguous",
        _one_test(
            "CHC24-6.12: fail",
            case=org + "    policy: {stages: [{number: 2, escalation_reasons_required: true}]}\n",
        ),
    )
    result = _run(pytester, "test_ambiguous.yaml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*findings disagree (policy: fail; attestation: needs_evidence)*"])


def test_xfail_marks_a_known_wrong_verdict(pytester: pytest.Pytester) -> None:
    _cases(
        pytester,
        "test_known",
        _one_test("""
            CHC24-6.2: {verdict: fail, xfail: "rule under review"}
            CHC24-6.3: {verdict: pass, xfail: "fixed since"}
        """),
    )
    result = _run(pytester, "-rxX")
    result.assert_outcomes(xfailed=1, failed=1)
    result.stdout.fnmatch_lines(["*XPASS(strict)*fixed since*"])


def test_yaml_file_named_on_the_command_line_is_collected(pytester: pytest.Pytester) -> None:
    _cases(pytester, "journeys", _one_test("CHC24-6.2: pass"))
    _run(pytester).assert_outcomes()  # not collected by name
    _run(pytester, "journeys.yaml").assert_outcomes(passed=1)


# -- --complaintrules-policy -------------------------------------------------------------

ITEMS = "stage complaint_definition decision reasons remedy outstanding_actions escalation_route"
ALL_ITEMS = "[" + ", ".join(ITEMS.split()) + "]"
COMPLIANT_SECTION_6 = f"""
name: Tiny compliant policy
triage: true
respond_when_answer_known: true
stages:
  - number: 1
    acknowledge_working_days: 5
    respond_working_days: 10
    extension: &ext
      max_working_days: 10
      beyond_max_only_with_good_reason: true
      reasons_given: true
      ombudsman_details_given: true
    response_contents: {ALL_ITEMS}
  - number: 2
    acknowledge_working_days: 5
    respond_working_days: 20
    different_handler: true
    escalation_reasons_required: false
    extension: {{<<: *ext, max_working_days: 20}}
    response_contents: {ALL_ITEMS}
"""


def test_policy_option_compliant(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", policy=COMPLIANT_SECTION_6)
    # Section 6 only, so the test does not depend on what other sections' rules ask of a
    # policy this small.
    result = _run(pytester, "--complaintrules-policy=policy.yaml", "-k", "CHC24-6.", "-v")
    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(
        ["*policy.yaml::CHC24-6.1 PASSED*", "*policy.yaml::CHC24-6.20 PASSED*"]
    )
    assert result.ret == pytest.ExitCode.OK


def test_policy_option_non_compliant(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        policy=COMPLIANT_SECTION_6.replace("triage: true", "triage: false").replace(
            "respond_working_days: 10", "respond_working_days: 15"
        ),
    )
    result = _run(pytester, "--complaintrules-policy=policy.yaml", "-k", "CHC24-6.")
    result.assert_outcomes(passed=18, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*CHC24-6.1 Triage of stage 1 complaints (code_2024 *): not met by policy.yaml",
            "*policy: fail (must): the policy has no triage*",
            "*policy: fail (must): the policy allows 15 working days for the stage 1 response*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_policy_option_with_organisation_and_pack(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", policy=COMPLIANT_SECTION_6)
    pytester.makefile(
        ".yaml",
        org="""
name: Example Homes
attestations:
  - provision: "6.20"
    complies: false
    statement: Repairs staff are not consulted at stage 2.
    evidence: [Audit 2024-Q1]
    on: 2024-06-01
    by: Complaints Manager
""",
    )
    result = _run(
        pytester,
        "--complaintrules-policy=policy.yaml",
        "--complaintrules-organisation=org.yaml",
        "--complaintrules-pack=code_2024",
        "--complaintrules-on=2025-03-31",
        "-k",
        "CHC24-6.20",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*attestation: fail (must): Complaints Manager attested*"])


def test_should_level_shortfall_is_a_warning_unless_strict(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", policy="name: Tiny\nsurvey_feedback_signposts_complaints: false\n")
    args = ["--complaintrules-policy=policy.yaml", "--complaintrules-pack=code_2020"]
    result = _run(pytester, *args, "-k", "CHC20-1.5")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*policy.yaml:1: ComplianceWarning: CHC20-1.5 (should)*"])
    strict = _run(pytester, *args, "-k", "CHC20-1.5", "--complaintrules-strict")
    strict.assert_outcomes(failed=1)


def test_policy_option_bad_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", policy="name: Tiny\ntriage: maybe\n")
    result = _run(pytester, "--complaintrules-policy=policy.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*policy.yaml:line 2: triage: Input should be a valid boolean*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_policy_option_unknown_pack(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", policy=COMPLIANT_SECTION_6)
    result = _run(
        pytester, "--complaintrules-policy=policy.yaml", "--complaintrules-pack=code_2099"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--complaintrules-pack: no pack named 'code_2099'*"])


def test_junit_xml_carries_rule_and_verdicts(pytester: pytest.Pytester) -> None:
    _cases(pytester, "test_journey", _one_test("CHC24-6.2: pass"))
    _run(pytester, "--junitxml=out.xml")
    xml = (pytester.path / "out.xml").read_text()
    assert 'name="rule_id" value="CHC24-6.2"' in xml
    assert 'name="actual" value="pass"' in xml


def test_plugin_builds_no_engine_at_import() -> None:
    code = textwrap.dedent("""
        import complaintrules.engine.engine as engine
        built = []
        original = engine.Engine.__init__
        def counting(self, *args, **kwargs):
            built.append(1)
            original(self, *args, **kwargs)
        engine.Engine.__init__ = counting
        import complaintrules.pytest_plugin
        assert not built, "an Engine was built at import"
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
