"""The config file: the defaults a site repeats on every run (auth, username, CA bundle, jobs, timeout, site
settings file, inventory...), in TOML.

Which file: ``--config FILE``, else the environment variable ``CKLAUTO_CONFIG``, else ``config.toml`` in the
user's config folder (``click.get_app_dir("cklauto")``: ``~/.config/cklauto`` on Linux, ``%APPDATA%\\cklauto`` on
Windows, ``~/Library/Application Support/cklauto`` on macOS) when it exists.

Precedence: command line > environment > config file > built-in defaults.  The CLI hands the file's values to
click as each command's ``default_map``, which click consults after the command line and the environment.

A config file never holds a password: a key that names one is refused.  An unknown key or a bad value is an
error that names the key and the file; relative paths are relative to the file's folder.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from cklauto.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

APP_NAME = "cklauto"
CONFIG_ENV = "CKLAUTO_CONFIG"
FILE_NAME = "config.toml"
MAX_CONFIG_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Key:
    """One key of the config file: the option it sets in each command that has it."""

    name: str
    help: str
    #: (command, parameter name) pairs, e.g. ("run", "site_file").
    targets: tuple[tuple[str, str], ...]
    is_path: bool = False


#: Every key a config file may hold, in the order ``cklauto config show`` lists them.
_CONNECTION = ("run", "doctor")


def _both(parameter: str) -> tuple[tuple[str, str], ...]:
    return tuple((command, parameter) for command in _CONNECTION)


KEYS: tuple[Key, ...] = (
    Key("site", "site settings file (TOML), as --site", (("run", "site_file"), ("checks", "site_file")), True),
    Key("domain", "internal SMTP domain(s), as --domain", (("run", "domains"), ("checks", "domains"))),
    Key("inventory", "inventory CSV, as --inventory", (("run", "inventory"),), True),
    Key("auth", "authentication, as --auth", _both("auth")),
    Key("username", "user name, as --username", _both("username")),
    Key("ca_bundle", "CA bundle (PEM), as --ca-bundle", _both("ca_bundle"), True),
    Key("spn_service", "service class of the servers' Kerberos SPN, as --spn-service", _both("spn_service")),
    Key("endpoint", "exchange or winrm, as --endpoint", _both("endpoint")),
    Key("port", "TCP port, as --port", _both("port")),
    Key(
        "ssl", "true: HTTPS; false: HTTP with encrypted messages (default: by --auth), as --ssl/--no-ssl", _both("ssl")
    ),
    Key("timeout", "seconds per host, as --timeout", _both("timeout")),
    Key("pipelines", "queries one server may run at once, as --pipelines", _both("pipelines")),
    Key("jobs", "hosts checked in parallel, as --jobs", (("run", "jobs"),)),
    Key("allow_server", "more servers a password may go to, as --allow-server", (("run", "allow_servers"),)),
    Key("per_org", "ask organisation-wide cmdlets once per organisation, as --per-org", (("run", "per_org"),)),
    Key("no_comments", "no comment on Open results, as --no-comments", (("run", "no_comments"),)),
)
KEYS_BY_NAME = {key.name: key for key in KEYS}

#: Words that mark a key as a secret; such keys are refused whatever their name.
_SECRET_WORDS = ("password", "passwd", "secret", "token")


@dataclass(frozen=True)
class Config:
    """The config file in effect (if any) and its checked values."""

    path: Path | None
    #: Why this file: "--config", "CKLAUTO_CONFIG", "the user's config folder", or "" when there is none.
    origin: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def default_map(self) -> dict[str, dict[str, Any]]:
        """The values as click's ``default_map``: per command, per parameter name."""
        result: dict[str, dict[str, Any]] = {}
        for name, value in self.values.items():
            for command, parameter in KEYS_BY_NAME[name].targets:
                result.setdefault(command, {})[parameter] = value
        return result


def user_config_path() -> Path:
    """Where the user's own config file lives (it need not exist)."""
    import click

    return Path(click.get_app_dir(APP_NAME)) / FILE_NAME


def find_config(explicit: Path | None, from_environment: bool) -> tuple[Path | None, str]:
    """The file to read and why: ``explicit`` (from --config, or CKLAUTO_CONFIG when ``from_environment``), else the
    user's config file when it exists."""
    if explicit is not None:
        return explicit, CONFIG_ENV if from_environment else "--config"
    candidate = user_config_path()
    try:
        found = candidate.is_file()
    except OSError:  # a config folder this user may not enter holds no file of theirs
        found = False
    return (candidate, "the user's config folder") if found else (None, "")


def load_config(path: Path | None, origin: str, convert: Callable[[Key, Any], Any] | None = None) -> Config:
    """Read and check the config file; ``convert(key, value)`` checks a value as its option would (raising
    ValueError with the reason).  Raises ConfigError naming the file and the key."""
    if path is None:
        return Config(None, "")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: config file cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: config file is larger than {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        document = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: config file is not valid TOML: {exc}") from None
    values: dict[str, Any] = {}
    for name, value in document.items():
        lowered = name.lower()
        if any(word in lowered for word in _SECRET_WORDS):
            raise ConfigError(
                f"{path}: key {name!r}: a password does not belong in a config file",
                "give it in the CKLAUTO_PASSWORD environment variable or at the prompt",
            )
        key = KEYS_BY_NAME.get(name)
        if key is None:
            close = get_close_matches(name, KEYS_BY_NAME, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(
                f"{path}: unknown key {name!r}", f"{hint}known keys: {', '.join(KEYS_BY_NAME)}; see cklauto config show"
            )
        if isinstance(value, dict):
            raise ConfigError(f"{path}: key {name!r}: a table is not a value here")
        if key.is_path and isinstance(value, str):
            value = str((path.parent / Path(value).expanduser()).resolve()) if value else value
        if convert is not None:
            try:
                value = convert(key, value)
            except ValueError as exc:
                raise ConfigError(f"{path}: key {name!r}: {exc}") from None
        values[name] = value
    return Config(path, origin, values)
