"""Site settings: the values only a site's own documents know (EDSP, SSP), read from a TOML file.

A check declares the settings it needs (:class:`~cklauto.checks.api.SiteSetting`); this module reads the file
(``--site FILE`` or ``CKLAUTO_SITE``), checks every key against the settings the registered checks declare, and
checks each value's type, so that a typo is an error naming the key instead of a silently unevaluated rule::

    # site.toml: values from the Email Domain Security Plan
    internal_smtp_domain = ["contoso.mil"]
    internet_facing_send_connectors = ["Outbound to Internet"]
    max_send_size = "10 MB"
"""

from __future__ import annotations

import ipaddress
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cklauto.checks.api import Check, SettingType, SiteSetting
from cklauto.checks.values import normalize_domain, parse_size_setting
from cklauto.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_SITE_FILE_BYTES = 1024 * 1024

_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def validate_domain(text: str) -> str:
    """Check that ``text`` is a DNS domain (``contoso.mil``) or a wildcard domain (``*.contoso.mil``).

    Returns the normalised domain.  Raises ``ValueError`` with a message meant for the user otherwise.  At least two
    labels are required: an internal SMTP domain from an EDSP is fully qualified, and a lone label ("contoso") is
    far more often a typo than a real mail domain.
    """
    if not isinstance(text, str):
        raise ValueError(f"a domain must be text, not {type(text).__name__}")
    shown = text.strip()
    value = normalize_domain(text)
    if not value:
        raise ValueError("the domain is empty")
    if "@" in value:
        raise ValueError(f"{shown!r} is an email address; give only the domain part (after the @)")
    if "://" in value or "/" in value:
        raise ValueError(f"{shown!r} looks like a URL; give only the SMTP domain, such as contoso.mil")
    if any(ch.isspace() for ch in value):
        raise ValueError(f"{shown!r} contains whitespace; give one SMTP domain per value")
    if not value.isascii():
        raise ValueError(f"{shown!r} contains non-ASCII characters; give the domain in its ASCII (xn--) form")
    body = value[2:] if value.startswith("*.") else value
    if "*" in body:
        raise ValueError(f"{shown!r}: a wildcard is only allowed as a leading '*.' (as in *.contoso.mil)")
    if len(body) > 253:
        raise ValueError(f"{shown!r} is longer than the 253 characters a DNS name may have")
    labels = body.split(".")
    if len(labels) < 2:
        raise ValueError(f"{shown!r} is not a fully qualified domain; expected something like contoso.mil")
    for label in labels:
        if not label:
            raise ValueError(f"{shown!r} has an empty label (two dots in a row, or a leading dot)")
        if not _LABEL_RE.fullmatch(label):
            raise ValueError(
                f"{shown!r}: label {label!r} is not valid "
                "(use letters, digits and inner hyphens, at most 63 characters)"
            )
    if labels[-1].isdigit():
        raise ValueError(f"{shown!r} looks like an IP address; give the SMTP domain name")
    return value


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def convert(setting: SiteSetting, value: Any) -> Any:
    """``value`` as the check reads it; ValueError with a user message when it has the wrong type."""
    kind = setting.type
    if kind is SettingType.DOMAINS:
        result: list[str] = []
        for item in _as_list(value):
            domain = validate_domain(item)
            if domain not in result:
                result.append(domain)
        if not result:
            raise ValueError("give at least one domain")
        return tuple(result)
    if kind is SettingType.STRINGS:
        items = _as_list(value)
        if not all(isinstance(i, str) and i.strip() for i in items):
            raise ValueError("expected a list of non-empty strings")
        return tuple(i.strip() for i in items)
    if kind is SettingType.ADDRESSES:
        networks = []
        for item in _as_list(value):
            if not isinstance(item, str):
                raise ValueError("expected a list of IP addresses or networks as strings")
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return tuple(networks)
    if kind is SettingType.BYTES:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError('expected a size such as 10485760, "10 MB" or "Unlimited"')
        return parse_size_setting(value)
    if kind is SettingType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("expected a whole number")
        return value
    if kind is SettingType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if kind is SettingType.TEXT:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("expected non-empty text")
        return value.strip()
    raise ValueError(f"unknown setting type {kind}")  # pragma: no cover


def declared_settings(checks: Iterable[Check]) -> dict[str, SiteSetting]:
    """Every setting the checks declare, by name (the first declaration wins; they must agree on the type)."""
    found: dict[str, SiteSetting] = {}
    for check in checks:
        for setting in check.settings:
            known = found.get(setting.name)
            if known is not None and known.type is not setting.type:
                raise ConfigError(
                    f"checks disagree on the type of site setting {setting.name!r} ({known.type.value} vs "
                    f"{setting.type.value}); fix the check plugins"
                )
            found.setdefault(setting.name, setting)
    return found


def validate_settings(raw: Mapping[str, Any], checks: Iterable[Check], *, origin: str) -> dict[str, Any]:
    """Check every key and value of ``raw`` against what ``checks`` declare; ConfigError names the bad key."""
    declared = declared_settings(checks)
    result: dict[str, Any] = {}
    for key, value in raw.items():
        setting = declared.get(key)
        if setting is None:
            close = [name for name in declared if name.split("_")[0] == key.split("_")[0]][:3]
            hint = f"did you mean {', '.join(close)}?" if close else "run 'cklauto checks' to list the settings"
            raise ConfigError(f"{origin}: unknown site setting {key!r}", hint)
        try:
            result[key] = convert(setting, value)
        except ValueError as exc:
            raise ConfigError(f"{origin}: site setting {key!r}: {exc}") from None
    return result


def load_site_file(path: str | Path, checks: Iterable[Check]) -> dict[str, Any]:
    """Read and check a site settings TOML file."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SITE_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: site settings file cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_SITE_FILE_BYTES:
        raise ConfigError(f"{path}: site settings file is larger than 1 MiB")
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: site settings file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return validate_settings(raw, checks, origin=str(path))


def show_value(value: Any) -> str:
    """A converted setting as the finding details show it."""
    if isinstance(value, tuple):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
