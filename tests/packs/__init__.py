"""Tests of the built-in rule packs, one package per pack (so test file names may repeat)."""
