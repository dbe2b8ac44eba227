"""Reading a generation response: server-sent events decoded as JSON objects, or the plain JSON
body when the provider answered without streaming. Vendor framing (event names, terminators,
error events) is interpreted by the caller."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx2

from ..errors import ProviderUnavailable

# generation can think silently for minutes before the first token: a generous read timeout
GENERATION_TIMEOUT = httpx2.Timeout(connect=10.0, read=600.0, write=60.0, pool=10.0)


@dataclass(frozen=True)
class Event:
    name: str  # the SSE `event:` field, "message" when absent
    data: Any  # the parsed JSON of its `data:`


def is_event_stream(response: httpx2.Response) -> bool:
    return response.headers.get("content-type", "").split(";")[0].strip().lower() == "text/event-stream"


def _malformed(provider: str, what: str) -> ProviderUnavailable:
    return ProviderUnavailable(f"{provider} sent a malformed {what}", provider=provider,
                               hint="Try again; if it keeps happening, pick another model")


async def events(response: httpx2.Response, provider: str, *, terminator: str = "") -> AsyncIterator[Event]:
    """Each event's JSON; stops at a `data:` equal to `terminator` (e.g. "[DONE]")."""
    async for sse in httpx2.EventSource(response):
        data = sse.data.strip()
        if not data:
            continue
        if terminator and data == terminator:
            return
        try:
            parsed = json.loads(data)
        except ValueError:
            raise _malformed(provider, "stream event") from None
        yield Event(sse.event, parsed)


async def json_body(response: httpx2.Response, provider: str) -> dict[str, Any]:
    """The whole body as a JSON object."""
    body = await response.aread()
    try:
        parsed = json.loads(body)
    except ValueError:
        raise _malformed(provider, "response") from None
    if not isinstance(parsed, dict):
        raise _malformed(provider, "response")
    return parsed
