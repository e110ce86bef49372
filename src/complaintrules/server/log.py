"""The decision log: one JSON line per request, with personal data masked.

What is written: the time, the decision id, the operation, the HTTP status, the packs and
versions, the as-of date, the verdict counts and the ids of the rules that failed. What is
masked: a case's reference and a batch item's id are written only as a keyed hash
(HMAC-SHA256 with the key in ``COMPLAINTRULES_LOG_KEY``, else a key made at start-up), so
two lines about the same case can be matched without naming it. What is never written:
the case, policy or batch body (names, vulnerabilities, adjustments, descriptions, handler
names), the findings' messages and evidence (they can quote the case), the values of bad
input (only where they are), request headers, and the bearer token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

__all__ = ["LOG_KEY_ENV", "DecisionLog"]

LOG_KEY_ENV = "COMPLAINTRULES_LOG_KEY"


class DecisionLog:
    """Appends JSON lines to a file ("-" for standard output), or nowhere (None)."""

    def __init__(self, target: str | Path | None) -> None:
        key = os.environ.get(LOG_KEY_ENV)
        self._key = key.encode("utf-8") if key else secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._stream: IO[str] | None
        self._owned = False
        if target is None:
            self._stream = None
        elif str(target) == "-":
            self._stream = sys.stdout
        else:
            self._stream = Path(target).open("a", encoding="utf-8")  # noqa: SIM115
            self._owned = True

    def mask(self, value: str | None) -> str | None:
        """A keyed hash of a personal value: stable within one key, not reversible."""
        if value is None:
            return None
        digest = hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"hmac:{digest[:24]}"

    def write(self, entry: dict[str, Any]) -> None:
        if self._stream is None:
            return
        line = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}
        text = json.dumps(line, ensure_ascii=False, default=str)
        with self._lock:
            self._stream.write(text + "\n")
            self._stream.flush()

    def close(self) -> None:
        if self._owned and self._stream is not None:
            self._stream.close()
        self._stream = None
