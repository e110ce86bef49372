"""The packs' YAML files are parsed with libyaml's safe loader where PyYAML has it (for a
faster engine start): every pack parameter, with its dated values and sources, is what
PyYAML's own safe loader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from complaintrules.law import parameters
from complaintrules.law.parameters import ParameterSet

PACKS = Path(__file__).resolve().parents[2] / "packs"
FILES = sorted(PACKS.glob("*/*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_loaders_read_the_same_document(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=parameters._YAML_LOADER) == yaml.safe_load(text)


@pytest.mark.parametrize("path", sorted(PACKS.glob("*/parameters.yaml")), ids=str)
def test_every_parameter_reads_alike(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = ParameterSet.from_yaml(path)
    monkeypatch.setattr(parameters, "_YAML_LOADER", yaml.SafeLoader)
    plain = ParameterSet.from_yaml(path)
    assert list(fast) == list(plain) and len(fast) > 0
    for name in fast:
        assert fast[name] == plain[name], name
