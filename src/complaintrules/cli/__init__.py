"""The ``complaintrules`` command."""
