"""Keep secrets out of every text cklauto shows or stores, even when a server echoes them back.

A hostile or careless server can put the password it was sent into an HTTP error page, a
WS-Management fault or a PowerShell error record, plain or encoded (base64 of ``user:password``
as in a Basic header, URL-encoded, XML/HTML-escaped, JSON-escaped).  `Redactor` masks each of
those forms.

Masking must not itself reveal a short password: replacing every ``e`` of a one-letter
password ``e`` would show the password by the holes it leaves.  So a form shorter than
`ANYWHERE_LENGTH` characters is masked only as a whole token (not inside a longer word); longer
forms, which do not occur by chance, are masked wherever they appear.

The CLI registers the secrets of a run with `register`; `scrub` then masks them in any text,
and `SecretFilter` does the same to every log record that reaches cklauto's handler.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import logging
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable

MASK = "***"

#: Forms at least this long are masked wherever they appear; shorter ones only as whole tokens.
ANYWHERE_LENGTH = 8


def secret_forms(secret: str, username: str | None = None) -> frozenset[str]:
    """``secret`` as a server might echo it: plain, base64, URL-encoded, XML/HTML- and JSON-escaped,
    and, with ``username``, the base64 ``user:password`` of a Basic header."""
    if not secret:
        return frozenset()
    forms = {secret, html.escape(secret, quote=False), html.escape(secret, quote=True)}
    forms.add(json.dumps(secret)[1:-1])
    # Percent-escapes match in either case (see Redactor).
    forms |= {urllib.parse.quote(secret, safe=""), urllib.parse.quote(secret), urllib.parse.quote_plus(secret)}
    pairs = [secret] + ([f"{username}:{secret}"] if username else [])
    for text in pairs:
        for encoding in ("utf-8", "latin-1"):  # requests encodes a Basic header's user:password as latin-1
            try:
                encoded = base64.b64encode(text.encode(encoding)).decode("ascii")
            except UnicodeEncodeError:
                continue
            forms.add(encoded)
            forms.add(encoded.rstrip("="))
    forms.discard("")
    return frozenset(forms)


class Redactor:
    """Masks a fixed set of secret forms in text; see the module docstring for which and how."""

    def __init__(self, forms: Iterable[str]) -> None:
        ordered = sorted(set(forms), key=lambda f: (-len(f), f))  # longest first: masks whole encodings
        alternatives = [
            _regex(form) if len(form) >= ANYWHERE_LENGTH else rf"(?<!\w){_regex(form)}(?!\w)"
            for form in ordered
            if form
        ]
        self._pattern = re.compile("|".join(alternatives)) if alternatives else None

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    def __bool__(self) -> bool:
        return self._pattern is not None


def _regex(form: str) -> str:
    """``form`` as a regular expression, its percent-escapes in either case (%2f is %2F)."""
    return re.sub(r"%([0-9A-Fa-f]{2})", r"%(?i:\1)", re.escape(form))


@functools.lru_cache(maxsize=32)
def redactor_for(*secrets: str | None, username: str | None = None) -> Redactor:
    """A `Redactor` for these secrets (None and empty ones ignored), built once per combination."""
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms |= secret_forms(secret, username)
    return Redactor(forms)


# --- the secrets of this process ---------------------------------------------------------------------

_lock = threading.Lock()
_registered: dict[tuple[str, str | None], None] = {}
_current = Redactor(())


def register(secret: str | None, username: str | None = None) -> None:
    """Remember ``secret`` (and, with ``username``, its Basic-header form) for `scrub` and `SecretFilter`."""
    global _current
    if not secret:
        return
    with _lock:
        if (secret, username) in _registered:
            return
        _registered[(secret, username)] = None
        forms: set[str] = set()
        for known, user in _registered:
            forms |= secret_forms(known, user)
        _current = Redactor(forms)


def scrub(text: str) -> str:
    """``text`` with every registered secret masked."""
    return _current(text)


class SecretFilter(logging.Filter):
    """Masks registered secrets in a log record: its message, its traceback and its stack.

    Installed on cklauto's log handler as the last line of defence: pypsrp logs whole server
    answers at debug level (-vv), and those may echo the password.  ``render``, when given,
    further transforms the message, and each line of a traceback (the CLI uses it to escape
    control characters, so that one record is one line plus its traceback).
    """

    def __init__(self, render: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self._render = render

    def filter(self, record: logging.LogRecord) -> bool:
        message = scrub(record.getMessage())
        record.msg = self._render(message) if self._render else message
        record.args = None
        if record.exc_info:
            record.exc_text = self._lines(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self._lines(record.exc_text)
        if record.stack_info:
            record.stack_info = self._lines(record.stack_info)
        return True

    def _lines(self, text: str) -> str:
        text = scrub(text)
        if self._render is None:
            return text
        return "\n".join(self._render(line) for line in text.split("\n"))
