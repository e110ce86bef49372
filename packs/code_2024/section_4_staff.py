"""Rules of this section, in provision order."""

from __future__ import annotations

from complaintrules.authoring import Rule

RULES: tuple[Rule, ...] = ()
