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
