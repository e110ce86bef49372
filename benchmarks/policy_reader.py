"""Time to read a forty-page policy document, against merely extracting its text.

    python benchmarks/policy_reader.py            # median of 5 runs per format
    python benchmarks/policy_reader.py --runs 9

Issue 14 asks that a 40-page policy be read in under 2 s. The document is the one
``tests/documents/test_policy_reader.py`` builds (a compliant policy padded to about forty
pages), written as Word and as PDF. For each format it prints the median time of
``read_policy_document`` (sections, sentences, every pattern, citations), the median time
of the baseline in the same run (python-docx's paragraphs, or pypdf's text of every page,
joined), and their ratio. Run from a checkout with the ``documents`` and ``test`` extras.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.documents.builders import build
from tests.documents.test_policy_reader import forty_pages

from complaintrules.io.policy_documents import read_policy_document


def _text_only(path: Path) -> str:
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'format':<7} {'read (s)':>9} {'text only (s)':>14} {'ratio':>6}  target")
        for fmt in ("docx", "pdf"):
            path = build(forty_pages(), Path(folder) / f"long.{fmt}")
            read = _median(lambda p=path: read_policy_document(p), args.runs)
            text = _median(lambda p=path: _text_only(p), args.runs)
            verdict = "met" if read < 2 else "missed"
            print(f"{fmt:<7} {read:>9.3f} {text:>14.3f} {read / text:>5.1f}x  < 2 s: {verdict}")


if __name__ == "__main__":
    main()
