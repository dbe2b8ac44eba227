"""Fake Together text: OpenAI-compatible chat with Together's quirks: `max_tokens`, no
`stream_options` (usage rides on the finishing chunk), reasoning in `reasoning`, finish `eos`."""

from __future__ import annotations

from starlette.routing import Route

from .openai_text import Flavor, chat_handler

TOGETHER = Flavor(max_field="max_tokens", reasoning_field="reasoning", stop="eos", usage_last_chunk=True)


def routes(fake) -> list[Route]:
    return [Route("/v1/chat/completions", chat_handler(TOGETHER), methods=["POST"])]
