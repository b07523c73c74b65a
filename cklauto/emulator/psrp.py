"""Glue between WinRS shell operations and a psrpcore server Runspace Pool.

One `PoolSession` per WSMan shell.  Incoming base64-decoded payloads (creationXml, Command
arguments, Send streams) are fed to the pool; events that start a pipeline run it at once
(the cmdlet engine is synchronous and quick); outgoing fragments are queued per target
(pool or pipeline) and handed out one envelope-sized chunk per Receive, so large outputs span
several Receives like real WinRM.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque

from psrpcore import CreatePipelineEvent, PSRPPayload, ServerPipeline, ServerRunspacePool, StreamType
from psrpcore.types import PSInvocationState

from cklauto.emulator.behavior import HostBehavior, HostStats
from cklauto.emulator.exchange import EndpointStyle, Engine, RunspaceState

# Stay under pypsrp's default MaxEnvelopeSize (153600 bytes) after base64 and the SOAP wrapper.
_CHUNK = 100_000
_TERMINAL = {PSInvocationState.Completed, PSInvocationState.Failed, PSInvocationState.Stopped}


class PoolSession:
    """The server half of one RunspacePool, bound to the host and endpoint it was created on."""

    def __init__(self, shell_id: str, behavior: HostBehavior, style: EndpointStyle, stats: HostStats) -> None:
        self.shell_id = shell_id
        self.behavior = behavior
        self.style = style
        self.stats = stats
        # Requests for one shell are serialised: psrpcore objects are not thread-safe.
        self.lock = threading.Lock()
        self._pool = ServerRunspacePool()
        self._state = RunspaceState()
        self._out: dict[uuid.UUID | None, deque[bytes]] = {}
        # A slow server: each pipeline's output is ready `delay` seconds after it got a runspace, and at most
        # max_runspaces pipelines of the pool run at once, as on a real server.
        self._ready: dict[uuid.UUID, float] = {}
        self._slots: list[float] = []

    def _feed(self, data: bytes, pipeline_id: uuid.UUID | None) -> None:
        self._pool.receive_data(PSRPPayload(data, StreamType.default, pipeline_id))
        while True:
            event = self._pool.next_event()
            if event is None:
                break
            if isinstance(event, CreatePipelineEvent):
                pipe = self._pool.pipeline_table[event.pipeline_id]
                Engine(self.behavior, self.style, self._state, self.stats).run(pipe)
        self._drain()

    def _drain(self) -> None:
        while True:
            payload = self._pool.data_to_send(_CHUNK)
            if payload is None:
                return
            self._out.setdefault(payload.pipeline_id, deque()).append(payload.data)

    def open(self, creation_xml: bytes) -> None:
        """Feed the creationXml (SessionCapability + InitRunspacePool)."""
        self._feed(creation_xml, None)

    def command(self, command_id: str, first_fragment: bytes) -> str:
        # psrpcore needs the pipeline object to exist before its CreatePipeline message arrives.
        pipeline_id = uuid.UUID(command_id) if command_id else uuid.uuid4()
        ServerPipeline(self._pool, pipeline_id)
        self._ready[pipeline_id] = self._schedule(time.monotonic())
        self._feed(first_fragment, pipeline_id)
        return command_id or str(pipeline_id).upper()

    def _schedule(self, now: float) -> float:
        width = max(1, int(getattr(self._pool, "max_runspaces", 1) or 1))
        while len(self._slots) < width:
            self._slots.append(0.0)
        slot = min(range(width), key=self._slots.__getitem__)
        ready = max(now, self._slots[slot]) + self.behavior.delay
        self._slots[slot] = ready
        return ready

    def seconds_until_ready(self, command_id: str) -> float:
        """How long a Receive for this pipeline must wait before its output exists."""
        try:
            ready = self._ready.get(uuid.UUID(command_id), 0.0)
        except ValueError:
            return 0.0
        return max(0.0, ready - time.monotonic())

    def send(self, data: bytes, command_id: str | None) -> None:
        self._feed(data, uuid.UUID(command_id) if command_id else None)

    def has_output(self, command_id: str | None) -> bool:
        key = uuid.UUID(command_id) if command_id else None
        return bool(self._out.get(key))

    def receive(self, command_id: str | None) -> tuple[bytes, bool]:
        """Next chunk for the pool (command_id None) or a pipeline, and whether that command is done."""
        key = uuid.UUID(command_id) if command_id else None
        queue = self._out.get(key)
        data = queue.popleft() if queue else b""
        if key is None:
            return data, False
        pipe = self._pool.pipeline_table.get(key)
        done = (pipe is None or pipe.state in _TERMINAL) and not queue
        return data, done

    def signal(self, command_id: str, code: str) -> None:
        try:
            key = uuid.UUID(command_id)
        except ValueError:
            return
        pipe = self._pool.pipeline_table.get(key)
        if pipe is None:
            return
        if code.lower().endswith("terminate"):
            if pipe.state == PSInvocationState.Running:
                pipe.stop()
            pipe.close()
            self._out.pop(key, None)
        elif pipe.state == PSInvocationState.Running:  # ctrl_c: stop a running pipeline
            pipe.stop()
            self._drain()
