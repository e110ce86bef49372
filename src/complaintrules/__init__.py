"""complaintrules: the Housing Ombudsman's Complaint Handling Code as executable rules.

Quick tour::

    from complaintrules import Engine, load_case
    engine = Engine()                       # loads installed packs via entry points
    report = engine.evaluate_case(load_case("case.yaml"))
    for finding in report.failures:
        print(finding.rule_id, finding.message)

Pack authors: see :mod:`complaintrules.authoring` and :data:`hookimpl`.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers; at run time each name is imported on first use
    from .bulk.batch import (
        BATCH_SCHEMA,
        BATCH_SCHEMA_VERSION,
        NOT_JUDGED,
        REJECTED,
        EngineSpec,
        evaluate_batch,
    )
    from .bulk.evaluate import (
        BulkSummary,
        CaseResult,
        evaluate_cases,
        evaluate_file,
        measure_tsm,
        validate_case,
    )
    from .calendar.working_days import CalendarRangeError, WorkingCalendar
    from .engine.due import DueReport, NoTimescalesError, Obligation, ObligationStatus, due
    from .engine.engine import REPORT_SCHEMA_VERSION, Engine, Report, SnapshotAccount
    from .io.loading import InputError, load_case, load_cases, load_organisation, load_policy
    from .io.tabular import ColumnMapping, Row, RowProblem, load_mapping, read_cases
    from .law.context import Context, Portfolio
    from .law.hookspecs import hookimpl
    from .law.packs import Pack
    from .law.parameters import ParameterSet, UnknownParameterError
    from .law.plugins import NoPackError, PackRegistry, PluginProblem, make_plugin_manager
    from .law.rules import Evidence, Finding, Level, Outcome, Rule, Subject, Verdict
    from .model.case import CaseEvent, CaseSnapshot, Complaint, Stage
    from .model.conventions import Conventions, LateAcknowledgement, NonWorkingDayReceipt
    from .model.organisation import Attestation, Organisation
    from .model.policy import LandlordPolicy
    from .monitor.monitor import (
        Alert,
        AlertKind,
        Monitor,
        MonitorInputError,
        MonitorUnavailable,
        Posted,
    )
    from .reports.tsm import (
        ReportingPeriod,
        TsmDenominator,
        TsmExtensions,
        TsmOptions,
        TsmReport,
        TsmTally,
    )

__version__ = "0.1.0"

__all__ = [
    "BATCH_SCHEMA",
    "BATCH_SCHEMA_VERSION",
    "NOT_JUDGED",
    "REJECTED",
    "REPORT_SCHEMA_VERSION",
    "Alert",
    "AlertKind",
    "Attestation",
    "BulkSummary",
    "CalendarRangeError",
    "CaseEvent",
    "CaseResult",
    "CaseSnapshot",
    "ColumnMapping",
    "Complaint",
    "Context",
    "Conventions",
    "DueReport",
    "Engine",
    "EngineSpec",
    "Evidence",
    "Finding",
    "InputError",
    "LandlordPolicy",
    "LateAcknowledgement",
    "Level",
    "Monitor",
    "MonitorInputError",
    "MonitorUnavailable",
    "NoPackError",
    "NoTimescalesError",
    "NonWorkingDayReceipt",
    "Obligation",
    "ObligationStatus",
    "Organisation",
    "Outcome",
    "Pack",
    "PackRegistry",
    "ParameterSet",
    "PluginProblem",
    "Portfolio",
    "Posted",
    "Report",
    "ReportingPeriod",
    "Row",
    "RowProblem",
    "Rule",
    "SnapshotAccount",
    "Stage",
    "Subject",
    "TsmDenominator",
    "TsmExtensions",
    "TsmOptions",
    "TsmReport",
    "TsmTally",
    "UnknownParameterError",
    "Verdict",
    "WorkingCalendar",
    "__version__",
    "due",
    "evaluate_batch",
    "evaluate_cases",
    "evaluate_file",
    "hookimpl",
    "load_case",
    "load_cases",
    "load_mapping",
    "load_organisation",
    "load_policy",
    "make_plugin_manager",
    "measure_tsm",
    "read_cases",
    "validate_case",
]

# Every name is imported on first use (PEP 562), so that ``import complaintrules`` (and the
# command line, which imports it first) loads only what a caller uses: judging one case
# never loads the bulk path, the monitor, pyarrow or numpy.
_MODULE_OF: dict[str, str] = {
    "BATCH_SCHEMA": "bulk.batch",
    "BATCH_SCHEMA_VERSION": "bulk.batch",
    "EngineSpec": "bulk.batch",
    "NOT_JUDGED": "bulk.batch",
    "REJECTED": "bulk.batch",
    "evaluate_batch": "bulk.batch",
    "BulkSummary": "bulk.evaluate",
    "CaseResult": "bulk.evaluate",
    "evaluate_cases": "bulk.evaluate",
    "evaluate_file": "bulk.evaluate",
    "measure_tsm": "bulk.evaluate",
    "validate_case": "bulk.evaluate",
    "CalendarRangeError": "calendar.working_days",
    "WorkingCalendar": "calendar.working_days",
    "DueReport": "engine.due",
    "NoTimescalesError": "engine.due",
    "Obligation": "engine.due",
    "ObligationStatus": "engine.due",
    "due": "engine.due",
    "Engine": "engine.engine",
    "REPORT_SCHEMA_VERSION": "engine.engine",
    "Report": "engine.engine",
    "SnapshotAccount": "engine.engine",
    "InputError": "io.loading",
    "load_case": "io.loading",
    "load_cases": "io.loading",
    "load_organisation": "io.loading",
    "load_policy": "io.loading",
    "ColumnMapping": "io.tabular",
    "Row": "io.tabular",
    "RowProblem": "io.tabular",
    "load_mapping": "io.tabular",
    "read_cases": "io.tabular",
    "Context": "law.context",
    "Portfolio": "law.context",
    "hookimpl": "law.hookspecs",
    "Pack": "law.packs",
    "ParameterSet": "law.parameters",
    "UnknownParameterError": "law.parameters",
    "NoPackError": "law.plugins",
    "PackRegistry": "law.plugins",
    "PluginProblem": "law.plugins",
    "make_plugin_manager": "law.plugins",
    "Evidence": "law.rules",
    "Finding": "law.rules",
    "Level": "law.rules",
    "Outcome": "law.rules",
    "Rule": "law.rules",
    "Subject": "law.rules",
    "Verdict": "law.rules",
    "CaseEvent": "model.case",
    "CaseSnapshot": "model.case",
    "Complaint": "model.case",
    "Stage": "model.case",
    "Conventions": "model.conventions",
    "LateAcknowledgement": "model.conventions",
    "NonWorkingDayReceipt": "model.conventions",
    "Attestation": "model.organisation",
    "Organisation": "model.organisation",
    "LandlordPolicy": "model.policy",
    "Alert": "monitor.monitor",
    "AlertKind": "monitor.monitor",
    "Monitor": "monitor.monitor",
    "MonitorInputError": "monitor.monitor",
    "MonitorUnavailable": "monitor.monitor",
    "Posted": "monitor.monitor",
    "ReportingPeriod": "reports.tsm",
    "TsmDenominator": "reports.tsm",
    "TsmExtensions": "reports.tsm",
    "TsmOptions": "reports.tsm",
    "TsmReport": "reports.tsm",
    "TsmTally": "reports.tsm",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # found here from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
