"""xAI text: OpenAI-compatible Chat Completions, whose reasoning models stream their thinking in
`reasoning_content` (kept out of the answer). Web search uses the Responses API with xAI's
server-side `web_search` and `x_search` tools (the older chat `search_parameters` Live Search is
deprecated by xAI); cited URLs come back as `url_citation` annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import openai_compat

if TYPE_CHECKING:
    from ...capabilities.text import OnProgress, TextRequest, TextResult
    from ...catalog import Resolved
    from ...context import ProviderContext

DIALECT = openai_compat.TextDialect(
    max_tokens_field="max_tokens",
    reasoning_fields=("reasoning_content",),
    effort={"low": "low", "medium": "medium", "high": "high"},  # xai-sdk 1.21: none, low, medium, high, xhigh
    search_tools=({"type": "web_search"}, {"type": "x_search"}),
    system_as_instructions=False,  # xAI's Responses API takes the system prompt as a system input item
)


async def generate_text(
    hub: ProviderContext, resolved: Resolved, request: TextRequest, on_progress: OnProgress | None = None
) -> TextResult:
    generate = openai_compat.generate_responses if request.web_search else openai_compat.generate_chat
    return await generate(hub, hub.client("xai"), DIALECT, resolved, request, on_progress)
