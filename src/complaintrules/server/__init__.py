"""The HTTP service, ``complaintrules serve`` (the optional ``server`` extra): the public
API of the library over HTTP for CRMs that cannot import Python. See docs/http.md."""

from .app import TOKEN_ENV, ServerSettings, create_app, token_from_env
from .openapi import openapi_document, swagger2_document

__all__ = [
    "TOKEN_ENV",
    "ServerSettings",
    "create_app",
    "openapi_document",
    "swagger2_document",
    "token_from_env",
]
