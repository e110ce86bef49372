"""The live monitor: case events in, alerts out, on durable-rules or the same ruleset judged
in Python; CRM change events in through a field mapping."""
