"""Together AI text: OpenAI-compatible Chat Completions. Quirks: `max_tokens`, no `stream_options`
(usage rides on the last chunk), reasoning text in a `reasoning` field, finish reason `eos`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import openai_compat

if TYPE_CHECKING:
    from ...capabilities.text import OnProgress, TextRequest, TextResult
    from ...catalog import Resolved
    from ...context import ProviderContext

DIALECT = openai_compat.TextDialect(
    max_tokens_field="max_tokens",
    stream_usage=False,
    reasoning_fields=("reasoning",),
    finish_aliases={"eos": "stop"},
)


async def generate_text(
    hub: ProviderContext, resolved: Resolved, request: TextRequest, on_progress: OnProgress | None = None
) -> TextResult:
    client = hub.client("together")
    return await openai_compat.generate_chat(hub, client, DIALECT, resolved, request, on_progress)
