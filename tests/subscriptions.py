"""Hearing a resource's `notifications/resources/updated` in either protocol generation: a
handshake-era client subscribes (`resources/subscribe`) and gets it through its message handler,
a 2026-07-28 client opens a `subscriptions/listen` stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio


class UpdateListener:
    """`listener = UpdateListener(mode)`, `connect(env, **listener.client_kwargs())`, then
    `await listener.first_update(client, uri, release)`: subscribed first, then `release()` (what
    makes the resource change), then the first update; every URI heard is in `heard`."""

    def __init__(self, mode: str):
        self.legacy = mode == "legacy"
        self.heard: list[str] = []
        self._got = anyio.Event()

    def client_kwargs(self) -> dict[str, Any]:
        return {"message_handler": self._on_message} if self.legacy else {}

    async def _on_message(self, message: Any) -> None:
        root = getattr(message, "root", message)
        if getattr(root, "method", "") == "notifications/resources/updated":
            self.heard.append(str(root.params.uri))
            self._got.set()

    async def first_update(self, client: Any, uri: str, release: Callable[[], None], timeout: float) -> None:
        if self.legacy:
            await client.subscribe_resource(uri)
            release()
            with anyio.fail_after(timeout):
                await self._got.wait()
            return
        async with client.listen(resource_subscriptions=[uri]) as sub:
            release()
            with anyio.fail_after(timeout):
                async for event in sub:
                    self.heard.append(str(event.uri))
                    return
