"""Plugin loading: a plugin manager built on request, never at import time."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from types import ModuleType
from typing import cast

import pluggy

from . import hookspecs as _hookspecs
from .packs import Pack
from .parameters import ParameterSet
from .rules import Rule

__all__ = [
    "AUTOLOAD_ENV",
    "BUILTIN_DISTRIBUTION",
    "ENTRY_POINT_GROUP",
    "NoPackError",
    "PackRegistry",
    "PluginProblem",
    "make_plugin_manager",
]

ENTRY_POINT_GROUP = "complaintrules"
#: Set this environment variable (to anything) to stop plugins loading from entry points.
AUTOLOAD_ENV = "COMPLAINTRULES_DISABLE_PLUGIN_AUTOLOAD"
#: The distribution that ships the built-in packs: its packs and rule ids win any clash.
BUILTIN_DISTRIBUTION = "complaintrules"


class NoPackError(LookupError):
    """No installed pack answers the request (unknown name, or none in force on a date)."""


@dataclass(frozen=True, slots=True)
class PluginProblem:
    """A plugin or pack that could not be used; reported, never fatal.

    ``clash`` marks a plugin that claimed a pack name or rule id another distribution owns:
    the claim is refused, and the command line exits 2 because the set-up cannot be trusted.
    """

    plugin: str
    problem: str
    clash: bool = False


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
    manager, problems, _ = _load(autoload=autoload, blocked=blocked, plugins=plugins)
    return manager, problems


def _load(
    *, autoload: bool | None, blocked: Iterable[str], plugins: Iterable[object]
) -> tuple[pluggy.PluginManager, list[PluginProblem], dict[str, str]]:
    """The manager, the problems, and the distribution owning each registered plugin."""
    manager = pluggy.PluginManager(_hookspecs.PROJECT)
    manager.add_hookspecs(_hookspecs)
    for name in blocked:
        manager.set_blocked(name)
    problems: list[PluginProblem] = []
    owners: dict[str, str] = {}
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_ENV)
    if autoload:
        # The built-in distribution's entry points first, so a plugin cannot take their names.
        for entry_point in sorted(_entry_points(), key=_builtin_first):
            dist = _distribution(entry_point)
            if manager.is_blocked(entry_point.name):
                continue
            if manager.has_plugin(entry_point.name):
                if owners.get(entry_point.name) != dist:
                    problems.append(
                        PluginProblem(
                            entry_point.name,
                            f"distribution {dist!r} declares entry point {entry_point.name!r}, "
                            f"which distribution {owners.get(entry_point.name)!r} already "
                            "declares; not loaded",
                            clash=True,
                        )
                    )
                continue
            try:
                plugin = entry_point.load()
                manager.register(plugin, name=entry_point.name)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # a broken plugin must not take the run down, or end it
                problems.append(PluginProblem(entry_point.name, f"failed to load: {exc!r}"))
                continue
            owners[entry_point.name] = dist
    for plugin in plugins:
        try:
            registered = manager.register(plugin)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            problems.append(PluginProblem(_plugin_name(plugin), f"failed to register: {exc!r}"))
            continue
        if registered is not None:
            owners[registered] = f"{_plugin_name(plugin)} (registered directly)"
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        problems.append(PluginProblem(_plugin_name(exc.plugin), str(exc)))
        manager.unregister(exc.plugin)
    return manager, problems, owners


def _builtin_first(entry_point: metadata.EntryPoint) -> tuple[str, bool]:
    return entry_point.name, _distribution(entry_point) != BUILTIN_DISTRIBUTION


def _distribution(entry_point: metadata.EntryPoint) -> str:
    dist = entry_point.dist
    if dist is None:
        return f"(unknown distribution of entry point {entry_point.name!r})"
    return str(dist.name)


def _entry_points() -> Sequence[metadata.EntryPoint]:
    return list(metadata.entry_points(group=ENTRY_POINT_GROUP))


def _distinfo(manager: pluggy.PluginManager) -> dict[str, str]:
    """Plugins a host loaded with pluggy's own entry-point loader -> their distribution."""
    out = {}
    for plugin, dist in manager.list_plugin_distinfo():
        name = manager.get_name(plugin)
        if name is not None:
            out[name] = str(dist.project_name)
    return out


def _plugin_name(plugin: object) -> str:
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return getattr(plugin, "__name__", type(plugin).__name__)


#: Pack names and rule ids become file and folder names (``complaintrules docs``), so they
#: are held to a pattern with no path separators and no leading dot.
PACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: A plugin's parameter name: a namespace, a dot, then the name (dotted further if wished).
PARAMETER_NAME = re.compile(r"([a-z][a-z0-9_]{0,31})(\.[A-Za-z0-9_]+){1,7}")


def unsafe_pack_name(name: object) -> str | None:
    """Why ``name`` cannot be a pack name, or None if it can."""
    if isinstance(name, str) and PACK_NAME.fullmatch(name):
        return None
    return f"pack name {name!r} is not a letter followed by up to 63 letters, digits or underscores"


def unsafe_rule_id(rule_id: object) -> str | None:
    """Why ``rule_id`` cannot be a rule id, or None if it can."""
    if isinstance(rule_id, str) and RULE_ID.fullmatch(rule_id):
        return None
    return (
        f"rule id {rule_id!r} is not a letter or digit followed by up to 63 letters, "
        "digits, dots, hyphens or underscores"
    )


class PackRegistry:
    """The packs (and extra rules) the loaded plugins provide.

    Each plugin's hooks are called one by one, so a plugin that raises or returns nonsense
    is reported in :attr:`problems` and the others still load.

    A pack name and the ids of its rules belong to the distribution that registered them
    first, the built-in distribution before any other. A later claim on either from another
    distribution is refused and reported as a clash naming both, and the owner's pack is
    kept; so is an extra rule reusing an id that is already taken.
    """

    def __init__(
        self,
        manager: pluggy.PluginManager | None = None,
        problems: Iterable[PluginProblem] = (),
        *,
        autoload: bool | None = None,
        blocked: Iterable[str] = (),
        plugins: Iterable[object] = (),
        owners: Mapping[str, str] | None = None,
    ) -> None:
        found_owners: Mapping[str, str] = owners or {}
        if manager is None:
            manager, found, found_owners = _load(
                autoload=autoload, blocked=blocked, plugins=plugins
            )
            problems = [*problems, *found]
        self.manager = manager
        self.problems: list[PluginProblem] = list(problems)
        self._owners = {**_distinfo(manager), **found_owners}
        self._packs: dict[str, Pack] = {}
        self._pack_owner: dict[str, str] = {}
        self._rule_owner: dict[str, str] = {}
        self._extra: dict[str, tuple[Rule, ...]] = {}
        # pack (by identity) -> the same pack with the parameters plugins bring for it
        self._extended: dict[int, tuple[Pack, Pack]] = {}
        # (pack name, parameter namespace) -> the distribution that brought it
        self._namespace_owner: dict[tuple[str, str], str] = {}
        impls = sorted(
            manager.hook.complaintrules_packs.get_hookimpls(),
            key=lambda impl: self.owner(impl.plugin_name) != BUILTIN_DISTRIBUTION,
        )
        for impl in impls:
            try:
                provided = list(cast(Iterable[object], impl.function()))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit included: plugin code cannot end the run
                self.problems.append(PluginProblem(impl.plugin_name, f"raised: {exc!r}"))
                continue
            for pack in provided:
                if not isinstance(pack, Pack):
                    self.problems.append(
                        PluginProblem(impl.plugin_name, f"returned {pack!r}, not a Pack")
                    )
                else:
                    self._claim(impl.plugin_name, pack)

    def owner(self, plugin_name: str) -> str:
        """The distribution that registered the plugin ``plugin_name``."""
        return self._owners.get(plugin_name, f"{plugin_name} (registered directly)")

    def _claim(self, plugin: str, pack: Pack) -> None:
        """Register ``pack`` unless its name, or one of its rule ids, is unsafe or taken."""
        dist = self.owner(plugin)
        why = unsafe_pack_name(pack.name) or next(
            (w for w in map(unsafe_rule_id, (r.id for r in pack.rules)) if w), None
        )
        if why is not None:
            self.problems.append(PluginProblem(plugin, f"{why}; pack refused"))
            return
        if pack.name in self._packs:
            holder = self._pack_owner[pack.name]
            if holder == dist:
                self.problems.append(PluginProblem(plugin, f"pack {pack.name!r} already provided"))
            else:
                self.problems.append(self._clash(plugin, dist, f"pack {pack.name!r}", holder))
            return
        for rule in pack.rules:
            holder = self._rule_owner.get(rule.id, dist)
            if holder != dist:
                self.problems.append(
                    self._clash(plugin, dist, f"rule id {rule.id!r} (pack {pack.name!r})", holder)
                )
                return
        self._packs[pack.name] = pack
        self._pack_owner[pack.name] = dist
        for rule in pack.rules:
            self._rule_owner[rule.id] = dist

    @staticmethod
    def _clash(plugin: str, dist: str, what: str, holder: str) -> PluginProblem:
        return PluginProblem(
            plugin,
            f"distribution {dist!r} claims {what}, which belongs to distribution "
            f"{holder!r}; refused, {holder!r} kept",
            clash=True,
        )

    @property
    def clashes(self) -> list[PluginProblem]:
        """Problems where a plugin claimed a name another distribution owns."""
        return [p for p in self.problems if p.clash]

    @property
    def packs(self) -> list[Pack]:
        """Installed packs, oldest Code first."""
        ordered = sorted(self._packs.values(), key=lambda p: (p.in_force_from, p.name))
        return [self.extended(p) for p in ordered]

    def get(self, name: str) -> Pack:
        try:
            pack = self._packs[name]
        except KeyError:
            known = ", ".join(sorted(self._packs)) or "none"
            raise NoPackError(f"no pack named {name!r} (installed: {known})") from None
        return self.extended(pack)

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
        """The pack's rules followed by extra rules plugins add to it.

        An extra rule whose id is unsafe, already in the pack, or owned by another
        distribution, or whose timescale names a parameter the pack lacks, is refused and
        reported.
        """
        if pack.name not in self._extra:
            extra: list[Rule] = []
            taken = {r.id for r in pack.rules}
            for impl in self.manager.hook.complaintrules_extra_rules.get_hookimpls():
                try:
                    returned = list(cast(Iterable[object], impl.function(pack=pack)))
                except KeyboardInterrupt:
                    raise
                except BaseException as exc:  # SystemExit included
                    self.problems.append(PluginProblem(impl.plugin_name, f"raised: {exc!r}"))
                    continue
                dist = self.owner(impl.plugin_name)
                for rule in returned:
                    problem = self._extra_problem(impl.plugin_name, dist, pack, rule, taken)
                    if problem is not None:
                        self.problems.append(problem)
                        continue
                    assert isinstance(rule, Rule)
                    extra.append(rule)
                    taken.add(rule.id)
                    self._rule_owner.setdefault(rule.id, dist)
            self._extra[pack.name] = tuple(extra)
        return pack.rules + self._extra[pack.name]

    def _extra_problem(
        self, plugin: str, dist: str, pack: Pack, rule: object, taken: set[str]
    ) -> PluginProblem | None:
        if not isinstance(rule, Rule):
            return PluginProblem(plugin, f"returned {rule!r}, not a Rule")
        why = unsafe_rule_id(rule.id)
        if why is not None:
            return PluginProblem(plugin, f"extra rule refused: {why}")
        holder = self._rule_owner.get(rule.id, dist)
        if holder != dist:
            return self._clash(plugin, dist, f"rule id {rule.id!r} (extra rule)", holder)
        if rule.id in taken:
            return PluginProblem(
                plugin, f"extra rule {rule.id!r} refused: pack {pack.name!r} already has that id"
            )
        problem = self.extended(pack).timescale_problem(rule)
        if problem is not None:
            return PluginProblem(plugin, f"extra rule refused: {problem} (pack {pack.name!r})")
        return None

    def extended(self, pack: Pack) -> Pack:
        """``pack`` with the dated parameters plugins bring for their extra rules
        (``complaintrules_extra_parameters``); ``pack`` itself when they bring none.

        A plugin's parameter whose name is not namespaced (``<namespace>.<name>``) is
        refused; one named like a parameter of the pack, or in a namespace the pack's own
        parameters or another distribution use, is refused and reported as a clash. The
        pack's own parameters are never replaced.
        """
        found = self._extended.get(id(pack))
        if found is not None and found[0] is pack:
            return found[1]
        own = pack.parameters
        taken_spaces = {name.split(".", 1)[0] for name in own}
        holder = self._pack_owner.get(pack.name, f"the provider of pack {pack.name!r}")
        added: dict[str, ParameterSet] = {}
        for impl in self.manager.hook.complaintrules_extra_parameters.get_hookimpls():
            dist = self.owner(impl.plugin_name)
            try:
                returned = impl.function(pack=pack)
                given = (
                    returned
                    if isinstance(returned, ParameterSet)
                    else ParameterSet.from_mapping(
                        cast(Mapping[str, object], returned),
                        origin=f"parameters of plugin {impl.plugin_name!r}",
                    )
                )
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit included: plugin code cannot end the run
                self.problems.append(PluginProblem(impl.plugin_name, f"raised: {exc!r}"))
                continue
            for name in given:
                problem = self._parameter_problem(
                    impl.plugin_name, dist, pack, name, taken_spaces, holder, added
                )
                if problem is not None:
                    self.problems.append(problem)
                    continue
                self._namespace_owner.setdefault((pack.name, name.split(".", 1)[0]), dist)
                added[name] = given
        if not added:
            result = pack
        else:
            # only the accepted names: the dated values of each, from the set that gave it
            extra = ParameterSet(
                {name: source[name] for name, source in added.items()},
                origin=f"{own.origin} and plugin parameters",
            )
            result = dataclasses.replace(pack, parameters=own.with_parameters(extra))
        self._extended[id(pack)] = (pack, result)
        self._extended[id(result)] = (result, result)
        return result

    def _parameter_problem(
        self,
        plugin: str,
        dist: str,
        pack: Pack,
        name: str,
        taken_spaces: set[str],
        holder: str,
        added: Mapping[str, object],
    ) -> PluginProblem | None:
        if name in pack.parameters:
            return self._clash(plugin, dist, f"parameter {name!r} of pack {pack.name!r}", holder)
        match = PARAMETER_NAME.fullmatch(name)
        if match is None:
            return PluginProblem(
                plugin,
                f"parameter {name!r} refused: not a namespaced name "
                "(a lower-case namespace of the plugin's own, a dot, then the name: "
                "'namespace.name')",
            )
        space = match.group(1)
        if space in taken_spaces:
            return self._clash(
                plugin,
                dist,
                f"parameter namespace {space!r} ({name!r}) of pack {pack.name!r}",
                holder,
            )
        owner = self._namespace_owner.get((pack.name, space), dist)
        if owner != dist:
            return self._clash(plugin, dist, f"parameter namespace {space!r} ({name!r})", owner)
        if name in added:
            return PluginProblem(plugin, f"parameter {name!r} already given; refused")
        return None

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
