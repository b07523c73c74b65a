"""The registry of checks: built-in ones, and any a site installs as a plugin.

Checks are found the way flake8 and bandit find theirs: through the ``cklauto.checks`` entry-point group, loaded
lazily (only when a command needs them) and sorted by STIG ID.  An entry point may name a :class:`Check`, a
module holding ``CHECK``, or a package whose modules each hold one.  cklauto's own entry point names this
package, so a new built-in check is one new module here (``ex13_mb_000110.py`` holding ``CHECK``) plus its tests.

A site adds its own checks without forking::

    [project.entry-points."cklauto.checks"]
    site-rules = "contoso_stig_checks"          # a package of modules, each with CHECK = Check(...)
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from cklauto.checks.api import Check
from cklauto.errors import ConfigError

ENTRY_POINT_GROUP = "cklauto.checks"
_CHECK_MODULE = re.compile(r"^[a-z0-9_]+$")
#: Modules of this package that are the frame, not checks.
_NOT_CHECKS = frozenset({"api", "frame", "text", "values"})


@cache
def all_checks() -> tuple[Check, ...]:
    """Every registered check, sorted by STIG ID.  Raises ConfigError when two claim the same rule."""
    found: dict[str, Check] = {}
    sources: dict[str, str] = {}
    for source, check in _discover():
        key = check.stig_id.upper()
        if key in found and found[key] is not check:
            raise ConfigError(
                f"two checks claim {check.stig_id}: {sources[key]} and {source}", "uninstall one of the plugins"
            )
        found[key] = check
        sources[key] = source
    return tuple(found[k] for k in sorted(found))


def _discover() -> Iterable[tuple[str, Check]]:
    points = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)
    names = {ep.value for ep in points}
    if __name__ not in names:
        # Not installed with its metadata (running from a source tree): the built-ins are still ours.
        yield from _from_object(__name__, importlib.import_module(__name__))
    for point in points:
        try:
            loaded = point.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must say which one it is
            raise ConfigError(
                f"the check plugin {point.name!r} ({point.value}) could not be loaded: {type(exc).__name__}: {exc}",
                "fix or uninstall that plugin",
            ) from None
        yield from _from_object(point.value, loaded)


def _from_object(source: str, loaded: Any) -> Iterable[tuple[str, Check]]:
    if isinstance(loaded, Check):
        yield source, loaded
        return
    if isinstance(loaded, ModuleType):
        check = getattr(loaded, "CHECK", None)
        if isinstance(check, Check):
            yield source, check
        path = getattr(loaded, "__path__", None)
        if path is not None:
            for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
                if info.ispkg or info.name.startswith("_") or info.name in _NOT_CHECKS:
                    continue
                if not _CHECK_MODULE.match(info.name):
                    continue
                module = importlib.import_module(f"{loaded.__name__}.{info.name}")
                check = getattr(module, "CHECK", None)
                if isinstance(check, Check):
                    yield module.__name__, check
        return
    if isinstance(loaded, (list, tuple)):
        for item in loaded:
            yield from _from_object(source, item)
        return
    raise ConfigError(f"the check plugin {source} is not a Check, a module or a package of checks")


def find_check(identifier: str) -> Check | None:
    """The check that ``identifier`` (STIG ID, Group ID, Rule ID with or without revision, legacy ID) names."""
    key = identifier.strip().upper()
    # A Rule ID whose revision was bumped in a later release still names the same rule.
    base = _RULE_REVISION.fullmatch(key)
    for check in all_checks():
        names = check.ids.names()
        if key in names or (base is not None and base.group("base") in names):
            return check
    return None


_RULE_REVISION = re.compile(r"(?P<base>SV-\d+)R\d+(?:_RULE)?")


def select_checks(identifiers: Sequence[str]) -> tuple[Check, ...]:
    """The checks ``--rule`` names (all of them when none is given); ConfigError for a name no check answers to."""
    if not identifiers:
        return all_checks()
    chosen: dict[str, Check] = {}
    for identifier in identifiers:
        check = find_check(identifier)
        if check is None:
            raise ConfigError(
                f"no automated check for rule {identifier!r}", "run 'cklauto checks' to list the automated rules"
            )
        chosen[check.stig_id] = check
    return tuple(chosen[k] for k in sorted(chosen))


__all__ = ["ENTRY_POINT_GROUP", "Check", "all_checks", "find_check", "select_checks"]
