"""The logging capability: the hub's log records sent to clients as `notifications/message`.

- Handshake-era clients set a level with `logging/setLevel`; from then on every record of the
  `mcp_ai_hub` loggers at or above it goes to that connection (background work included: job
  polling, listings).
- 2026-07-28 clients have no `logging/setLevel`: a request that opts in through its `_meta` log
  level gets the records logged while it runs, at the levels it asked for (the SDK filters them).

Every record is redacted like the stderr log (keys and echoes of them never leave), and stderr
keeps its own level. Sending never blocks or breaks the code that logs: records are handed to the
event loop, and a connection that has gone away is forgotten.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import anyio
from mcp.types import EmptyResult, SetLevelRequestParams
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from ..errors import redact

LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "notice": logging.INFO + 5,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "alert": logging.CRITICAL + 5,
    "emergency": logging.CRITICAL + 10,
}
HUB_LOGGER = "mcp_ai_hub"
MAX_PENDING = 200  # records in flight; beyond that they are dropped, not queued without bound

FLUSH_SECONDS = 2.0  # at most this long for a call's records to go out before its result


@dataclass
class CallLog:
    """The current tool call (its Context) and its records in flight, which must reach the client
    before the result does: on 2026-07-28 they ride the call's own response stream."""

    ctx: Any
    levels: frozenset[str] = frozenset()  # the levels this call's client opted in to (2026-07-28)
    closed: bool = False  # the call returned: background work it started logs on, to nobody
    sending: list[Any] = field(default_factory=list)


def opted_in_levels(ctx: Any) -> frozenset[str]:
    """The levels a 2026-07-28 request asked for in its `_meta` (none for handshake-era clients,
    whose connection-wide `logging/setLevel` decides instead)."""
    if ctx is None or ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS:
        return frozenset()
    session = getattr(ctx.request_context, "session", None)
    # fixed by the SDK per request from its `_meta` log level (mcp.server.connection.allowed_log_levels)
    return frozenset(getattr(session, "_allowed_log_levels", ()))


CURRENT: contextvars.ContextVar[CallLog | None] = contextvars.ContextVar("mcp_ai_hub_log_call", default=None)


def want(level: int) -> None:
    """Make the hub's loggers create records from `level` up, because a client asked for them
    (until the handler is detached; the stderr handlers keep their own level). Until someone asks,
    debug records are not even created: logging costs nothing per call."""
    hub = logging.getLogger(HUB_LOGGER)
    if hub.getEffectiveLevel() > level:
        hub.setLevel(level)


def enter_call(ctx: Any) -> tuple[CallLog, contextvars.Token]:
    """At a tool call's start: records logged inside may go to its client (if it opted in)."""
    call = CallLog(ctx, opted_in_levels(ctx))
    if call.levels:
        want(min(LEVELS[name] for name in call.levels))
    return call, CURRENT.set(call)


async def leave_call(call: CallLog, token: contextvars.Token) -> None:
    """At its end: the call's records are sent before its result; tasks it started (a job's
    poller) still see it, and stop sending to it."""
    CURRENT.reset(token)
    call.closed = True
    if call.sending:
        with anyio.move_on_after(FLUSH_SECONDS, shield=True):
            await asyncio.gather(*call.sending, return_exceptions=True)


_SENDING: contextvars.ContextVar[bool] = contextvars.ContextVar("mcp_ai_hub_log_sending", default=False)


def mcp_level(levelno: int) -> str:
    """The MCP level of a Python level: the highest MCP level at or below it."""
    return max((name for name, n in LEVELS.items() if n <= levelno), key=LEVELS.__getitem__, default="debug")


class ClientLogHandler(logging.Handler):
    """Forwards records to connections that asked (setLevel) and to the opted-in current request."""

    def __init__(self, secrets: Callable[[], list[str]]):
        super().__init__(logging.DEBUG)
        self.secrets = secrets
        self.setFormatter(logging.Formatter("%(message)s"))
        self.targets: dict[int, tuple[Any, int]] = {}  # id(connection) -> (connection, level)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pending: set[Any] = set()
        self.users = 0
        self._level_before = logging.NOTSET

    def attach(self) -> None:
        """Start forwarding (a server's lifespan, which may run once per connection)."""
        self.users += 1
        if self.users == 1:
            hub = logging.getLogger(HUB_LOGGER)
            self._level_before = hub.level
            hub.addHandler(self)

    def detach(self) -> None:
        self.users -= 1
        if self.users == 0:
            hub = logging.getLogger(HUB_LOGGER)
            hub.removeHandler(self)
            hub.setLevel(self._level_before)
            self.targets.clear()

    def set_level(self, connection: Any, level: str) -> None:
        self.loop = asyncio.get_running_loop()
        self.targets[id(connection)] = (connection, LEVELS[level])
        want(LEVELS[level])

    def emit(self, record: logging.LogRecord) -> None:
        # who wants this record is decided before any formatting: most records go to nobody
        if _SENDING.get():
            return
        level = mcp_level(record.levelno)
        connections = [
            (key, c) for key, (c, wanted) in list(self.targets.items()) if record.levelno >= wanted
        ]
        call = CURRENT.get()
        to_call = call is not None and not call.closed and level in call.levels
        if not connections and not to_call:
            return
        try:
            text = redact(self.format(record), self.secrets())
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is not worth a crash
            return
        data = {"message": text}
        for key, connection in connections:
            self._send(key, lambda c=connection: c.log(level, data, logger=record.name))
        if to_call and call is not None:
            ctx = call.ctx
            task = self._send(
                None,
                lambda: ctx.session.send_log_message(
                    level, data, logger=record.name, related_request_id=ctx.request_id
                ),
            )
            if task is not None:
                call.sending.append(task)

    def _send(self, key: int | None, make: Callable[[], Coroutine[Any, Any, None]]) -> Any:
        """Send from the event loop (a task, returned) or from a worker thread (handed over)."""
        if len(self.pending) >= MAX_PENDING:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a worker thread: hand it to the server's loop
            loop = None
        target = loop or self.loop
        if target is None:
            return None

        async def send() -> None:
            token = _SENDING.set(True)
            try:
                with warnings.catch_warnings():  # the SDK marks logging deprecated at 2026-07-28
                    warnings.simplefilter("ignore")
                    coroutine = make()
                await coroutine
            except Exception:  # noqa: BLE001 - that client is gone: stop sending to it
                if key is not None:
                    self.targets.pop(key, None)
            finally:
                _SENDING.reset(token)

        if loop is not None:
            task = loop.create_task(send())
            self.pending.add(task)
            task.add_done_callback(self.pending.discard)
            return task
        future = asyncio.run_coroutine_threadsafe(send(), target)
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)
        return None


def install(mcp: Any, secrets: Callable[[], list[str]]) -> ClientLogHandler:
    """Register `logging/setLevel` (which advertises the logging capability); the returned handler
    forwards records while attached (the server's lifespan attaches it)."""
    handler = ClientLogHandler(secrets)

    async def set_level(ctx: Any, params: SetLevelRequestParams) -> EmptyResult:
        connection = getattr(ctx.session, "_connection", None) or ctx.session
        handler.set_level(connection, params.level)
        return EmptyResult()

    mcp._lowlevel_server.add_request_handler("logging/setLevel", SetLevelRequestParams, set_level)
    return handler
