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

if TYPE_CHECKING:
    from .bulk.batch import (
        BATCH_SCHEMA,
        BATCH_SCHEMA_VERSION,
        NOT_JUDGED,
        REJECTED,
        EngineSpec,
        evaluate_batch,
    )

# The batch API is built on pyarrow; it is loaded on first use, so judging one case (and
# every command that does not read columns) never pays for importing pyarrow.
_BATCH_NAMES = frozenset(
    {
        "BATCH_SCHEMA",
        "BATCH_SCHEMA_VERSION",
        "NOT_JUDGED",
        "REJECTED",
        "EngineSpec",
        "evaluate_batch",
    }
)


def __getattr__(name: str) -> Any:
    if name in _BATCH_NAMES:
        from .bulk import batch as _batch

        return getattr(_batch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
