"""OpenAI text: Chat Completions, or the Responses API for web search (its `web_search` tool and
`url_citation` annotations) and for models served only there (Codex, the -pro models).

`reasoning` low/medium/high is sent as the same `reasoning_effort` (Responses: `reasoning.effort`)
on models with reasoning_style "effort". The openai SDK 3.63 lists none, minimal, low, medium, high,
xhigh and max ("not all reasoning models support every value"; it gives no per-model table), so the
others are reachable through provider_options (`{"reasoning_effort": "xhigh"}`)."""

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
