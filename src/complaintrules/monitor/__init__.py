"""The live monitor: case events in, alerts out, on durable-rules."""
