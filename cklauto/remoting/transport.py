"""Bounds on what one Exchange server can make the HTTP client do: answer size, time, redirects.

pypsrp sends every WS-Management message through a ``requests`` session and reads each answer
whole (``response.content``).  A hostile or broken server could therefore grow cklauto's memory
without limit (an endless or huge body), keep one request alive forever by sending a byte now
and then (each byte restarts the socket's read timeout), or redirect the client elsewhere,
e.g. from HTTPS to plain HTTP.  `bound_responses` wraps the session's adapters so that:

* each answer body is streamed and refused once it exceeds `MAX_RESPONSE_BYTES` (or announces
  more in ``Content-Length``), before it is held in memory;
* reading an answer stops at the host's deadline, however slowly bytes arrive;
* any 3xx answer is refused, naming where it pointed; nothing is followed.

Every refusal is a `RemoteError` that names the host.  The wrapper sits below pypsrp's auth
handlers, so the 401 legs of NTLM/Negotiate/CredSSP are bounded too.

The body is read when it is first asked for (``response.content``), not in ``send``: pypsrp's
Negotiate handler takes the server certificate for channel binding (Extended Protection) from
the response's still-open socket before it reads the body.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from cklauto.errors import RemoteError

#: Largest HTTP answer body cklauto reads from a server, in bytes (after any Content-Encoding
#: is undone).  A WS-Management answer is bounded by the envelope size pypsrp asks for
#: (about 150 KiB; WinRM's own maximum is 500 KiB), so this is hundreds of times any real answer.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024

#: Bytes asked of the socket per read; ``read1`` returns what has arrived, up to this much.
_READ_SIZE = 64 * 1024


def describe_limit(limit: int) -> str:
    """A byte count as people say it: ``64 MiB``."""
    return f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit} bytes"


def bound_responses(wsman: Any, host: str, timeout: float, scrub: Callable[[str], str] = str) -> None:
    """Wrap every adapter of ``wsman``'s requests session in a `BoundedAdapter`.

    ``timeout`` is the host's overall deadline in seconds, counted from now; ``scrub`` cleans
    server text (a redirect's Location) before it goes into an error.  Raises
    `RemoteError` when pypsrp's session cannot be reached: sending without these bounds is
    not an option.
    """
    transport: Any = getattr(wsman, "transport", None)
    session = getattr(transport, "session", None)
    if session is None:
        build = getattr(transport, "_build_session", None)
        if build is None:
            raise RemoteError(
                host,
                "protocol",
                "cannot bound HTTP answers: this pypsrp version hides its requests session",
                "install the pypsrp version cklauto supports (pip install -U cklauto)",
            )
        session = build()
        transport.session = session
    deadline = time.monotonic() + timeout
    for prefix, adapter in list(session.adapters.items()):
        if not isinstance(adapter, BoundedAdapter):
            session.adapters[prefix] = BoundedAdapter(adapter, host=host, deadline=deadline, scrub=scrub)


class BoundedAdapter:
    """A requests transport adapter that delegates to pypsrp's and bounds each answer.

    It implements requests' ``BaseAdapter`` interface (``send`` and ``close``) by delegation,
    so pypsrp's own adapters (connection pooling, key passwords) keep working unchanged.
    """

    def __init__(
        self,
        inner: Any,
        *,
        host: str,
        deadline: float,
        limit: int | None = None,
        scrub: Callable[[str], str] = str,
    ) -> None:
        self.inner = inner
        self.host = host
        self.deadline = deadline
        self.limit = MAX_RESPONSE_BYTES if limit is None else limit
        self.scrub = scrub

    def send(self, request: Any, stream: bool = False, **kwargs: Any) -> Any:
        self._check_deadline(request)
        response = self.inner.send(request, stream=True, **kwargs)
        # Auth handlers re-send through ``response.connection``: keep them on this adapter.
        response.connection = self
        try:
            if 300 <= response.status_code < 400:
                raise self._redirect(request, response)
            self._check_declared_length(request, response)
        except BaseException:
            response.close()  # never reuse a connection whose answer was not read
            raise
        # Same object, one more behaviour: ``content`` reads through `read_body`.
        response.__class__ = _bounded_response_class()
        response.cklauto_bounds = self
        return response

    def close(self) -> None:
        self.inner.close()

    # --- the checks ----------------------------------------------------------------------------
    def _check_deadline(self, request: Any) -> None:
        if time.monotonic() > self.deadline:
            raise RemoteError(
                self.host,
                "timeout",
                f"the time allowed for this host ran out while talking to {_url(request)}",
                "the server is slow or sends its answer very slowly; check it, or raise --timeout",
            )

    def _redirect(self, request: Any, response: Any) -> RemoteError:
        location = _printable(self.scrub(response.headers.get("Location", ""))) or "(no Location header)"
        downgrade = (
            " (a downgrade from HTTPS to plain HTTP)"
            if _url(request).lower().startswith("https:") and location.lower().startswith("http:")
            else ""
        )
        return RemoteError(
            self.host,
            "protocol",
            f"{_url(request)} answered HTTP {response.status_code}, a redirect to {location}{downgrade}; "
            "cklauto does not follow redirects",
            "if that is the server's real address, name it with --server, --port and --ssl, or in the inventory",
        )

    def _too_large(self, request: Any, announced: int | None = None) -> RemoteError:
        size, action = (
            (f"announces {announced} bytes, more than", "not read")
            if announced is not None
            else ("is larger than", "stopped reading")
        )
        return RemoteError(
            self.host,
            "protocol",
            f"the answer from {_url(request)} {size} cklauto's limit of {describe_limit(self.limit)} "
            f"per HTTP response; {action}",
            "no real Exchange answer comes near this; check the server and any proxy in between",
        )

    def _check_declared_length(self, request: Any, response: Any) -> None:
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > self.limit:
            raise self._too_large(request, int(declared))

    def read_body(self, request: Any, response: Any) -> bytes:
        """The decoded body, read as it arrives, never more than ``limit`` bytes nor past the deadline."""
        raw = response.raw
        if raw is None:
            return b""
        # read1 returns whatever has arrived, so a trickling server cannot hold one read open for
        # long; urllib3 < 2 has no read1 (its stream() still bounds the size).
        reads = (
            iter(lambda: raw.read1(_READ_SIZE, decode_content=True), b"")
            if hasattr(raw, "read1")
            else raw.stream(_READ_SIZE, decode_content=True)
        )
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in reads:
                total += len(chunk)
                if total > self.limit:
                    raise self._too_large(request)
                chunks.append(chunk)
                self._check_deadline(request)
        except BaseException:
            response.close()  # a half-read answer: never reuse this connection
            raise
        return b"".join(chunks)


@functools.cache
def _bounded_response_class() -> type:
    """A ``requests.Response`` whose body is read by its adapter's `BoundedAdapter.read_body`.

    Built on first use so that importing cklauto does not import requests.
    """
    import requests

    class BoundedResponse(requests.Response):  # type: ignore[misc]
        cklauto_bounds: BoundedAdapter

        @property
        def content(self) -> Any:
            if self._content is False and not self._content_consumed and self.raw is not None:
                self._content = _translated(self.cklauto_bounds.read_body, self.request, self)
                self._content_consumed = True
            return super().content

    return BoundedResponse


def _translated(read: Any, request: Any, response: Any) -> bytes:
    """Run ``read``, raising urllib3's errors as requests does when it reads a body itself."""
    import requests
    from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError
    from urllib3.exceptions import SSLError as Urllib3SSLError

    try:
        body: bytes = read(request, response)
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from exc
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc
    except Urllib3SSLError as exc:
        raise requests.exceptions.SSLError(exc) from exc
    return body


def _url(request: Any) -> str:
    return str(getattr(request, "url", "") or "the server")


def _printable(text: str, limit: int = 200) -> str:
    """A header value as one short line (it is the server's text, not ours)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
