"""The public API: sorted __all__, and every model a host meets is importable publicly."""

from __future__ import annotations

import typing
from enum import Enum

from pydantic import BaseModel

import complaintrules
from complaintrules import models


def test_all_is_sorted_and_importable() -> None:
    for module in (complaintrules, models):
        names = list(module.__all__)
        assert names == sorted(names, key=lambda n: (not n.isupper(), n)) or names == sorted(names)
        for name in names:
            assert hasattr(module, name), name


def _types_in(annotation: object) -> set[type]:
    found: set[type] = set()
    if isinstance(annotation, type):
        found.add(annotation)
    for arg in typing.get_args(annotation):
        found |= _types_in(arg)
    return found


def test_every_nested_model_and_enum_is_public() -> None:
    seen: set[type] = set()
    todo: list[type] = [
        complaintrules.Complaint,
        complaintrules.LandlordPolicy,
        complaintrules.Organisation,
    ]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        if issubclass(model, BaseModel):
            for field in model.model_fields.values():
                todo += [t for t in _types_in(field.annotation) if issubclass(t, BaseModel | Enum)]
    public = {getattr(models, n) for n in models.__all__}
    missing = sorted(t.__name__ for t in seen if t not in public)
    assert not missing, f"not exported from complaintrules.models: {missing}"


def test_what_a_public_method_returns_is_public() -> None:
    """Monitor.post_detailed returns a Posted: a host must be able to name it."""
    hints = typing.get_type_hints(complaintrules.Monitor.post_detailed)
    assert hints["return"] is complaintrules.Posted


def test_the_batch_api_is_public() -> None:
    """evaluate_batch, its engine specification, its layout and verdict values, and every
    type an EngineSpec field takes, are importable from the top level."""
    import dataclasses

    for name in ("evaluate_batch", "EngineSpec", "BATCH_SCHEMA", "BATCH_SCHEMA_VERSION"):
        assert name in complaintrules.__all__, name
    assert {"REJECTED", "NOT_JUDGED"} <= set(complaintrules.__all__)
    hints = typing.get_type_hints(complaintrules.EngineSpec)
    field_types = {
        t
        for f in dataclasses.fields(complaintrules.EngineSpec)
        for t in _types_in(hints[f.name])
        if t.__module__.startswith("complaintrules")
    }
    # by identity: some public values (an Arrow schema under pyarrow 14) cannot be hashed
    public = {id(getattr(complaintrules, n)) for n in complaintrules.__all__}
    assert field_types and {id(t) for t in field_types} <= public
    assert typing.get_type_hints(complaintrules.evaluate_batch)["engine"] == (
        complaintrules.Engine | complaintrules.EngineSpec | None
    )
