"""The Dask recipe (issue 16, item 2): evaluate_batch over a real distributed cluster.

Two landlords in one export, the same references used by both: the partitions judged on a
LocalCluster of two worker processes give, merged, the very findings and totals of one
evaluate_batch in this process, and each worker builds its engine once.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dask.dataframe as dd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
import yaml
from distributed import Client, LocalCluster

from complaintrules import BulkSummary, Complaint, Engine, EngineSpec, evaluate_batch
from complaintrules.bulk import distributed
from complaintrules.bulk.distributed import evaluate_dask, evaluate_partition, merge_partitions
from complaintrules.bulk.evaluate import BulkEvaluator, evaluate_cases, evaluate_chunk
from complaintrules.io.tabular import RowConverter
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "examples" / "crm" / "mapping.yaml"
AS_OF = date(2025, 3, 31)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EngineSpec]:
    folder = tmp_path_factory.mktemp("dask")
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    mapping["columns"]["landlord"] = "Landlord"
    (folder / "mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    a = [[*row, "A"] for row in synthetic_rows(150, seed=11, malformed=0.05)]
    b = [[*row, "B"] for row in synthetic_rows(150, seed=12, malformed=0.05)]
    a.append(list(a[3]))  # one true repeat, within A
    path = folder / "both.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "Landlord"])
        writer.writerows(a + b)  # B's rows in later partitions than A's
    return path, EngineSpec(as_of=AS_OF, mapping=folder / "mapping.yaml")


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def _single(path: Path, spec: EngineSpec) -> tuple[pa.Table, BulkSummary]:
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    table = pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(header, pa.string())),
    )
    summary = BulkSummary()
    return evaluate_batch(table, engine=spec, summary=summary), summary


def test_dask_gives_the_single_process_findings_and_totals(
    export: tuple[Path, EngineSpec], client: Client
) -> None:
    path, spec = export
    frame = dd.read_csv(str(path), dtype=str, blocksize=6_000)
    assert frame.npartitions >= 4
    found, summary = evaluate_dask(frame, spec)
    expected, expected_summary = _single(path, spec)
    assert found is not None
    assert found.equals(expected)  # every verdict and message, row numbers across parts
    assert summary.to_dict() == expected_summary.to_dict()
    report = summary.to_dict()
    # no reference of A counted as a repeat of B's; each landlord's own TSM measures
    assert [(d["landlord"], d["reference"]) for d in report["duplicates"]] == [("A", "CRM-0000004")]
    assert report["tsm"] == [] and sorted(report["landlords"]) == ["A", "B"]
    # each worker process built the spec's engine once, however many partitions it took
    built = client.run(EngineSpec.built_info)
    assert len(built) == 2
    assert all(misses == 1 for _, misses, _, _ in built.values())


def test_totals_only(export: tuple[Path, EngineSpec], client: Client) -> None:
    path, spec = export
    found, summary = evaluate_dask(
        dd.read_csv(str(path), dtype=str, blocksize=6_000), spec, findings=False
    )
    assert found is None
    assert summary.to_dict() == _single(path, spec)[1].to_dict()


def test_partitions_merge_in_order_whatever_their_type(export: tuple[Path, EngineSpec]) -> None:
    """The engine-neutral pieces: Arrow, pandas and list partitions, merged."""
    path, spec = export
    expected, expected_summary = _single(path, spec)
    table = pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys([*HEADER, "Landlord"], pa.string())
        ),
    )
    parts = [table.slice(0, 100), table.slice(100, 120).to_pandas(), table.slice(220).to_pylist()]
    found, summary = merge_partitions(evaluate_partition(p, spec) for p in parts)
    assert found is not None and found.equals(expected)
    assert found.schema.metadata[b"complaintrules.rows_in"] == str(table.num_rows).encode()
    assert summary.to_dict() == expected_summary.to_dict()
    with pytest.raises(TypeError, match="evaluate_partition: expected"):
        evaluate_partition(42, spec)


def test_totals_only_count_what_evaluate_batch_counts(export: tuple[Path, EngineSpec]) -> None:
    """Totals without findings take the bulk evaluator's summary mode: the same counts."""
    path, spec = export
    table = pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys([*HEADER, "Landlord"], pa.string())
        ),
    )
    parts = [table.slice(0, 90), table.slice(90, 150).to_batches()[0], table.slice(240)]
    found, summary = merge_partitions(evaluate_partition(p, spec, findings=False) for p in parts)
    assert found is None
    assert summary.to_dict() == _single(path, spec)[1].to_dict()
    fixed = EngineSpec(as_of=AS_OF, mapping=MAPPING, landlord="Z")  # no landlord column
    alone = evaluate_partition(table.drop_columns(["Landlord"]), fixed, findings=False)
    expected = BulkSummary()
    evaluate_batch(table.drop_columns(["Landlord"]), engine=fixed, summary=expected)
    assert alone.summary.to_dict() == expected.to_dict()
    assert list(alone.summary.landlords) == ["Z"]


def test_the_recipe_reaches_the_bulk_path_through_a_named_entry_point() -> None:
    """bulk/distributed.py takes the bulk path's chunk step by its package-level name,
    evaluate_chunk, not by a private function of another module."""
    source = Path(distributed.__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "evaluate":
            private = [a.name for a in node.names if a.name.startswith("_")]
            assert not private, f"bulk/distributed.py imports {private} from .evaluate"


def test_a_chunk_is_judged_as_evaluate_cases_judges_its_cases() -> None:
    root = Path(__file__).resolve().parents[2]
    cases = json.loads((root / "examples" / "landlord" / "cases.json").read_text("utf-8"))
    records: list[dict[str, object]] = list(cases["cases"])
    records.insert(2, {"reference": "BAD-1", "received_on": "31/09/2024"})
    as_of = date(2025, 3, 31)
    engine = Engine()
    converter = RowConverter([], frozenset(), frozenset(), nested=True)
    summary, results = evaluate_chunk(
        BulkEvaluator(engine, as_of=as_of), converter, list(enumerate(records))
    )
    good = [Complaint.model_validate(r) for k, r in enumerate(records) if k != 2]
    expected = list(evaluate_cases(good, engine=engine, as_of=as_of))
    assert summary.rows_in == len(records) and summary.rejected_rows == 1
    assert [(r.reference, r.verdicts) for r in results] == [
        (e.reference, e.verdicts) for e in expected
    ]
    assert [r.row for r in results] == [k for k in range(len(records)) if k != 2]
