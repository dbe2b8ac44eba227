"""Fake xAI text: OpenAI-compatible chat (usage on every chunk, reasoning in `reasoning_content`,
`max_tokens`) and the Responses API with xAI's server-side `web_search` / `x_search` tools, whose
`url_citation` annotations carry only a URL."""

from __future__ import annotations

from starlette.routing import Route

from .openai_text import Flavor, chat_handler, responses_handler

XAI = Flavor(max_field="max_tokens", reasoning_field="reasoning_content", usage_every_chunk=True,
             search_tools=frozenset({"web_search", "x_search"}), titles=False,
             efforts=frozenset({"none", "low", "medium", "high", "xhigh"}))  # xai-sdk 1.21 ReasoningEffort


def routes(fake) -> list[Route]:
    return [Route("/v1/chat/completions", chat_handler(XAI), methods=["POST"]),
            Route("/v1/responses", responses_handler(XAI), methods=["POST"])]
