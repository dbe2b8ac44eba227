"""Gemini text: `models/{model}:streamGenerateContent?alt=sse` (each `data:` is a partial
GenerateContentResponse; the last carries finishReason and usageMetadata), or `:generateContent`
for a plain response.

- `system` -> `systemInstruction`; assistant turns have role `model`; images are `inlineData`
  (URLs are fetched first: the API reads only its own file URIs).
- `reasoning` -> `generationConfig.thinkingConfig`: `thinkingLevel` LOW/MEDIUM/HIGH for Gemini 3+
  and 4 models (reasoning_style "level"; Gemini 4 refuses budgets, and every level model takes
  these three), `thinkingBudget` tokens for 2.5 (reasoning_style "budget"). XHIGH and MINIMAL,
  which only some models take, go through provider_options.
  Parts marked `thought` are reasoning and never enter the answer.
- `web_search` -> the `googleSearch` tool (the API also accepts the `google_search` spelling);
  `groundingMetadata.groundingChunks[].web {uri, title}` become citations.
- `promptFeedback.blockReason`, and a safety finishReason with no text, are content_policy errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.text import IMAGE_MAX_BYTES, Draft, TextResult, Usage
from ...errors import HINTS, ContentPolicy, HubError, ProviderUnavailable
from .. import sse
from .api import API, base_url, model_path

if TYPE_CHECKING:
    from ...capabilities.text import OnProgress, TextRequest
    from ...catalog import Resolved
    from ...context import ProviderContext

THINKING_LEVELS = {"low": "LOW", "medium": "MEDIUM", "high": "HIGH"}
THINKING_BUDGETS = {"low": 1024, "medium": 8192, "high": 24576}
SEARCH_TOOL = {"googleSearch": {}}
POLICY_FINISH = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"}
FINISH = {"STOP": "stop", "MAX_TOKENS": "length"} | {reason: "content_filter" for reason in POLICY_FINISH}


def thinking_config(resolved: Resolved, request: TextRequest) -> dict[str, Any] | None:
    if request.reasoning == "off":
        return None
    style = resolved.entry.reasoning_style if resolved.entry else ""
    if style == "level":
        return {"thinkingLevel": THINKING_LEVELS[request.reasoning]}
    if style == "budget":
        return {"thinkingBudget": THINKING_BUDGETS[request.reasoning]}
    return None


async def _inline(hub: ProviderContext, image: Any) -> dict[str, Any]:
    data = await image.base64(hub.http, IMAGE_MAX_BYTES)  # reading a URL settles its MIME type
    return {"inlineData": {"mimeType": image.mime_type, "data": data}}


async def request_body(hub: ProviderContext, resolved: Resolved, request: TextRequest) -> dict[str, Any]:
    images = [await _inline(hub, image) for image in request.images]
    contents = []
    for i, message in enumerate(request.messages):
        parts: list[dict[str, Any]] = [{"text": message.content}]
        if images and i == request.last_user_index:
            parts = images + parts
        contents.append({"role": "model" if message.role == "assistant" else "user", "parts": parts})
    body: dict[str, Any] = {"contents": contents}
    if request.system:
        body["systemInstruction"] = {"parts": [{"text": request.system}]}
    config: dict[str, Any] = {}
    if request.max_tokens:
        config["maxOutputTokens"] = request.max_tokens
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if thinking := thinking_config(resolved, request):
        config["thinkingConfig"] = thinking
    if config:
        body["generationConfig"] = config
    if request.web_search:
        body["tools"] = [dict(SEARCH_TOOL)]
    return merge_options(body, request.provider_options)


def _stream_error(error: Mapping[str, Any]) -> HubError:
    code = error.get("code")
    status = code if isinstance(code, int) and 400 <= code < 600 else 500
    err = API.parse_error(status, json.dumps({"error": dict(error)}).encode(), {})
    err.provider = API.name
    err.message += " (reported mid-stream)"
    return err


def read_chunk(draft: Draft, chunk: Mapping[str, Any]) -> str:
    """Fill the draft from one GenerateContentResponse; returns its raw finishReason ("" if none)."""
    if isinstance(chunk.get("error"), Mapping):
        raise _stream_error(chunk["error"])
    blocked = (chunk.get("promptFeedback") or {}).get("blockReason")
    if blocked:
        raise ContentPolicy(f"Gemini blocked the prompt ({blocked})", provider=API.name,
                            hint=HINTS[ContentPolicy])
    draft.provider_model = str(chunk.get("modelVersion") or draft.provider_model)
    if usage := chunk.get("usageMetadata"):
        thoughts = int(usage.get("thoughtsTokenCount") or 0)
        search_prompt = int(usage.get("toolUsePromptTokenCount") or 0)
        draft.usage = Usage(
            input_tokens=int(usage.get("promptTokenCount") or 0) + search_prompt,
            output_tokens=int(usage.get("candidatesTokenCount") or 0) + thoughts,
            reasoning_tokens=thoughts,
        )
    candidates = chunk.get("candidates") or []
    candidate = candidates[0] if candidates else {}
    for part in (candidate.get("content") or {}).get("parts") or []:
        if part.get("thought"):
            draft.add_thinking(str(part.get("text") or ""))
        elif "text" in part:
            draft.add_text(str(part.get("text") or ""))
    for source in (candidate.get("groundingMetadata") or {}).get("groundingChunks") or []:
        web = source.get("web") or {}
        draft.cite(str(web.get("uri") or ""), str(web.get("title") or ""))
    return str(candidate.get("finishReason") or "")


def _outcome(draft: Draft, finish: str) -> TextResult:
    if finish in POLICY_FINISH and not draft.text:
        raise ContentPolicy(f"Gemini stopped the answer on safety grounds (finishReason {finish})",
                            provider=API.name, hint=HINTS[ContentPolicy])
    draft.finish_reason = FINISH.get(finish, "other")
    return draft.result()


async def generate_text(
    hub: ProviderContext, resolved: Resolved, request: TextRequest, on_progress: OnProgress | None = None
) -> TextResult:
    client = hub.client("gemini")
    body = await request_body(hub, resolved, request)
    method, params = ("streamGenerateContent", {"alt": "sse"}) if request.stream else ("generateContent", {})
    url = f"{base_url(hub.settings)}/{model_path(resolved.wire_id)}:{method}"
    draft, finish = Draft(resolved, on_progress), ""
    async with client.stream("POST", url, json=body, params=params, retry="generate",
                             timeout=sse.GENERATION_TIMEOUT) as response:
        if not sse.is_event_stream(response):
            return _outcome(draft, read_chunk(draft, await sse.json_body(response, API.name)))
        async for event in sse.events(response, API.name):
            finish = read_chunk(draft, event.data) or finish
            await draft.flush()
    if not finish:
        raise ProviderUnavailable("gemini ended the stream before a finishReason", provider=API.name,
                                  hint=HINTS[ProviderUnavailable])
    return _outcome(draft, finish)
