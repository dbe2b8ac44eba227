"""OpenAI text: Chat Completions, or the Responses API for web search (its `web_search` tool and
`url_citation` annotations) and for models served only there (Codex, the -pro models)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import openai_compat

if TYPE_CHECKING:
    from ...capabilities.text import OnProgress, TextRequest, TextResult
    from ...catalog import Resolved
    from ...context import ProviderContext

DIALECT = openai_compat.TextDialect(
    max_tokens_field="max_completion_tokens",
    search_tools=({"type": "web_search"},),
)

# wire ids only the Responses API serves
RESPONSES_ONLY = re.compile(r"codex|^o\d+-pro|^gpt-5(\.\d+)?-pro|deep-research")


async def generate_text(
    hub: ProviderContext, resolved: Resolved, request: TextRequest, on_progress: OnProgress | None = None
) -> TextResult:
    generate = openai_compat.generate_chat
    if request.web_search or RESPONSES_ONLY.search(resolved.wire_id):
        generate = openai_compat.generate_responses
    return await generate(hub, hub.client("openai"), DIALECT, resolved, request, on_progress)
