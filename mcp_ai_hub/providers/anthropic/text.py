"""Anthropic text: the Messages API (`POST /v1/messages`), streamed as typed events (`message_start`,
`content_block_*`, `ping`, `message_delta`, `message_stop`, `error`).

- `max_tokens` is always sent: the caller's value, else the manifest's `default_max_tokens`.
- `reasoning` turns on thinking, as the model's manifest entry says it takes it:
  - reasoning_style "adaptive" (Claude 4.7+ and 5.x, which refuse budgets): `{"type": "adaptive"}`,
    the model deciding how long to think, plus the effort hint `output_config: {"effort": ...}`
    (low/medium/high as given; the API also knows xhigh and max, reachable via provider_options).
    `max_tokens` is left as asked (thinking counts toward it).
  - otherwise extended thinking, `{"type": "enabled", "budget_tokens": N}` with N from
    THINKING_BUDGETS; the budget must stay below `max_tokens`, so when it does not fit,
    `max_tokens` is raised to budget + the answer's room (capped at the model's maximum output).
  Thinking text never enters the answer. Field names follow the anthropic SDK 2.17 types
  (ThinkingConfigAdaptiveParam, OutputConfigParam); which model takes which thinking type is the
  manifest's data (the API's model capabilities `thinking.types` say the same).
- `web_search` adds the server tool `web_search_20250305`; the answer's `web_search_result_location`
  citations become the result's citations.
- Images go as base64 blocks (local files, data URIs) or URL blocks.
- `stop_reason: "refusal"` is a content_policy error.
- `temperature` other than 1 is refused before sending on Claude 4.7 and later, which reject it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options, not_taken
from ...capabilities.text import IMAGE_MAX_BYTES, Draft, TextResult, Usage
from ...errors import HINTS, ContentPolicy, HubError, InvalidArgument, ProviderUnavailable
from .. import sse
from .api import API

if TYPE_CHECKING:
    from ...capabilities.text import OnProgress, TextRequest
    from ...catalog import Resolved
    from ...context import ProviderContext

# Claude 4.7 and later (the 5.x lines included) fix sampling: a temperature other than 1 is a 400
FIXED_SAMPLING = re.compile(r"^claude-(opus-4-[7-9]|(opus|sonnet|haiku|fable|mythos)-5)")
FALLBACK_MAX_TOKENS = 4096  # for models the manifest gives no default_max_tokens
MIN_THINKING_BUDGET = 1024
THINKING_BUDGETS = {"low": 2048, "medium": 8192, "high": 24576}
EFFORTS = {"low": "low", "medium": "medium", "high": "high"}  # hub reasoning -> output_config.effort
SEARCH_TOOL = {"type": "web_search_20250305", "name": "web_search"}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
STOP_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length",
                "model_context_window_exceeded": "length", "tool_use": "tool_calls", "pause_turn": "other"}
# error.type of a mid-stream `error` event -> the HTTP status it stands for
ERROR_STATUS = {"invalid_request_error": 400, "authentication_error": 401, "permission_error": 403,
                "not_found_error": 404, "rate_limit_error": 429, "api_error": 500, "timeout_error": 504,
                "overloaded_error": 529}


def adaptive(resolved: Resolved) -> bool:
    """Whether the model thinks adaptively (and takes no thinking budget)."""
    return resolved.entry is not None and resolved.entry.reasoning_style == "adaptive"


def token_limits(resolved: Resolved, request: TextRequest) -> tuple[int, int | None]:
    """(max_tokens, thinking budget or None) following the module docstring's rule."""
    entry = resolved.entry
    answer = request.max_tokens or (entry.default_max_tokens if entry else None) or FALLBACK_MAX_TOKENS
    ceiling = entry.max_output_tokens if entry and entry.max_output_tokens else None
    if request.reasoning == "off" or adaptive(resolved):
        return answer, None
    budget = THINKING_BUDGETS[request.reasoning]
    max_tokens = answer
    if budget >= max_tokens:
        max_tokens = budget + answer
        if ceiling and max_tokens > ceiling:
            max_tokens = ceiling
            budget = min(budget, max_tokens - MIN_THINKING_BUDGET)
    if budget < MIN_THINKING_BUDGET:
        raise InvalidArgument(f"max_tokens {max_tokens} leaves no room for a thinking budget of at least "
                              f"{MIN_THINKING_BUDGET} tokens", hint="Raise max_tokens or set reasoning=off")
    return max_tokens, budget


async def _image_block(hub: ProviderContext, image: Any) -> dict[str, Any]:
    if image.is_url:
        return {"type": "image", "source": {"type": "url", "url": image.url}}
    if image.mime_type not in IMAGE_TYPES:
        raise InvalidArgument(f"Anthropic takes JPEG, PNG, GIF or WebP images, not {image.mime_type}")
    data = await image.base64(hub.http, IMAGE_MAX_BYTES)
    return {"type": "image", "source": {"type": "base64", "media_type": image.mime_type, "data": data}}


async def request_body(hub: ProviderContext, resolved: Resolved, request: TextRequest) -> dict[str, Any]:
    max_tokens, budget = token_limits(resolved, request)
    images = [await _image_block(hub, image) for image in request.images]
    messages = []
    for i, message in enumerate(request.messages):
        content: Any = message.content
        if images and i == request.last_user_index:
            content = images + [{"type": "text", "text": message.content}]
        messages.append({"role": message.role, "content": content})
    body: dict[str, Any] = {"model": resolved.wire_id, "max_tokens": max_tokens, "messages": messages}
    if request.system:
        body["system"] = request.system
    thinks = request.reasoning != "off"
    if request.temperature is not None:
        if request.temperature != 1 and FIXED_SAMPLING.search(resolved.wire_id):
            raise not_taken(
                "text",
                resolved.full_id,
                "temperature",
                provider="anthropic",
                why=f"{resolved.full_id} takes no temperature (Claude 4.7 and later fix sampling)",
            )
        if thinks and request.temperature != 1:
            raise InvalidArgument(
                "Anthropic thinking does not allow setting temperature",
                hint="Leave temperature at -1 or set reasoning=off",
            )
        body["temperature"] = request.temperature
    if thinks and adaptive(resolved):
        body["thinking"] = {"type": "adaptive"}
        body["output_config"] = {"effort": EFFORTS[request.reasoning]}
    elif budget is not None:
        body["thinking"] = {"type": "enabled", "budget_tokens": budget}
    if request.web_search:
        body["tools"] = [dict(SEARCH_TOOL)]
    if request.stream:
        body["stream"] = True
    return merge_options(body, request.provider_options)


def _usage(draft: Draft, usage: Mapping[str, Any], thinking: bool) -> None:
    total_input = sum(
        int(usage.get(k) or 0)
        for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )
    draft.usage = Usage(
        input_tokens=total_input or draft.usage.input_tokens,
        output_tokens=int(usage.get("output_tokens") or draft.usage.output_tokens),
        reasoning_tokens=None if thinking else 0,  # Anthropic does not count thinking tokens apart
        reported=draft.usage.reported or bool(usage),
    )


def _cite(draft: Draft, citation: Any) -> None:
    if isinstance(citation, Mapping) and citation.get("url"):
        draft.cite(str(citation["url"]), str(citation.get("title") or ""))


def _stream_error(payload: Mapping[str, Any]) -> HubError:
    error: Mapping[str, Any] = payload["error"] if isinstance(payload.get("error"), Mapping) else payload
    status = ERROR_STATUS.get(str(error.get("type")), 500)
    err = API.parse_error(status, json.dumps({"type": "error", "error": dict(error)}).encode(), {})
    err.provider = API.name
    err.message += " (reported mid-stream)"
    return err


def _outcome(draft: Draft, stop_reason: str) -> TextResult:
    if stop_reason == "refusal":
        raise ContentPolicy(
            "Claude declined to answer (stop_reason refusal)", provider=API.name, hint=HINTS[ContentPolicy]
        )
    draft.finish_reason = STOP_REASONS.get(stop_reason, "other")
    return draft.result()


def _read_message(draft: Draft, message: Mapping[str, Any], thinking: bool) -> str:
    """Fill the draft from a whole Message object; returns its stop_reason."""
    for block in message.get("content") or []:
        kind = block.get("type")
        if kind == "text":
            draft.add_text(str(block.get("text") or ""))
            for citation in block.get("citations") or []:
                _cite(draft, citation)
        elif kind == "thinking":
            draft.add_thinking(str(block.get("thinking") or ""))
    draft.provider_model = str(message.get("model") or "")
    _usage(draft, message.get("usage") or {}, thinking)
    return str(message.get("stop_reason") or "")


async def generate_text(
    hub: ProviderContext, resolved: Resolved, request: TextRequest, on_progress: OnProgress | None = None
) -> TextResult:
    client = hub.client("anthropic")
    body = await request_body(hub, resolved, request)
    thinking = (body.get("thinking") or {}).get("type", "disabled") != "disabled"
    draft, stop_reason, finished = Draft(resolved, on_progress), "", False
    async with client.stream(
        "POST", "/v1/messages", json=body, retry="generate", timeout=sse.GENERATION_TIMEOUT
    ) as response:
        if not sse.is_event_stream(response):
            message = await sse.json_body(response, API.name)
            return _outcome(draft, _read_message(draft, message, thinking))
        async for event in sse.events(response, API.name):
            data, kind = event.data, str(event.data.get("type") or event.name)
            if kind == "message_start":
                message = data.get("message") or {}
                draft.provider_model = str(message.get("model") or "")
                _usage(draft, message.get("usage") or {}, thinking)
            elif kind == "content_block_start":
                block = data.get("content_block") or {}
                if block.get("type") == "text":
                    draft.add_text(str(block.get("text") or ""))
                    for citation in block.get("citations") or []:
                        _cite(draft, citation)
            elif kind == "content_block_delta":
                delta = data.get("delta") or {}
                if delta.get("type") == "text_delta":
                    draft.add_text(str(delta.get("text") or ""))
                elif delta.get("type") == "thinking_delta":
                    draft.add_thinking(str(delta.get("thinking") or ""))
                elif delta.get("type") == "citations_delta":
                    _cite(draft, delta.get("citation"))
            elif kind == "message_delta":
                stop_reason = str((data.get("delta") or {}).get("stop_reason") or stop_reason)
                _usage(draft, data.get("usage") or {}, thinking)
            elif kind == "message_stop":
                finished = True
                break
            elif kind == "error":
                raise _stream_error(data)
            await draft.flush()
    if not finished:
        raise ProviderUnavailable(
            "anthropic ended the stream before message_stop",
            provider=API.name,
            hint=HINTS[ProviderUnavailable],
        )
    return _outcome(draft, stop_reason)
