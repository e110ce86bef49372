"""Time and peak memory to refuse each hostile or malformed input file, printed as a table.

    python benchmarks/hostile_inputs.py            # every file, median of 3 runs each
    python benchmarks/hostile_inputs.py --runs 1   # quicker
    python benchmarks/hostile_inputs.py --only yaml_alias_bytes --only json_flat_list

Each file is built in a temporary folder and given to ``complaintrules check FILE`` in a
fresh process. For each it prints the exit code (2 expected: an input error, never a
traceback), the median wall time to refuse it, the child's peak resident memory
(``ru_maxrss`` of that one process) and the first line of the message.

These are the benchmark's figures, not unit tests: they depend on the machine. The tests
in ``tests/core/test_hostile_inputs.py`` check the messages and bound the memory.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

MiB = 1024 * 1024


def _alias_nodes(path: Path) -> None:
    """The classic "billion laughs": 9 levels of 9 aliases each, 9**9 values once followed."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n")


def _alias_bytes(path: Path) -> None:
    """One 16 KB string aliased 1.9 million times: 7.6 MB of file, 31 GB of text."""
    with path.open("w") as fh:
        fh.write("name: &s " + "x" * 16_384 + "\nversion: [")
        fh.write(", ".join(["*s"] * 1_900_000))
        fh.write("]\n")


def _flat_list(path: Path) -> None:
    """A 60 MB flat YAML list of 15 million items."""
    with path.open("w") as fh:
        fh.write("remedy_types:\n")
        chunk = "- 1\n" * 100_000
        for _ in range(150):
            fh.write(chunk)


def _many_keys(path: Path) -> None:
    """A 24 MB YAML mapping with 1.5 million keys."""
    with path.open("w") as fh:
        fh.write("name:\n")
        fh.writelines(f"  k{i:09d}: 1\n" for i in range(1_500_000))


def _deep_flow(path: Path) -> None:
    path.write_text("name: " + "[" * 50_000 + "]" * 50_000 + "\n")


def _deep_block(path: Path) -> None:
    path.write_text("name:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 2_000)))


def _huge_int(path: Path) -> None:
    path.write_text("stages:\n  - number: 1\n    respond_working_days: " + "9" * 1_000_000 + "\n")


def _invalid_utf8(path: Path) -> None:
    path.write_bytes(b"name: caf\xe9\nversion: '1'\n")


def _over_size(path: Path) -> None:
    with path.open("wb") as fh:  # sparse: no disk used, and never read
        fh.truncate(64 * MiB + 1)


def _wrong_values(path: Path) -> None:
    """Half a million values of the wrong type, just within the YAML limit: one short
    message, not half a million."""
    path.write_text("remedy_types: [" + ", ".join(["{}"] * 499_990) + "]\n")


def _json_wrong_values(path: Path) -> None:
    path.write_text('{"remedy_types": [' + ",".join(["{}"] * 999_990) + "]}")


def _json_long_list(item: str, chunks: int, path: Path) -> None:
    """A JSON list of ``item`` repeated ``chunks`` x 100,000 times, written in chunks."""
    with path.open("w") as fh:
        fh.write('{"remedy_types": [' + item)
        chunk = ("," + item) * 100_000
        for _ in range(chunks):
            fh.write(chunk)
        fh.write("]}")


def _json_flat_list(path: Path) -> None:
    """A 60 MB flat JSON list of 30 million items."""
    _json_long_list("1", 300, path)


def _json_empty_objects(path: Path) -> None:
    """A 60 MB JSON list of 20 million empty objects (the costliest JSON per byte)."""
    _json_long_list("{}", 200, path)


def _json_many_keys(path: Path) -> None:
    """A 24 MB JSON object with 1.5 million keys."""
    with path.open("w") as fh:
        fh.write('{"name": {')
        fh.write(",".join(f'"k{i:09d}": 1' for i in range(1_500_000)))
        fh.write("}}")


def _json_deep(path: Path) -> None:
    path.write_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}")


def _json_huge_int(path: Path) -> None:
    path.write_text('{"stages": [{"number": ' + "9" * 1_000_000 + "}]}")


def _json_invalid_utf8(path: Path) -> None:
    path.write_bytes(b'{"name": "caf\xe9"}')


def _json_duplicate_key(path: Path) -> None:
    path.write_text('{"name": "A",\n "name": "B"}')


FILES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "yaml_alias_nodes": ("policy.yaml", _alias_nodes),
    "yaml_alias_bytes": ("policy.yaml", _alias_bytes),
    "yaml_flat_list": ("policy.yaml", _flat_list),
    "yaml_many_keys": ("policy.yaml", _many_keys),
    "yaml_deep_flow": ("policy.yaml", _deep_flow),
    "yaml_deep_block": ("policy.yaml", _deep_block),
    "yaml_huge_int": ("policy.yaml", _huge_int),
    "yaml_invalid_utf8": ("policy.yaml", _invalid_utf8),
    "yaml_over_size_limit": ("policy.yaml", _over_size),
    "yaml_wrong_values": ("policy.yaml", _wrong_values),
    "json_flat_list": ("policy.json", _json_flat_list),
    "json_empty_objects": ("policy.json", _json_empty_objects),
    "json_many_keys": ("policy.json", _json_many_keys),
    "json_deep": ("policy.json", _json_deep),
    "json_huge_int": ("policy.json", _json_huge_int),
    "json_invalid_utf8": ("policy.json", _json_invalid_utf8),
    "json_duplicate_key": ("policy.json", _json_duplicate_key),
    "json_wrong_values": ("policy.json", _json_wrong_values),
}

# Run by the parent in a fresh interpreter, so that RUSAGE_CHILDREN holds only the one CLI
# process: the peak is that run's alone, never an earlier, larger one's.
_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
first = (done.stderr.strip() or done.stdout.strip() or "(no output)").splitlines()
line = next((x for x in first if x.startswith("  ")), first[0]).strip()
if "Traceback" in done.stderr:
    line = "TRACEBACK: " + done.stderr.strip().splitlines()[-1]
print(done.returncode, elapsed, peak, line, sep="\\t")
"""


def measure(path: Path) -> tuple[int, float, float, str]:
    """Exit code, seconds, peak MiB and the message's first problem line for one run."""
    command = [sys.executable, "-m", "complaintrules", "check", str(path)]
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True
    ).stdout.strip()
    code, seconds, peak, line = out.split("\t", 3)
    return int(code), float(seconds), int(peak) / 1024, line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per file (median shown)")
    parser.add_argument("--only", action="append", choices=sorted(FILES), help="these only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty_policy.yaml"
        empty.write_text("name: Baseline\n")
        baseline = measure(empty)
        print(f"baseline (a one-line policy): {baseline[1]:.2f} s, {baseline[2]:.0f} MiB\n")
        print(f"| {'file':<22} | {'size':>9} | exit | {'time (s)':>8} | {'peak MiB':>8} | message")
        print(f"|{'-' * 24}|{'-' * 11}|------|{'-' * 10}|{'-' * 10}|---------")
        for name in args.only or FILES:
            filename, build = FILES[name]
            path = Path(tmp) / name / filename
            path.parent.mkdir()
            build(path)
            size = path.stat().st_size
            runs = [measure(path) for _ in range(args.runs)]
            code = runs[0][0]
            seconds = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            message = runs[0][3].replace(str(path), name)
            if len(message) > 110:
                message = message[:107] + "..."
            print(
                f"| {name:<22} | {size / MiB:>7.1f}MB | {code:>4} | {seconds:>8.2f} | "
                f"{peak:>8.0f} | {message}",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
