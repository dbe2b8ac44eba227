"""Wire code shared by OpenAI-compatible vendors (OpenAI, xAI, Together, user endpoints): bearer auth, the
`{"error": {...}}` body, the `/models` listing, and text generation over Chat Completions
(`data:` chunks ending in `[DONE]`) and the Responses API (typed events, server-side tools).
Vendor differences (field names, reasoning fields, search tools, finish aliases) are passed in
as data through `TextDialect`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..capabilities import LiveModel, merge_options
from ..capabilities.text import IMAGE_MAX_BYTES, Draft, OnProgress, TextRequest, TextResult, Usage
from ..errors import HINTS, ContentPolicy, HubError, ProviderAuth, ProviderUnavailable
from ..http import LISTING_TIMEOUT, ProviderApi, ProviderClient, json_body, make_error
from ..lifecycle import listed_date
from . import sse

if TYPE_CHECKING:
    from ..catalog import Resolved
    from ..context import ProviderContext

# error `code`/`type` values that mean the provider refused on safety grounds
CONTENT_POLICY_CODES = {
    "content_policy_violation",
    "moderation_blocked",
    "content_filter",
    "safety_violation",
}
BAD_KEY = re.compile(r"(?i)(incorrect|invalid) api key")


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def parse_error(status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
    """Read `{"error": {"message", "type", "code"}}`, or xAI's `{"code", "error": "..."}`."""
    data = json_body(body)
    message, codes = "", set()
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            message = str(err.get("message") or "")
            codes = {str(err.get("code") or ""), str(err.get("type") or "")}
        elif isinstance(err, str):
            message = err
            codes = {str(data.get("code") or "")}
        elif isinstance(data.get("message"), str):
            message = data["message"]
    elif body:
        message = body.decode("utf-8", "replace")[:500]
    if codes & CONTENT_POLICY_CODES:
        return make_error(status, message, cls=ContentPolicy)
    if status == 400 and BAD_KEY.search(message):  # xAI answers a wrong key with 400
        return make_error(status, message, cls=ProviderAuth)
    return make_error(status, message)


def refusing_parser(
    pattern: re.Pattern[str], hint: str
) -> Callable[[int, bytes, Mapping[str, str]], HubError]:
    """`parse_error` that also reads a 4xx message matching `pattern` (a vendor's wording of a
    safety refusal) as [content_policy] with `hint`."""

    def parse(status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
        err = parse_error(status, body, headers)
        if 400 <= status < 500 and status not in (401, 403, 429) and pattern.search(err.message):
            return ContentPolicy(err.message, hint=hint)
        return err

    return parse


def models_from_listing(data: object) -> list[str]:
    """Model ids from `{"data": [{"id"}]}` or a bare array of `{"id"}` (Together)."""
    items = data.get("data", data.get("models", [])) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return []
    return [str(item["id"]) for item in items if isinstance(item, dict) and item.get("id")]


async def list_models(client: ProviderClient) -> list[LiveModel]:
    """`GET {base}/models` with a short timeout and no retries (used by list_models refresh); OpenAI's
    entries may carry `shutdown_date` (announced shutdown, past or future)."""
    response = await client.request("GET", "/models", timeout=LISTING_TIMEOUT, retry="none")
    data = client.json(response)
    items = data.get("data", data.get("models", [])) if isinstance(data, dict) else data
    shutdowns = {str(i["id"]): listed_date(i.get("shutdown_date")) for i in items
                 if isinstance(i, dict) and i.get("id")} if isinstance(items, list) else {}
    return [LiveModel(i, shutdown_on=shutdowns.get(i)) for i in models_from_listing(data)]


# --- text: Chat Completions and the Responses API ---------------------------------------------

SAME_EFFORT = {"low": "low", "medium": "medium", "high": "high"}


@dataclass(frozen=True)
class TextDialect:
    """How one OpenAI-compatible vendor differs on text generation, as data."""

    max_tokens_field: str = "max_completion_tokens"
    stream_usage: bool = True  # send stream_options.include_usage (else usage rides on the last chunk)
    reasoning_fields: tuple[str, ...] = ()  # message/delta fields carrying reasoning text, kept out of `text`
    effort: Mapping[str, str] = field(default_factory=lambda: dict(SAME_EFFORT))
    search_tools: tuple[Mapping[str, Any], ...] = ()  # Responses API tools sent for web_search
    system_as_instructions: bool = True  # Responses API: `instructions`, else a leading system input item
    finish_aliases: Mapping[str, str] = field(default_factory=dict)  # vendor finish_reason -> hub value


CHAT_FINISH = {"stop": "stop", "length": "length", "content_filter": "content_filter",
               "tool_calls": "tool_calls", "function_call": "tool_calls"}
# mid-stream error code/type -> the HTTP status it stands for
STREAM_ERROR_STATUS = {"rate_limit_exceeded": 429, "insufficient_quota": 429, "server_error": 500,
                       "invalid_api_key": 401, "invalid_request_error": 400, "invalid_prompt": 400,
                       "context_length_exceeded": 400, "overloaded": 503}
# Responses API error codes that are safety refusals
RESPONSE_POLICY_CODES = {"bio_policy", "image_content_policy_violation"} | CONTENT_POLICY_CODES
# Responses API incomplete_details.reason -> finish_reason
INCOMPLETE_FINISH = {"max_output_tokens": "length", "content_filter": "content_filter"}


def reasoning_effort(dialect: TextDialect, resolved: Resolved, request: TextRequest) -> str | None:
    """The vendor's effort value, only for models that take one (or models outside the catalog)."""
    if request.reasoning == "off":
        return None
    if resolved.entry is not None and resolved.entry.reasoning_style != "effort":
        return None
    return dialect.effort.get(request.reasoning)


async def image_urls(hub: ProviderContext, request: TextRequest) -> list[str]:
    """Each image as the URL the vendor fetches itself, or a base64 data URI of local bytes."""
    return [image.url if image.is_url else await image.data_uri(hub.http, IMAGE_MAX_BYTES)
            for image in request.images]


def chat_body(
    dialect: TextDialect, resolved: Resolved, request: TextRequest, images: list[str]
) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "system", "content": request.system}] if request.system else []
    for i, message in enumerate(request.messages):
        content: Any = message.content
        if images and i == request.last_user_index:
            content = [{"type": "text", "text": message.content}] + [
                {"type": "image_url", "image_url": {"url": url}} for url in images]
        messages.append({"role": message.role, "content": content})
    body: dict[str, Any] = {"model": resolved.wire_id, "messages": messages}
    if request.max_tokens:
        body[dialect.max_tokens_field] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if effort := reasoning_effort(dialect, resolved, request):
        body["reasoning_effort"] = effort
    if request.stream:
        body["stream"] = True
        if dialect.stream_usage:
            body["stream_options"] = {"include_usage": True}
    return merge_options(body, request.provider_options)


def responses_body(
    dialect: TextDialect, resolved: Resolved, request: TextRequest, images: list[str]
) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if request.system and not dialect.system_as_instructions:
        items.append({"role": "system", "content": request.system})
    for i, message in enumerate(request.messages):
        content: Any = message.content
        if images and i == request.last_user_index:
            content = [{"type": "input_text", "text": message.content}] + [
                {"type": "input_image", "image_url": url, "detail": "auto"} for url in images]
        items.append({"role": message.role, "content": content})
    body: dict[str, Any] = {"model": resolved.wire_id, "input": items, "store": False}
    if request.system and dialect.system_as_instructions:
        body["instructions"] = request.system
    if request.max_tokens:
        body["max_output_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if effort := reasoning_effort(dialect, resolved, request):
        body["reasoning"] = {"effort": effort}
    if request.web_search:
        body["tools"] = [dict(tool) for tool in dialect.search_tools]
    if request.stream:
        body["stream"] = True
    return merge_options(body, request.provider_options)


def stream_error(api: ProviderApi, error: Mapping[str, Any], note: str = "reported mid-stream") -> HubError:
    """The hub error for an error inside a 200 response: `{"error": {...}}`, an error event, a failed
    Response."""
    code, kind = str(error.get("code") or ""), str(error.get("type") or "")
    status = STREAM_ERROR_STATUS.get(code) or STREAM_ERROR_STATUS.get(kind) or 500
    if code in RESPONSE_POLICY_CODES:
        err: HubError = ContentPolicy(str(error.get("message") or code), hint=HINTS[ContentPolicy])
    else:
        err = api.parse_error(status, json.dumps({"error": dict(error)}).encode(), {})
    err.provider = api.name
    err.message += f" ({note})"
    return err


def _chat_usage(usage: Mapping[str, Any]) -> Usage:
    details = usage.get("completion_tokens_details") or {}
    reasoning = details.get("reasoning_tokens") if isinstance(details, Mapping) else None
    return Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0),
                 int(reasoning) if reasoning is not None else None, reported=bool(usage))


def _chat_finish(dialect: TextDialect, value: str) -> str:
    value = dialect.finish_aliases.get(value, value)
    return CHAT_FINISH.get(value, "other")


def _chat_outcome(api: ProviderApi, draft: Draft, refusal: str) -> TextResult:
    if refusal:
        raise ContentPolicy(f"the model refused: {refusal}", provider=api.name, hint=HINTS[ContentPolicy])
    if draft.finish_reason == "content_filter" and not draft.text:
        raise ContentPolicy("the provider's content filter blocked the answer", provider=api.name,
                            hint=HINTS[ContentPolicy])
    return draft.result()


async def generate_chat(
    hub: ProviderContext, client: ProviderClient, dialect: TextDialect, resolved: Resolved,
    request: TextRequest, on_progress: OnProgress | None = None,
) -> TextResult:
    """`POST {base}/chat/completions`, streamed (SSE, `[DONE]`) unless the request says otherwise."""
    api = client.api
    body = chat_body(dialect, resolved, request, await image_urls(hub, request))
    draft, refusal = Draft(resolved, on_progress), []
    async with client.stream("POST", "/chat/completions", json=body,
                             retry="generate", timeout=sse.GENERATION_TIMEOUT) as response:
        if not sse.is_event_stream(response):
            data = await sse.json_body(response, api.name)
            choice = (data.get("choices") or [{}])[0]
            message = choice.get("message") or {}
            draft.add_text(message.get("content") or "")
            for name in dialect.reasoning_fields:
                draft.add_thinking(message.get(name) or "")
            refusal.append(message.get("refusal") or "")
            draft.finish_reason = _chat_finish(dialect, str(choice.get("finish_reason") or ""))
            draft.usage = _chat_usage(data.get("usage") or {})
            draft.provider_model = str(data.get("model") or "")
            _chat_citations(draft, message, data)
            return _chat_outcome(api, draft, "".join(refusal))
        async for event in sse.events(response, api.name, terminator="[DONE]"):
            data = event.data
            if isinstance(data.get("error"), Mapping):
                raise stream_error(api, data["error"])
            draft.provider_model = str(data.get("model") or draft.provider_model)
            if data.get("usage"):
                draft.usage = _chat_usage(data["usage"])
            for choice in data.get("choices") or []:
                if choice.get("index", 0) != 0:
                    continue
                delta = choice.get("delta") or {}
                draft.add_text(delta.get("content") or "")
                for name in dialect.reasoning_fields:
                    draft.add_thinking(delta.get(name) or "")
                refusal.append(delta.get("refusal") or "")
                _chat_citations(draft, delta, data)
                if choice.get("finish_reason"):
                    draft.finish_reason = _chat_finish(dialect, str(choice["finish_reason"]))
            await draft.flush()
    if not draft.finish_reason and not any(refusal):
        raise ProviderUnavailable(f"{api.name} ended the stream before the answer finished",
                                  provider=api.name, hint=HINTS[ProviderUnavailable])
    return _chat_outcome(api, draft, "".join(refusal))


def _chat_citations(draft: Draft, message: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """`url_citation` annotations on a message, and a top-level `citations` URL list (xAI)."""
    for note in message.get("annotations") or []:
        cited = note.get("url_citation") if isinstance(note, Mapping) else None
        if isinstance(cited, Mapping):
            draft.cite(str(cited.get("url") or ""), str(cited.get("title") or ""))
    for url in data.get("citations") or []:
        if isinstance(url, str):
            draft.cite(url)


def _responses_final(
    api: ProviderApi, draft: Draft, response: Mapping[str, Any], streamed_text: bool
) -> None:
    """Read usage, finish, citations (and text when none streamed) from a Response object."""
    status = str(response.get("status") or "")
    if status == "failed" or response.get("error"):
        error = response.get("error") or {"message": "the response failed"}
        raise stream_error(api, error, "response failed")
    usage = response.get("usage") or {}
    details = usage.get("output_tokens_details") or {}
    reasoning = details.get("reasoning_tokens")
    draft.usage = Usage(int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0),
                        int(reasoning) if reasoning is not None else None, reported=bool(usage))
    draft.provider_model = str(response.get("model") or draft.provider_model)
    refusal = ""
    for item in response.get("output") or []:
        if item.get("type") != "message":
            continue
        for part in item.get("content") or []:
            if part.get("type") == "refusal":
                refusal += str(part.get("refusal") or "")
            if part.get("type") != "output_text":
                continue
            if not streamed_text:
                draft.add_text(str(part.get("text") or ""))
            for note in part.get("annotations") or []:
                if note.get("type") == "url_citation":
                    draft.cite(str(note.get("url") or ""), str(note.get("title") or ""))
    if refusal:
        raise ContentPolicy(f"the model refused: {refusal}", provider=api.name, hint=HINTS[ContentPolicy])
    if status == "incomplete":
        reason = str((response.get("incomplete_details") or {}).get("reason") or "")
        draft.finish_reason = INCOMPLETE_FINISH.get(reason, "other")
    else:
        draft.finish_reason = "stop" if status in ("completed", "") else "other"


async def generate_responses(
    hub: ProviderContext, client: ProviderClient, dialect: TextDialect, resolved: Resolved,
    request: TextRequest, on_progress: OnProgress | None = None,
) -> TextResult:
    """`POST {base}/responses` (needed for server-side search and Responses-only models)."""
    api = client.api
    body = responses_body(dialect, resolved, request, await image_urls(hub, request))
    draft, refusal, finished = Draft(resolved, on_progress), [], False
    async with client.stream("POST", "/responses", json=body,
                             retry="generate", timeout=sse.GENERATION_TIMEOUT) as response:
        if not sse.is_event_stream(response):
            _responses_final(api, draft, await sse.json_body(response, api.name), streamed_text=False)
            return _chat_outcome(api, draft, "")
        async for event in sse.events(response, api.name):
            data = event.data
            kind = str(data.get("type") or event.name)
            if kind == "response.output_text.delta":
                draft.add_text(str(data.get("delta") or ""))
            elif kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
                draft.add_thinking(str(data.get("delta") or ""))
            elif kind == "response.refusal.delta":
                refusal.append(str(data.get("delta") or ""))
            elif kind == "response.output_text.annotation.added":
                note = data.get("annotation") or {}
                if note.get("type") == "url_citation":
                    draft.cite(str(note.get("url") or ""), str(note.get("title") or ""))
            elif kind == "error":
                raise stream_error(api, data.get("error") if isinstance(data.get("error"), Mapping) else data)
            elif kind in ("response.completed", "response.incomplete", "response.failed"):
                if refusal:
                    break
                _responses_final(api, draft, data.get("response") or {}, streamed_text=draft.text_chars > 0)
                finished = True
                break
            await draft.flush()
    if not finished and not refusal:
        raise ProviderUnavailable(f"{api.name} ended the stream before the response completed",
                                  provider=api.name, hint=HINTS[ProviderUnavailable])
    return _chat_outcome(api, draft, "".join(refusal))
