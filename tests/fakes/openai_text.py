"""Fake OpenAI-compatible text endpoints: `POST /v1/chat/completions` (a `chat.completion` body, or
`chat.completion.chunk` SSE ending in `data: [DONE]`) and `POST /v1/responses` (a Response body, or
typed `event:`/`data:` events ending in `response.completed`), with the server-side web search tool.
xAI and Together reuse these handlers with their own `Flavor`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import fake_of
from .openai import openai_error
from .streaming import frame, reply_pieces, scenario, sse

SOURCES = [{"url": "https://example.org/tides", "title": "Tides explained"},
           {"url": "https://example.org/moon", "title": "The Moon"}]


@dataclass(frozen=True)
class Flavor:
    """What one vendor's fake does differently."""

    max_field: str = "max_completion_tokens"
    reasoning_field: str = ""  # delta/message field carrying reasoning text
    stop: str = "stop"  # the finish_reason of a natural end
    usage_every_chunk: bool = False  # xAI: usage on every chunk, asked or not
    usage_last_chunk: bool = False  # Together: usage on the finishing chunk
    search_tools: frozenset[str] = frozenset({"web_search", "web_search_2025_08_26", "web_search_preview"})
    titles: bool = True  # url_citation annotations carry a title
    roles: frozenset[str] = field(
        default_factory=lambda: frozenset({"system", "developer", "user", "assistant"})
    )
    efforts: frozenset[str] = frozenset()  # reasoning effort values taken (empty: not checked)


# openai SDK 3.63 shared/reasoning_effort.py
OPENAI_EFFORTS = frozenset({"none", "minimal", "low", "medium", "high", "xhigh", "max"})
OPENAI = Flavor(efforts=OPENAI_EFFORTS)


def _effort_problem(flavor: Flavor, effort: Any, param: str) -> Response | None:
    if effort is None or not flavor.efforts or effort in flavor.efforts:
        return None
    return openai_error(400, f"Invalid value: '{effort}'. Supported values are: "
                        f"{', '.join(repr(e) for e in sorted(flavor.efforts))}.", "invalid_request_error",
                        param=param, code="invalid_value")


def _check_messages(messages: Any, roles: frozenset[str]) -> str:
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty array"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in roles:
            return f"Invalid value for 'messages[{i}].role'"
        content = m.get("content")
        if isinstance(content, list):
            for part in content:
                if part.get("type") == "image_url":
                    url = (part.get("image_url") or {}).get("url", "")
                    if not url.startswith(("http://", "https://", "data:image/")):
                        return f"Invalid image URL in messages[{i}]"
                elif part.get("type") != "text":
                    return f"Invalid content part type in messages[{i}]"
        elif not isinstance(content, str):
            return f"Invalid type for 'messages[{i}].content'"
    return ""


def _usage(prompt: int, completion: int, reasoning: int, with_details: bool) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if with_details:
        usage["prompt_tokens_details"] = {"cached_tokens": 0, "audio_tokens": 0}
        usage["completion_tokens_details"] = {
            "reasoning_tokens": reasoning,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        }
    return usage


def chat_handler(flavor: Flavor):
    async def chat(request: Request) -> Response:
        fake = fake_of(request)
        body = json.loads(await request.body())
        if not body.get("model"):
            return openai_error(
                400, "you must provide a model parameter", "invalid_request_error", param="model"
            )
        problem = _check_messages(body.get("messages"), flavor.roles)
        if problem:
            return openai_error(400, problem, "invalid_request_error", param="messages")
        if bad := _effort_problem(flavor, body.get("reasoning_effort"), "reasoning_effort"):
            return bad
        k = scenario(fake.state, f"Hello from {fake.name}.")
        pieces = reply_pieces(k["reply"])
        finish = k["finish"] or flavor.stop
        limit = body.get(flavor.max_field)
        if isinstance(limit, int) and limit < len(pieces):
            pieces, finish = pieces[:limit], "length"
        thinking = (
            k["thinking"]
            if flavor.reasoning_field and (body.get("reasoning_effort") or k.get("think"))
            else ""
        )
        reasoning_tokens = 7 if (thinking or body.get("reasoning_effort")) else 0
        usage = _usage(21, len(pieces) + reasoning_tokens, reasoning_tokens, not flavor.usage_last_chunk)
        base = {
            "id": "chatcmpl-fake1",
            "created": 1760000000,
            "model": body["model"],
            "system_fingerprint": "fp_fake",
        }
        if not body.get("stream"):
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None if k["refuse"] else "".join(pieces),
                "refusal": k["refuse"] or None,
                "annotations": [],
            }
            if thinking:
                message[flavor.reasoning_field] = thinking
            return JSONResponse({**base, "object": "chat.completion", "choices": [
                {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}], "usage": usage})

        want_usage = (body.get("stream_options") or {}).get("include_usage")

        def chunk(delta: dict[str, Any], finish_reason: str | None = None, choices: bool = True) -> bytes:
            data: dict[str, Any] = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
                if choices
                else [],
            }
            if flavor.usage_every_chunk:
                data["usage"] = usage
            elif flavor.usage_last_chunk:
                data["usage"] = usage if finish_reason else None
            elif want_usage:
                data["usage"] = None
            return frame(data)

        frames = [chunk({"role": "assistant", "content": ""})]
        if thinking:
            frames += [chunk({flavor.reasoning_field: piece}) for piece in reply_pieces(thinking)]
        if k["refuse"]:
            frames += [chunk({"refusal": piece}) for piece in reply_pieces(k["refuse"])]
        else:
            frames += [chunk({"content": piece}) for piece in pieces]
        if k["error_after"] is not None:
            error = k["error"] or {"message": "The server had an error while processing your request.",
                                   "type": "server_error", "param": None, "code": "server_error"}
            frames = frames[: k["error_after"] + 1] + [frame({"error": error})]
            return sse(frames, k["delay"])
        frames.append(chunk({}, finish))
        if want_usage and not (flavor.usage_every_chunk or flavor.usage_last_chunk):
            frames.append(frame({**base, "object": "chat.completion.chunk", "choices": [], "usage": usage}))
        frames.append(frame("[DONE]"))
        return sse(frames, k["delay"])

    return chat


def _responses_input_problem(items: Any) -> str:
    if isinstance(items, str):
        return ""
    if not isinstance(items, list) or not items:
        return "'input' must be a string or a non-empty array"
    for i, item in enumerate(items):
        if item.get("role") not in ("user", "assistant", "system", "developer"):
            return f"Invalid value for 'input[{i}].role'"
        content = item.get("content")
        if isinstance(content, list):
            for part in content:
                if part.get("type") == "input_image" and "detail" not in part:
                    return f"Missing required parameter: 'input[{i}].content.detail'"
                if part.get("type") not in ("input_text", "input_image", "output_text"):
                    return f"Invalid content type in input[{i}]"
    return ""


def responses_handler(flavor: Flavor):
    async def responses(request: Request) -> Response:
        fake = fake_of(request)
        body = json.loads(await request.body())
        problem = _responses_input_problem(body.get("input"))
        if not body.get("model") or problem:
            return openai_error(
                400, problem or "Missing required parameter: 'model'.", "invalid_request_error"
            )
        if bad := _effort_problem(flavor, (body.get("reasoning") or {}).get("effort"), "reasoning.effort"):
            return bad
        tools = [t.get("type") for t in body.get("tools") or []]
        if any(t not in flavor.search_tools for t in tools):
            bad = next(t for t in tools if t not in flavor.search_tools)
            return openai_error(400, f"Invalid value: '{bad}'. Supported values are: "
                                f"{', '.join(sorted(flavor.search_tools))}.", "invalid_request_error",
                                param="tools[0].type", code="invalid_value")
        k = scenario(fake.state, f"Hello from {fake.name}.")
        pieces = reply_pieces(k["reply"])
        status, incomplete = "completed", None
        limit = body.get("max_output_tokens")
        if isinstance(limit, int) and limit < len(pieces):
            pieces, status, incomplete = pieces[:limit], "incomplete", {"reason": "max_output_tokens"}
        searched = bool(tools)
        sources = (k["citations"] if k["citations"] is not None else SOURCES) if searched else []
        text = "".join(pieces)
        notes = [{"type": "url_citation", "url": s["url"], "start_index": 0, "end_index": len(text),
                  **({"title": s["title"]} if flavor.titles else {})} for s in sources]
        reasoning_tokens = 11 if (body.get("reasoning") or {}).get("effort") else 0
        content = ([{"type": "refusal", "refusal": k["refuse"]}] if k["refuse"] else
                   [{"type": "output_text", "text": text, "annotations": notes, "logprobs": []}])
        output: list[dict[str, Any]] = []
        if searched:
            output.append({"type": "web_search_call", "id": "ws_fake1", "status": "completed",
                           "action": {"type": "search", "query": "tides"}})
        message = {
            "type": "message",
            "id": "msg_fake1",
            "status": status,
            "role": "assistant",
            "content": content,
        }
        output.append(message)
        response = {
            "id": "resp_fake1", "object": "response", "created_at": 1760000000, "status": status,
            "model": body["model"], "output": output, "error": None, "incomplete_details": incomplete,
            "instructions": body.get("instructions"), "tools": body.get("tools") or [],
            "usage": {"input_tokens": 30, "input_tokens_details": {"cached_tokens": 0},
                      "output_tokens": len(pieces) + reasoning_tokens,
                      "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
                      "total_tokens": 30 + len(pieces) + reasoning_tokens},
        }
        if k["failed"]:
            response |= {"status": "failed", "error": k["failed"], "output": [], "usage": None}
        if not body.get("stream"):
            return JSONResponse(response)

        seq = iter(range(10_000))

        def event(kind: str, **data: Any) -> bytes:
            return frame({"type": kind, "sequence_number": next(seq), **data}, event=kind)

        shell = {**response, "status": "in_progress", "output": [], "usage": None}
        frames = [event("response.created", response=shell), event("response.in_progress", response=shell)]
        if searched:
            frames += [
                event(
                    "response.output_item.added", output_index=0, item={**output[0], "status": "in_progress"}
                ),
                event("response.web_search_call.searching", output_index=0, item_id="ws_fake1"),
                event("response.web_search_call.completed", output_index=0, item_id="ws_fake1"),
                event("response.output_item.done", output_index=0, item=output[0]),
            ]
        if k["failed"]:
            return sse(frames + [event("response.failed", response=response)], k["delay"])
        index = len(output) - 1
        frames.append(event("response.output_item.added", output_index=index,
                            item={**message, "status": "in_progress", "content": []}))
        if k["refuse"]:
            frames += [
                event(
                    "response.refusal.delta",
                    item_id="msg_fake1",
                    output_index=index,
                    content_index=0,
                    delta=piece,
                )
                for piece in reply_pieces(k["refuse"])
            ]
        else:
            frames += [
                event(
                    "response.output_text.delta",
                    item_id="msg_fake1",
                    output_index=index,
                    content_index=0,
                    delta=piece,
                    logprobs=[],
                )
                for piece in pieces
            ]
            frames += [
                event(
                    "response.output_text.annotation.added",
                    item_id="msg_fake1",
                    output_index=index,
                    content_index=0,
                    annotation_index=i,
                    annotation=note,
                )
                for i, note in enumerate(notes)
            ]
        if k["error_after"] is not None:
            frames = frames[: k["error_after"] + 3] + [
                event(
                    "error",
                    code="server_error",
                    param=None,
                    message=(k["error"] or {}).get(
                        "message", "An error occurred while processing your request."
                    ),
                )
            ]
            return sse(frames, k["delay"])
        frames.append(event("response.output_item.done", output_index=index, item=message))
        frames.append(event("response.completed" if status == "completed" else "response.incomplete",
                            response=response))
        return sse(frames, k["delay"])

    return responses


def routes(fake) -> list[Route]:
    return [Route("/v1/chat/completions", chat_handler(OPENAI), methods=["POST"]),
            Route("/v1/responses", responses_handler(OPENAI), methods=["POST"])]
