"""Start-up (issue 13): importing complaintrules, or the command line, loads only what a
command needs. Judging one case, listing the commands and checking a policy with its cases
never load numpy, pyarrow, the bulk path or the monitor; the public API is still the
whole top-level API, each name loaded on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import complaintrules

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "numpy",
    "pyarrow",
    "complaintrules.bulk.evaluate",
    "complaintrules.monitor.monitor",
    "complaintrules.reports.docx",
)


def _loaded(code: str) -> list[str]:
    script = f"import sys\n{code}\nprint([m for m in {HEAVY!r} if m in sys.modules])\n"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return eval(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_importing_the_package_and_the_command_line_loads_nothing_heavy() -> None:
    assert _loaded("import complaintrules") == []
    assert _loaded("import complaintrules.cli.main") == []


def test_help_and_a_policy_check_with_a_case_load_nothing_heavy() -> None:
    run = (
        "import contextlib, io\n"
        "from complaintrules.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main([{args}])\n"
    )
    assert _loaded(run.format(args="'--help'")) == []
    landlord = ROOT / "examples" / "landlord"
    check = (
        f"'check', {str(landlord / 'policy.yaml')!r}, '--cases', {str(landlord / 'cases.yaml')!r}"
    )
    assert _loaded(run.format(args=check + ", '--as-of', '2025-03-31'")) == []


def test_the_bulk_path_loads_when_it_is_used() -> None:
    assert "complaintrules.bulk.evaluate" in _loaded(
        "from complaintrules import evaluate_file\nassert callable(evaluate_file)"
    )


def test_every_public_name_is_there_on_first_use() -> None:
    for name in complaintrules.__all__:
        assert getattr(complaintrules, name) is not None, name
    assert set(complaintrules.__all__) <= set(dir(complaintrules))
    from complaintrules import Engine, Monitor, evaluate_batch

    assert Engine is complaintrules.engine.engine.Engine
    assert Monitor.__module__ == "complaintrules.monitor.monitor"
    assert evaluate_batch.__module__ == "complaintrules.bulk.batch"


def _loaded_by(code: str, modules: tuple[str, ...]) -> list[str]:
    script = f"import sys\n{code}\nprint([m for m in {modules!r} if m in sys.modules])\n"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return eval(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_bulk_summary_of_a_csv_loads_neither_the_policy_reader_nor_parquet() -> None:
    # `cases` reads no policy document and no Parquet file: the policy reader (which
    # compiles its many patterns on import) and pyarrow.parquet are not loaded for it
    crm = ROOT / "examples" / "crm"
    run = (
        "import contextlib, io\n"
        "from complaintrules.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['cases', {str(crm / 'export.csv')!r}, '--mapping', "
        f"{str(crm / 'mapping.yaml')!r}, '--format', 'summary', '--jobs', '1', "
        "'--as-of', '2025-03-31', '--no-fail'])\n"
        "assert 'complaintrules.io.columnar' in sys.modules  # the columnar path ran\n"
    )
    assert _loaded_by(run, ("complaintrules.io.policy_documents", "pyarrow.parquet")) == []


def test_every_command_taking_a_policy_names_every_document_suffix_in_its_help() -> None:
    from complaintrules.cli.read_policy import POLICY_HELP
    from complaintrules.io.policy_documents import DOCUMENT_SUFFIXES

    listed = POLICY_HELP[POLICY_HELP.index("(") + 1 : POLICY_HELP.rindex(")")].split(", ")
    assert listed == list(DOCUMENT_SUFFIXES)
