"""The rules engines the live monitor runs its ruleset on (a module of its own, so that the
command line can offer them without loading the monitor)."""

from __future__ import annotations

__all__ = ["RULES_ENGINES"]

#: ``auto`` (durable-rules where it imports, else the pure-Python evaluator), ``durable``
#: or ``python``.
RULES_ENGINES = ("auto", "durable", "python")
