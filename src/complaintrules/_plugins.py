"""Plugin loading: a plugin manager built on request, never at import time."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from types import ModuleType
from typing import cast

import pluggy

from . import _hookspecs
from ._packs import Pack
from ._rules import Rule

__all__ = [
    "AUTOLOAD_ENV",
    "ENTRY_POINT_GROUP",
    "NoPackError",
    "PackRegistry",
    "PluginProblem",
    "make_plugin_manager",
]

ENTRY_POINT_GROUP = "complaintrules"
#: Set this environment variable (to anything) to stop plugins loading from entry points.
AUTOLOAD_ENV = "COMPLAINTRULES_DISABLE_PLUGIN_AUTOLOAD"


class NoPackError(LookupError):
    """No installed pack answers the request (unknown name, or none in force on a date)."""


@dataclass(frozen=True, slots=True)
class PluginProblem:
    """A plugin or pack that could not be used; reported, never fatal."""

    plugin: str
    problem: str


def make_plugin_manager(
    *,
    autoload: bool | None = None,
    blocked: Iterable[str] = (),
    plugins: Iterable[object] = (),
) -> tuple[pluggy.PluginManager, list[PluginProblem]]:
    """Build a plugin manager and return it with the problems met while loading.

    ``autoload`` loads plugins from the ``complaintrules`` entry-point group (default: yes,
    unless the ``COMPLAINTRULES_DISABLE_PLUGIN_AUTOLOAD`` environment variable is set).
    ``blocked`` names entry points (for the built-in packs, their pack names) not to load.
    ``plugins`` are registered directly, for tests and hosts that wire packs themselves.
    A plugin that fails to import is reported in the problems list and skipped.
    """
    manager = pluggy.PluginManager(_hookspecs.PROJECT)
    manager.add_hookspecs(_hookspecs)
    for name in blocked:
        manager.set_blocked(name)
    problems: list[PluginProblem] = []
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_ENV)
    if autoload:
        for entry_point in sorted(_entry_points(), key=lambda ep: ep.name):
            if manager.is_blocked(entry_point.name) or manager.has_plugin(entry_point.name):
                continue
            try:
                plugin = entry_point.load()
                manager.register(plugin, name=entry_point.name)
            except Exception as exc:  # a broken plugin must not take the run down
                problems.append(PluginProblem(entry_point.name, f"failed to load: {exc!r}"))
    for plugin in plugins:
        try:
            manager.register(plugin)
        except Exception as exc:
            problems.append(PluginProblem(_plugin_name(plugin), f"failed to register: {exc!r}"))
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        problems.append(PluginProblem(_plugin_name(exc.plugin), str(exc)))
        manager.unregister(exc.plugin)
    return manager, problems


def _entry_points() -> Sequence[metadata.EntryPoint]:
    return list(metadata.entry_points(group=ENTRY_POINT_GROUP))


def _plugin_name(plugin: object) -> str:
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return getattr(plugin, "__name__", type(plugin).__name__)


class PackRegistry:
    """The packs (and extra rules) the loaded plugins provide.

    Each plugin's hooks are called one by one, so a plugin that raises or returns nonsense
    is reported in :attr:`problems` and the others still load.
    """

    def __init__(
        self,
        manager: pluggy.PluginManager | None = None,
        problems: Iterable[PluginProblem] = (),
        *,
        autoload: bool | None = None,
        blocked: Iterable[str] = (),
        plugins: Iterable[object] = (),
    ) -> None:
        if manager is None:
            manager, found = make_plugin_manager(
                autoload=autoload, blocked=blocked, plugins=plugins
            )
            problems = [*problems, *found]
        self.manager = manager
        self.problems: list[PluginProblem] = list(problems)
        self._packs: dict[str, Pack] = {}
        self._extra: dict[str, tuple[Rule, ...]] = {}
        for impl in manager.hook.complaintrules_packs.get_hookimpls():
            try:
                provided = list(cast(Iterable[object], impl.function()))
            except Exception as exc:
                self.problems.append(PluginProblem(impl.plugin_name, f"raised: {exc!r}"))
                continue
            for pack in provided:
                if not isinstance(pack, Pack):
                    self.problems.append(
                        PluginProblem(impl.plugin_name, f"returned {pack!r}, not a Pack")
                    )
                elif pack.name in self._packs:
                    self.problems.append(
                        PluginProblem(impl.plugin_name, f"pack {pack.name!r} already provided")
                    )
                else:
                    self._packs[pack.name] = pack

    @property
    def packs(self) -> list[Pack]:
        """Installed packs, oldest Code first."""
        return sorted(self._packs.values(), key=lambda p: (p.in_force_from, p.name))

    def get(self, name: str) -> Pack:
        try:
            return self._packs[name]
        except KeyError:
            known = ", ".join(sorted(self._packs)) or "none"
            raise NoPackError(f"no pack named {name!r} (installed: {known})") from None

    def in_force_on(self, day: date) -> Pack:
        """The pack in force on ``day``; with several, the most recently started one."""
        candidates = [p for p in self.packs if p.in_force_on(day)]
        if not candidates:
            raise NoPackError(f"no installed pack is in force on {day.isoformat()}")
        return candidates[-1]

    def latest(self) -> Pack:
        """The pack of the newest Code installed."""
        if not self._packs:
            raise NoPackError("no packs are installed")
        return self.packs[-1]

    def rules_for(self, pack: Pack) -> tuple[Rule, ...]:
        """The pack's rules followed by extra rules plugins add to it."""
        if pack.name not in self._extra:
            extra: list[Rule] = []
            for impl in self.manager.hook.complaintrules_extra_rules.get_hookimpls():
                try:
                    returned = cast(Iterable[object], impl.function(pack=pack))
                    for rule in returned:
                        if isinstance(rule, Rule):
                            extra.append(rule)
                        else:
                            self.problems.append(
                                PluginProblem(impl.plugin_name, f"returned {rule!r}, not a Rule")
                            )
                except Exception as exc:
                    self.problems.append(PluginProblem(impl.plugin_name, f"raised: {exc!r}"))
            self._extra[pack.name] = tuple(extra)
        return pack.rules + self._extra[pack.name]

    def all_rules(self) -> list[Rule]:
        return [rule for pack in self.packs for rule in self.rules_for(pack)]

    def equivalents(self, rule_id: str) -> tuple[str, ...]:
        """Rule ids in other installed packs equivalent to ``rule_id``, for comparing years.

        Read from each pack's ``equivalents`` map in both directions: the map of the pack
        that owns ``rule_id``, and the maps of other packs that point at it.
        """
        found: list[str] = []
        for pack in self.packs:
            if rule_id in pack.equivalents:
                found += pack.equivalents[rule_id]
            found += [k for k, targets in pack.equivalents.items() if rule_id in targets]
        return tuple(dict.fromkeys(f for f in found if f != rule_id))
