"""Dated parameters: every number a pack uses, with the date it takes effect and its source.

A pack keeps them in a YAML file::

    parameters:
      stage1.acknowledge_working_days:
        description: Working days to acknowledge a stage 1 complaint after receipt.
        unit: working_days
        values:
          - since: 2024-04-01
            value: 5
            source: "Complaint Handling Code 2024, provision 6.2"
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["ParameterSet", "ParameterValue", "UnknownParameterError"]


class UnknownParameterError(KeyError):
    """A rule asked for a parameter its pack does not define (or not on that date)."""


@dataclass(frozen=True, slots=True)
class ParameterValue:
    name: str
    value: Any
    since: date
    source: str
    unit: str | None
    # Built once: every finding that read this value shows it in its evidence.
    evidence: Mapping[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shown = {
            "value": self.value,
            "since": self.since.isoformat(),
            "unit": self.unit,
            "source": self.source,
        }
        object.__setattr__(self, "evidence", shown)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.evidence)


class _DatedValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    since: date
    value: Any
    source: str = Field(min_length=1)


class _Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str = Field(min_length=1)
    unit: str | None = None
    values: list[_DatedValue] = Field(min_length=1)


#: libyaml's safe loader where PyYAML has it (the same documents, several times faster to
#: parse: a pack's parameters are read each time an engine loads the pack), else PyYAML's own.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ParameterFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    parameters: dict[str, _Parameter]


class ParameterSet(Mapping[str, _Parameter]):
    """A pack's parameters, looked up by name and date."""

    def __init__(self, parameters: Mapping[str, _Parameter], origin: str = "<memory>") -> None:
        self._params = dict(parameters)
        self.origin = origin
        self._dates: dict[str, list[date]] = {}
        for name, p in self._params.items():
            values = sorted(p.values, key=lambda v: v.since)
            self._params[name] = p.model_copy(update={"values": values})
            self._dates[name] = [v.since for v in values]
        # at() is asked the same (name, date) pairs over and over in bulk evaluation.
        self._found: dict[tuple[str, date], ParameterValue] = {}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str = "<memory>") -> ParameterSet:
        """Parameters given as the ``parameters:`` mapping of a parameter file (each name
        with its description, unit and dated values with their sources), checked the same
        way; a plugin's extra rules bring their own numbers so
        (``complaintrules_extra_parameters``).
        """
        try:
            parsed = _ParameterFile.model_validate({"parameters": data})
        except ValidationError as exc:
            raise ValueError(f"{origin}: invalid parameters: {exc}") from exc
        return cls(parsed.parameters, origin=origin)

    @classmethod
    def from_yaml(cls, path: Path) -> ParameterSet:
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
            parsed = _ParameterFile.model_validate(raw)
        except (yaml.YAMLError, ValidationError) as exc:
            raise ValueError(f"{path}: invalid parameter file: {exc}") from exc
        return cls(parsed.parameters, origin=str(path))

    def __getitem__(self, name: str) -> _Parameter:
        return self._params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def at(self, name: str, on: date) -> ParameterValue:
        """The value of ``name`` in force on ``on``."""
        found = self._found.get((name, on))
        if found is not None:
            return found
        if name not in self._params:
            raise UnknownParameterError(f"no parameter {name!r} in {self.origin}")
        position = bisect.bisect_right(self._dates[name], on) - 1
        if position < 0:
            first = self._dates[name][0]
            raise UnknownParameterError(
                f"parameter {name!r} has no value before {first.isoformat()} (asked for {on})"
            )
        param = self._params[name]
        chosen = param.values[position]
        found = ParameterValue(name, chosen.value, chosen.since, chosen.source, param.unit)
        if len(self._found) < 500_000:
            self._found[(name, on)] = found
        return found

    def with_parameters(self, extra: ParameterSet) -> ParameterSet:
        """These parameters and ``extra``'s together (a name in both keeps this set's)."""
        return ParameterSet({**extra._params, **self._params}, origin=self.origin)

    def describe(self) -> dict[str, Any]:
        return {
            name: {
                "description": p.description,
                "unit": p.unit,
                "values": [
                    {"since": v.since.isoformat(), "value": v.value, "source": v.source}
                    for v in p.values
                ],
            }
            for name, p in self._params.items()
        }
