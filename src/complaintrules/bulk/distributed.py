"""Scale out over a data engine's partitions: :func:`evaluate_batch` per partition, then
one merge of the findings and of each landlord's totals.

The pieces are engine-neutral: :func:`evaluate_partition` judges one partition (an Arrow
table, a record batch, a pandas DataFrame or a list of dicts) in a worker, with an
:class:`EngineSpec` so that each worker process builds its engine once, and returns a
picklable :class:`PartitionResult`; :func:`merge_partitions` joins the results in
partition order, numbering rows across partitions and adding each landlord's totals to
that landlord's (:meth:`BulkSummary.merge`). :func:`evaluate_dask` is the glue for Dask
(the ``distributed`` extra); docs/distributed.md shows the same recipe for Spark and Ray.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..io.columnar import RawBatch
from ..io.tabular import ColumnMapping
from ..io.tabular import _converter as mapping_converter
from .batch import EngineSpec, evaluate_batch
from .evaluate import BulkEvaluator, BulkSummary, evaluate_chunk

__all__ = [
    "PartitionResult",
    "evaluate_dask",
    "evaluate_partition",
    "merge_partitions",
]


@dataclass(frozen=True)
class PartitionResult:
    """What one partition gives back: its findings (in :data:`BATCH_SCHEMA`, rows
    numbered from 0 within the partition; None when not kept), its totals, its row count."""

    findings: pa.Table | None
    summary: BulkSummary
    rows: int


def _as_arrow(part: Any) -> pa.Table | pa.RecordBatch | Sequence[Mapping[str, Any]]:
    """A partition as evaluate_batch takes it: Arrow as it is, a pandas DataFrame converted
    (without its index), a list of dicts as it is."""
    if isinstance(part, pa.Table | pa.RecordBatch | list | tuple):
        return part
    to_arrow = getattr(part, "to_arrow", None)  # a polars DataFrame
    if callable(to_arrow):
        converted = to_arrow()
        if isinstance(converted, pa.Table):
            return converted
    if type(part).__name__ == "DataFrame" and hasattr(part, "to_dict"):  # pandas
        return pa.Table.from_pandas(part, preserve_index=False)
    raise TypeError(
        "evaluate_partition: expected a pyarrow Table or RecordBatch, a pandas or polars "
        f"DataFrame, or a list of dicts, got {type(part).__name__}"
    )


def evaluate_partition(part: Any, spec: EngineSpec, *, findings: bool = True) -> PartitionResult:
    """Judge one partition with ``spec`` (run it in the worker that holds the partition).

    The spec's engine is built once per worker process and kept (:meth:`EngineSpec.build`);
    give the spec an ``as_of`` so that every worker judges on the same date. ``findings``:
    keep the findings table (False: only the totals travel back, for a large run).

    With ``findings=False`` and a mapping, an Arrow partition is judged by the bulk
    evaluator's summary mode (the columnar reader's conversion and the vectorised
    timescale rules, as ``complaintrules cases --format summary``), which counts exactly
    what :func:`evaluate_batch` counts (``tests/crm/test_distributed.py`` checks it) at a
    fraction of the cost; otherwise each partition goes through :func:`evaluate_batch`.
    """
    table = _as_arrow(part)
    rows = table.num_rows if isinstance(table, pa.Table | pa.RecordBatch) else len(table)
    mapping = spec.mapping
    arrow = isinstance(table, pa.Table | pa.RecordBatch)
    if not findings and arrow and isinstance(mapping, ColumnMapping):
        assert isinstance(table, pa.Table | pa.RecordBatch)
        return PartitionResult(None, _totals(table, spec, mapping), rows)
    summary = BulkSummary()
    found = evaluate_batch(table, engine=spec, summary=summary)
    return PartitionResult(found if findings else None, summary, rows)


def _totals(
    table: pa.Table | pa.RecordBatch, spec: EngineSpec, mapping: ColumnMapping
) -> BulkSummary:
    """The totals of a mapped partition, by the bulk evaluator in summary mode."""
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    evaluate_batch(table.slice(0, 0), engine=spec)  # the column checks, before any row
    converter = mapping_converter(mapping, table.column_names)
    raw = RawBatch(
        list(range(table.num_rows)),
        pa.table({f.target: table.column(f.column) for f in converter.fields}),
    )
    engine = spec.build()
    evaluator = BulkEvaluator(
        engine,
        pack=spec.pack,
        as_of=spec.as_of or engine.today(),
        organisation=spec.organisation,
        messages=False,
        results=False,
        landlord=spec.landlord,
    )
    part, _ = evaluate_chunk(evaluator, converter, raw)
    summary = BulkSummary()
    summary.merge(part)
    return summary


def merge_partitions(
    results: Iterable[PartitionResult],
) -> tuple[pa.Table | None, BulkSummary]:
    """The partitions' findings as one table and their totals as one summary.

    ``results`` in partition order: the rows of partition *k* are numbered after those of
    the partitions before it (in ``row_index`` and in the summary's rows), so the result
    equals one :func:`evaluate_batch` over the partitions joined. Each landlord's totals
    are merged into that landlord's; None for the findings when no partition kept them.
    """
    summary = BulkSummary()
    tables: list[pa.Table] = []
    offset = 0
    for result in results:
        summary.merge(result.summary, row_offset=offset)
        found = result.findings
        if found is not None:
            shifted = pc.add(found.column("row_index"), pa.scalar(offset, pa.int64()))
            index = found.schema.get_field_index("row_index")
            tables.append(found.set_column(index, found.schema.field(index), shifted))
        offset += result.rows
    if not tables:
        return None, summary
    joined = pa.concat_tables(tables)
    metadata = dict(tables[0].schema.metadata or {})
    metadata[b"complaintrules.rows_in"] = str(offset).encode()
    return joined.replace_schema_metadata(metadata), summary


def evaluate_dask(
    frame: Any, spec: EngineSpec, *, findings: bool = True
) -> tuple[pa.Table | None, BulkSummary]:
    """:func:`evaluate_partition` over every partition of a Dask collection, merged.

    ``frame``: a ``dask.dataframe.DataFrame`` (read every column as text, as a CSV export
    is read: ``dd.read_csv(..., dtype=str)``; Parquet keeps its types) or any Dask
    collection whose partitions are Arrow tables, DataFrames or lists of dicts. The
    partitions run on the current Dask scheduler (a ``distributed.Client``'s cluster when
    one is active); only the results come back, in partition order, and are merged with
    :func:`merge_partitions`. ``findings=False`` brings back only the totals.
    """
    try:
        from dask.base import compute
        from dask.delayed import delayed
    except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
        raise ImportError(
            "evaluate_dask needs Dask: pip install 'complaintrules[distributed]'"
        ) from exc
    parts = frame.to_delayed()
    evaluate = delayed(evaluate_partition, pure=True)
    tasks = [evaluate(part, spec, findings=findings) for part in parts]
    run: Any = compute  # untyped in Dask's stubs
    results: tuple[PartitionResult, ...] = run(*tasks)
    return merge_partitions(results)
