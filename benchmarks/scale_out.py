"""Dask on 2 local workers against the single-process paths (issue 16, item 2).

Writes a synthetic export of two landlords' cases (the same references used by both, a
``Landlord`` column mapped to ``landlord``), then times, wall clock:

1. ``evaluate_file`` in one process (the columnar path of ``complaintrules cases --jobs 1
   --format summary``);
2. ``evaluate_dask(..., findings=False)`` on a ``distributed.LocalCluster`` of 2 worker
   processes (1 thread each): totals only, each partition in the bulk evaluator's
   summary mode; the cluster's start-up is timed apart;
3. with ``--findings``, also ``evaluate_batch`` over the whole export in this process
   and ``evaluate_dask`` keeping every finding (the per-case path each partition then
   runs);

and prints the ratios (Dask's wall time over the single-process one) with the machine's
load average, and checks that Dask's totals equal the single-process ones.

    python benchmarks/scale_out.py --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import yaml

from complaintrules import EngineSpec, evaluate_batch, evaluate_file
from complaintrules.bulk.distributed import evaluate_dask
from complaintrules.model.synthetic import HEADER, synthetic_rows

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 3, 31)


def _export(folder: Path, rows: int) -> tuple[Path, Path]:
    mapping = yaml.safe_load((ROOT / "examples" / "crm" / "mapping.yaml").read_text("utf-8"))
    mapping["columns"]["landlord"] = "Landlord"
    mapping_path = folder / "mapping.yaml"
    mapping_path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    path = folder / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "Landlord"])
        for key, seed in (("A", 1), ("B", 2)):
            for row in synthetic_rows(rows // 2, seed=seed, malformed=0.001):
                writer.writerow([*row, key])
    return path, mapping_path


def _counts(data: object) -> object:
    """A summary without its row numbers."""
    if isinstance(data, dict):
        return {k: _counts(v) for k, v in data.items() if k not in ("row", "first_row")}
    if isinstance(data, list):
        return [_counts(v) for v in data]
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--blocksize", type=int, default=8_000_000, help="bytes a partition")
    parser.add_argument("--findings", action="store_true", help="also time the findings path")
    args = parser.parse_args()

    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        path, mapping = _export(Path(tmp), args.rows)
        spec = EngineSpec(as_of=AS_OF, mapping=mapping)
        print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB; load {os.getloadavg()}")

        start = time.perf_counter()
        single = evaluate_file(path, mapping, as_of=AS_OF, jobs=1)
        file_s = time.perf_counter() - start
        print(f"evaluate_file (columnar, summary), 1 process: {file_s:.1f} s")
        batch_s = 0.0
        if args.findings:
            start = time.perf_counter()
            header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
            types = dict.fromkeys(header, pa.string())
            options = pa_csv.ConvertOptions(column_types=types)
            evaluate_batch(pa_csv.read_csv(path, convert_options=options), engine=spec)
            batch_s = time.perf_counter() - start
            print(f"evaluate_batch (every finding), 1 process: {batch_s:.1f} s")

        start = time.perf_counter()
        with (
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            Client(cluster),
        ):
            up_s = time.perf_counter() - start
            start = time.perf_counter()
            frame = dd.read_csv(str(path), dtype=str, blocksize=args.blocksize)
            _, summary = evaluate_dask(frame, spec, findings=False)
            dask_s = time.perf_counter() - start
            found_s = 0.0
            if args.findings:
                start = time.perf_counter()
                evaluate_dask(frame, spec)
                found_s = time.perf_counter() - start
        print(
            f"evaluate_dask (totals), {args.workers} workers, {frame.npartitions} partitions: "
            f"{dask_s:.1f} s (cluster start-up {up_s:.1f} s more)"
        )
        # the same counts; row numbers differ (the file's from 2, a partition's from 0)
        same = _counts(summary.to_dict()) == _counts(single.to_dict())
        print(f"Dask's totals equal the single-process ones: {same}")
        print(f"ratio Dask (totals) / evaluate_file: {dask_s / file_s:.2f}x")
        if args.findings:
            print(f"evaluate_dask (every finding): {found_s:.1f} s")
            print(f"ratio Dask / evaluate_batch, every finding: {found_s / batch_s:.2f}x")
        print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
