"""Text on a user-configured OpenAI-compatible endpoint: Chat Completions, streamed, with the
widely served `max_tokens` field. There is no provider-side web search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import InvalidArgument
from .. import openai_compat

if TYPE_CHECKING:
    from ...capabilities.text import OnProgress, TextRequest, TextResult
    from ...catalog import Resolved
    from ...context import ProviderContext

DIALECT = openai_compat.TextDialect(max_tokens_field="max_tokens")


async def generate_text(
    hub: ProviderContext, resolved: Resolved, request: TextRequest, on_progress: OnProgress | None = None
) -> TextResult:
    client = hub.client(resolved.provider)
    if request.web_search:
        raise InvalidArgument(f"web_search is not available on the endpoint {resolved.provider}",
                              hint="Drop web_search, or pick a model of a provider that searches")
    return await openai_compat.generate_chat(hub, client, DIALECT, resolved, request, on_progress)
