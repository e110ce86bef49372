"""How many worker processes a bulk run uses by default (a module of its own, so that the
command line can say it in its help without loading the bulk path)."""

from __future__ import annotations

import os

__all__ = ["default_jobs"]


def default_jobs() -> int:
    """Worker processes to use by default: the CPUs this process may run on, at most 8."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, 8))
