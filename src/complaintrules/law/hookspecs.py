"""The hooks a complaintrules plugin can implement.

A plugin is any object or module with functions named after these hooks and marked with
``complaintrules.hookimpl``. Plugins are found through the ``complaintrules`` entry-point
group; the built-in packs are registered there too, so they load exactly like yours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pluggy

from .packs import Pack
from .parameters import ParameterSet
from .rules import Rule

PROJECT = "complaintrules"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def complaintrules_packs() -> Sequence[Pack]:
    """Return the rule packs this plugin provides.

    Each pack has a unique name, the dates its Code is in force and its rules. The pack
    name and rule ids belong to your distribution; a pack whose name or a rule id another
    distribution already owns is refused and reported as a clash (see docs/plugins.md).
    """
    raise NotImplementedError


@hookspec
def complaintrules_extra_rules(pack: Pack) -> Sequence[Rule]:
    """Return extra rules to evaluate whenever ``pack`` is evaluated.

    This is how a landlord adds stricter in-house rules (say, a 3-day acknowledgement
    target) on top of a Code pack without forking it. Return an empty sequence for packs
    you do not extend. Extra rules keep their own ids and ``pack`` name; an id already taken
    (by the pack, an earlier extra rule or another distribution) is refused and reported.
    """
    raise NotImplementedError


@hookspec
def complaintrules_extra_parameters(pack: Pack) -> ParameterSet | Mapping[str, Any]:
    """Return the dated parameters your extra rules for ``pack`` read, with their sources.

    Give a :class:`ParameterSet` (``ParameterSet.from_yaml`` on your own file) or the
    ``parameters:`` mapping of a parameter file (name -> description, unit, dated values
    with sources). Rules then read them like the pack's own: a timescale declaration may
    name them, and every finding's evidence shows the value read with its source. Return
    an empty mapping for packs you do not extend.

    Each name must be namespaced, ``<namespace>.<name>``; a namespace belongs to the first
    distribution that uses it, and never to one the pack's own parameters use. A name of
    the pack's own, or in a namespace the pack or another distribution owns, is refused
    and reported as a clash; the pack's parameters are never replaced or changed.
    """
    raise NotImplementedError
