"""Server-sent events for the fakes: real `text/event-stream` framing, optional pauses between
events (so tests can watch progress and cancel mid-stream), and the scenario knobs every text fake
reads from `fake.state` (reply text, pauses, faults)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

from starlette.responses import StreamingResponse


def frame(data: Any, event: str = "", newline: str = "\n") -> bytes:
    """One SSE event: optional `event:` line, a `data:` line (JSON unless already text), blank line."""
    payload = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}{newline}" if event else ""
    return f"{head}data: {payload}{newline}{newline}".encode()


def sse(frames: Iterable[bytes], delay: float = 0.0) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        for i, chunk in enumerate(frames):
            if delay and i:
                await asyncio.sleep(delay)
            yield chunk

    return StreamingResponse(body(), media_type="text/event-stream", headers={"cache-control": "no-cache"})


def reply_pieces(text: str) -> list[str]:
    """The reply split the way a model streams it: word by word, keeping the spaces."""
    words = text.split(" ")
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def scenario(state: dict[str, Any], default_reply: str) -> dict[str, Any]:
    """The knobs a test may set in `fake.state["text"]`, with defaults."""
    knobs = {"reply": default_reply, "delay": 0.0, "thinking": "Let me think this through.", "finish": None,
             "refuse": "", "error_after": None, "error": None, "citations": None, "block": "",
             "failed": None}
    knobs.update(state.get("text") or {})
    return knobs
