"""Fake Anthropic Messages API: `POST /v1/messages` checks the request the way the real API does
(max_tokens required, thinking budget >= 1024 and below max_tokens, no temperature with thinking,
which thinking types each model takes, effort values, known tool types, image sources) and answers
with a Message body or the typed event stream
(`message_start`, `content_block_*`, `ping`, `message_delta`, `message_stop`, or `error`), including
thinking blocks and the server-side web search tool with its citations."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .anthropic import anthropic_error
from .base import fake_of
from .streaming import frame, reply_pieces, scenario, sse

SOURCES = [{"url": "https://example.org/tides", "title": "Tides explained"},
           {"url": "https://example.org/moon", "title": "The Moon"}]
SEARCH_TOOL_TYPES = {"web_search_20250305", "web_search_20260209"}
# models that take only adaptive thinking: a budget (`type: enabled`) is a 400, as the API answers
ADAPTIVE_ONLY = {"claude-opus-4-7", "claude-opus-4-8", "claude-opus-5", "claude-sonnet-5", "claude-opus-5-5",
                 "claude-sonnet-5-5", "claude-haiku-5-5", "claude-mythos-5", "claude-mythos-5-1",
                 "claude-mythos-5-2", "claude-fable-5", "claude-fable-5-1", "claude-fable-5-2"}
# models that take both (budgets deprecated there); every other model refuses `type: adaptive`
ADAPTIVE_TOO = {"claude-opus-4-6", "claude-sonnet-4-6", "claude-mythos-preview"}
EFFORTS = {"low", "medium", "high", "xhigh", "max"}


def _problem(body: dict[str, Any]) -> str:
    if not body.get("model"):
        return "model: Field required"
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return "max_tokens: Field required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    for i, m in enumerate(messages):
        if m.get("role") not in ("user", "assistant"):
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
        content = m.get("content")
        for j, block in enumerate(content if isinstance(content, list) else []):
            source = block.get("source") or {}
            if block.get("type") == "image" and not (
                    (source.get("type") == "base64" and source.get("media_type") and source.get("data"))
                    or (source.get("type") == "url" and str(source.get("url", "")).startswith("http"))):
                return f"messages.{i}.content.{j}.image.source: invalid image source"
    thinking = body.get("thinking")
    kind = thinking.get("type") if isinstance(thinking, dict) else None
    if kind == "enabled" and body["model"] in ADAPTIVE_ONLY:
        return (f"thinking.type.enabled is not supported for {body['model']}. Use thinking.type.adaptive "
                "and output_config.effort to control thinking behavior.")
    if kind == "adaptive" and body["model"] not in ADAPTIVE_ONLY | ADAPTIVE_TOO:
        return f"thinking.type.adaptive is not supported for {body['model']}. Use thinking.type.enabled."
    if kind not in (None, "enabled", "adaptive", "disabled", "between_tools"):
        return f"thinking: Input tag '{kind}' does not match any of the expected tags"
    effort = (body.get("output_config") or {}).get("effort")
    if effort is not None and effort not in EFFORTS:
        return "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"
    if body["model"] in ADAPTIVE_ONLY and body.get("temperature", 1) != 1:
        return f"temperature is not supported for {body['model']}"
    if kind == "adaptive" and "temperature" in body and body["temperature"] != 1:
        return "`temperature` may only be set to 1 when thinking is enabled"
    if kind == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or budget < 1024:
            return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
        if budget >= max_tokens:
            return "`max_tokens` must be greater than `thinking.budget_tokens`"
        if "temperature" in body and body["temperature"] != 1:
            return "`temperature` may only be set to 1 when thinking is enabled"
    for i, tool in enumerate(body.get("tools") or []):
        if tool.get("type") not in SEARCH_TOOL_TYPES or tool.get("name") != "web_search":
            return f"tools.{i}: Input tag '{tool.get('type')}' does not match any of the expected tags"
    return ""


async def messages(request: Request) -> Response:
    fake = fake_of(request)
    body = json.loads(await request.body())
    problem = _problem(body)
    if problem:
        return anthropic_error(400, "invalid_request_error", problem)
    k = scenario(fake.state, "Hello from Claude.")
    pieces = reply_pieces(k["reply"])
    stop_reason = k["finish"] or ("refusal" if k["refuse"] else "end_turn")
    if len(pieces) > body["max_tokens"]:
        pieces, stop_reason = pieces[: body["max_tokens"]], "max_tokens"
    thinking = k["thinking"] if (body.get("thinking") or {}).get("type") in ("enabled", "adaptive") else ""
    searched = bool(body.get("tools"))
    sources = (k["citations"] if k["citations"] is not None else SOURCES) if searched else []
    citations = [
        {
            "type": "web_search_result_location",
            "url": s["url"],
            "title": s["title"],
            "encrypted_index": "EqQBCgIYAhIM",
            "cited_text": "tides are caused by the Moon",
        }
        for s in sources
    ]
    usage = {"input_tokens": 25, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 3,
             "output_tokens": len(pieces) + len(reply_pieces(thinking)) if thinking else len(pieces)}
    if searched:
        usage["server_tool_use"] = {"web_search_requests": 1}
    search_blocks = (
        [
            {
                "type": "server_tool_use",
                "id": "srvtoolu_fake1",
                "name": "web_search",
                "input": {"query": "tides"},
            },
            {
                "type": "web_search_tool_result",
                "tool_use_id": "srvtoolu_fake1",
                "content": [
                    {
                        "type": "web_search_result",
                        "url": s["url"],
                        "title": s["title"],
                        "encrypted_content": "Eq8B",
                        "page_age": "April 1, 2026",
                    }
                    for s in SOURCES
                ],
            },
        ]
        if searched
        else []
    )
    message = {
        "id": "msg_fake1",
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "stop_sequence": None,
        "stop_reason": stop_reason,
        "usage": usage,
        "content": (
            ([{"type": "thinking", "thinking": thinking, "signature": "EqQBCgIYAh"}] if thinking else [])
            + search_blocks
            + [{"type": "text", "text": "".join(pieces), "citations": citations or None}]
        ),
    }
    if not body.get("stream"):
        return JSONResponse(message, headers={"request-id": "req_fake1"})

    def event(kind: str, **data: Any) -> bytes:
        return frame({"type": kind, **data}, event=kind)

    frames = [event("message_start", message={**message, "content": [], "stop_reason": None,
                                              "usage": {**usage, "output_tokens": 1}})]
    index = 0
    if thinking:
        frames.append(event("content_block_start", index=0, content_block={"type": "thinking", "thinking": "",
                                                                           "signature": ""}))
        frames += [event("content_block_delta", index=0, delta={"type": "thinking_delta", "thinking": p})
                   for p in reply_pieces(thinking)]
        frames += [
            event(
                "content_block_delta", index=0, delta={"type": "signature_delta", "signature": "EqQBCgIYAh"}
            ),
            event("content_block_stop", index=0),
        ]
        index = 1
    frames.append(event("ping"))
    if searched:
        frames += [event("content_block_start", index=index, content_block={**search_blocks[0], "input": {}}),
                   event("content_block_delta", index=index,
                         delta={"type": "input_json_delta", "partial_json": '{"query": "tides"}'}),
                   event("content_block_stop", index=index),
                   event("content_block_start", index=index + 1, content_block=search_blocks[1]),
                   event("content_block_stop", index=index + 1)]
        index += 2
    frames.append(event("content_block_start", index=index, content_block={"type": "text", "text": ""}))
    frames += [event("content_block_delta", index=index, delta={"type": "citations_delta", "citation": c})
               for c in citations]
    frames += [
        event("content_block_delta", index=index, delta={"type": "text_delta", "text": p}) for p in pieces
    ]
    if k["error_after"] is not None:
        error = k["error"] or {"type": "overloaded_error", "message": "Overloaded"}
        frames = frames[: k["error_after"] + 2] + [frame({"type": "error", "error": error}, event="error")]
        return sse(frames, k["delay"])
    frames += [event("content_block_stop", index=index),
               event("message_delta", delta={"stop_reason": stop_reason, "stop_sequence": None},
                     usage={"output_tokens": usage["output_tokens"]}),
               event("message_stop")]
    return sse(frames, k["delay"])


def routes(fake) -> list[Route]:
    return [Route("/v1/messages", messages, methods=["POST"])]
