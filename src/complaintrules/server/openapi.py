"""The service's API description: OpenAPI 3.1 as FastAPI makes it from the models, and a
Swagger 2.0 translation for Power Platform custom connectors (which take 2.0 only).

Swagger 2.0 is a smaller language than JSON Schema 2020-12, so the translation loses
detail where it must: a value that may be null keeps its type and gets
``x-nullable: true``; a choice between types (``anyOf``/``oneOf``) becomes the first
type that is not null, with the choice named in its description; ``const`` becomes a
one-value ``enum``; a numeric ``exclusiveMinimum`` becomes ``minimum`` with
``exclusiveMinimum: true``. The 3.1 document is the exact one.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI

__all__ = ["openapi_document", "swagger2_document"]

_REF_3 = "#/components/schemas/"
_REF_2 = "#/definitions/"
# JSON Schema keywords Swagger 2.0 schemas do not have
_DROPPED = {"$schema", "$id", "contentMediaType", "contentEncoding", "discriminator", "prefixItems"}


def openapi_document(app: FastAPI, public_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app`` (with ``servers`` when ``public_url`` is given)."""
    document = copy.deepcopy(app.openapi())
    if public_url:
        document["servers"] = [{"url": public_url.rstrip("/")}]
    return document


def swagger2_document(app: FastAPI, public_url: str | None = None) -> dict[str, Any]:
    """The same API as a Swagger 2.0 document."""
    source = openapi_document(app)
    out: dict[str, Any] = {
        "swagger": "2.0",
        "info": {k: v for k, v in source["info"].items() if k != "summary"},
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {},
        "definitions": {
            name: _schema(schema)
            for name, schema in source.get("components", {}).get("schemas", {}).items()
        },
    }
    if public_url:
        parts = urlsplit(public_url)
        out["host"] = parts.netloc
        out["basePath"] = parts.path.rstrip("/") or "/"
        out["schemes"] = [parts.scheme or "https"]
    schemes = source.get("components", {}).get("securitySchemes", {})
    if schemes:
        # Swagger 2.0 has no bearer scheme: an API key in the Authorization header, whose
        # value the caller gives as "Bearer <token>"
        out["securityDefinitions"] = {
            name: {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Bearer <token>",
            }
            for name in schemes
        }
    for path, operations in source["paths"].items():
        out["paths"][path] = {
            method: _operation(operation) for method, operation in operations.items()
        }
    return out


def _operation(operation: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: v
        for k, v in operation.items()
        if k in ("tags", "summary", "description", "operationId", "security")
    }
    parameters = []
    for parameter in operation.get("parameters", []):
        converted = {k: v for k, v in parameter.items() if k not in ("schema",)}
        schema = _schema(parameter.get("schema", {}))
        for key in ("type", "format", "enum", "default", "minimum", "maximum", "x-nullable"):
            if key in schema:
                converted[key] = schema[key]
        converted.setdefault("type", "string")
        parameters.append(converted)
    body = operation.get("requestBody")
    consumes: list[str] = []
    if body is not None:
        content = body.get("content", {})
        consumes = list(content)
        schema = content.get("application/json", next(iter(content.values()), {})).get("schema", {})
        parameters.append(
            {
                "name": "body",
                "in": "body",
                "required": bool(body.get("required", False)),
                "schema": _schema(schema),
                **({"description": body["description"]} if "description" in body else {}),
            }
        )
    if parameters:
        out["parameters"] = parameters
    if consumes and consumes != ["application/json"]:
        out["consumes"] = consumes
    responses: dict[str, Any] = {}
    for status, response in operation.get("responses", {}).items():
        converted = {"description": response.get("description") or str(status)}
        content = response.get("content", {})
        if "application/json" in content and content["application/json"].get("schema"):
            converted["schema"] = _schema(content["application/json"]["schema"])
        responses[str(status)] = converted
    out["responses"] = responses
    return out


def _schema(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED:
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = value.replace(_REF_3, _REF_2)
        elif key in ("anyOf", "oneOf"):
            choices = [c for c in value if c != {"type": "null"}]
            if len(choices) < len(value):
                out["x-nullable"] = True
            if choices:
                chosen = _schema(choices[0])
                if "$ref" in chosen:
                    # Swagger 2.0 ignores siblings of $ref; allOf keeps the description
                    chosen = {"allOf": [chosen]}
                out.update({k: v for k, v in chosen.items() if k not in out})
                if len(choices) > 1:
                    named = ", ".join(_name(c) for c in choices)
                    text = out.get("description") or schema.get("description") or ""
                    out["description"] = f"{text} (one of: {named})".strip()
        elif key == "type" and isinstance(value, list):
            types = [t for t in value if t != "null"]
            if len(types) < len(value):
                out["x-nullable"] = True
            if types:
                out["type"] = types[0]
        elif key == "const":
            out["enum"] = [value]
        elif key == "exclusiveMinimum" and not isinstance(value, bool):
            out["minimum"] = value
            out["exclusiveMinimum"] = True
        elif key == "exclusiveMaximum" and not isinstance(value, bool):
            out["maximum"] = value
            out["exclusiveMaximum"] = True
        elif key == "examples":
            if isinstance(value, list) and value:
                out["example"] = value[0]
        elif key in ("properties", "patternProperties", "definitions", "$defs"):
            out[key] = {name: _schema(s) for name, s in value.items()}
        elif key in ("items", "additionalProperties", "allOf", "not"):
            out[key] = _schema(value)
        else:
            out[key] = value
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out.setdefault("allOf", []).insert(0, {"$ref": ref})
    return out


def _name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return str(schema.get("type", "value"))
