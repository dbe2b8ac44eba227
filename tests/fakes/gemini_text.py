"""Fake Gemini text: `POST /v1beta/models/{model}:generateContent` (one GenerateContentResponse) and
`:streamGenerateContent?alt=sse` (`data: <partial response>\\r\\n\\r\\n`, the last carrying finishReason,
usageMetadata and, with the Google Search tool, groundingMetadata). Thought parts, prompt blocks,
safety stops and mid-stream errors are scenario knobs."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import fake_of
from .gemini import gemini_error
from .streaming import frame, reply_pieces, scenario, sse

SOURCES = [
    {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/tides", "title": "tides.example"},
    {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/moon", "title": "moon.example"},
]
THINKING_LEVELS = {"MINIMAL", "LOW", "MEDIUM", "HIGH", "XHIGH"}  # google-genai 3.6 ThinkingLevel
BUDGET_ONLY = ("gemini-2.",)  # model id prefixes that take thinkingBudget but no thinkingLevel
# model id prefixes that take only some levels and refuse thinkingBudget (Gemini 4, 3.8 Flash)
LEVELS_ONLY = {
    "gemini-4-carbon": {"LOW", "MEDIUM", "HIGH"},
    "gemini-4-hydrogen": {"LOW", "MEDIUM", "HIGH", "XHIGH"},
    "gemini-3.8-flash": {"LOW", "MEDIUM", "HIGH"},
}


def _problem(body: dict[str, Any], model: str = "") -> str:
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        return "* GenerateContentRequest.contents: contents is not specified"
    for i, content in enumerate(contents):
        if content.get("role") not in ("user", "model"):
            return f"Please use a valid role: user, model. (contents[{i}])"
        for part in content.get("parts") or []:
            inline = part.get("inlineData")
            if inline is not None and not (inline.get("mimeType") and inline.get("data")):
                return f"Invalid value at 'contents[{i}].parts' (inlineData needs mimeType and data)"
    thinking = (body.get("generationConfig") or {}).get("thinkingConfig") or {}
    if "thinkingLevel" in thinking and thinking["thinkingLevel"] not in THINKING_LEVELS:
        level = thinking["thinkingLevel"]
        return f"Invalid value at 'generation_config.thinking_config.thinking_level' ({level})"
    if "thinkingLevel" in thinking and "thinkingBudget" in thinking:
        return "thinking_budget and thinking_level are not supported together"
    levels = next((v for k, v in LEVELS_ONLY.items() if model.startswith(k)), None)
    if levels is not None and "thinkingBudget" in thinking:
        return f"thinking_budget is not supported for this model ({model}); use thinking_level"
    if levels is not None and thinking.get("thinkingLevel", "MEDIUM") not in levels:
        return f"Thinking level {thinking['thinkingLevel']} is not supported for this model ({model})"
    if "thinkingLevel" in thinking and model.startswith(BUDGET_ONLY):
        return f"Thinking level is not supported for this model ({model}); use thinking_budget"
    for tool in body.get("tools") or []:
        if not ({"googleSearch", "google_search"} & set(tool)):
            return "Invalid JSON payload received. Unknown name in 'tools[0]'"
    return ""


async def generate(request: Request) -> Response:
    fake = fake_of(request)
    model = request.path_params["model"]
    method = request.url.path.rpartition(":")[2]
    body = json.loads(await request.body())
    problem = _problem(body, model)
    if problem:
        return gemini_error(400, "INVALID_ARGUMENT", problem)
    k = scenario(fake.state, "Hello from Gemini.")
    pieces = reply_pieces(k["reply"])
    finish = k["finish"] or "STOP"
    limit = (body.get("generationConfig") or {}).get("maxOutputTokens")
    if isinstance(limit, int) and limit < len(pieces):
        pieces, finish = pieces[:limit], "MAX_TOKENS"
    thinking = k["thinking"] if (body.get("generationConfig") or {}).get("thinkingConfig") else ""
    searched = bool(body.get("tools"))
    usage = {"promptTokenCount": 17, "candidatesTokenCount": len(pieces), "totalTokenCount": 17 + len(pieces)}
    if thinking:
        usage["thoughtsTokenCount"] = 9
        usage["totalTokenCount"] += 9
    if searched:
        usage["toolUsePromptTokenCount"] = 40
    base = {"modelVersion": model, "responseId": "fake-response-1"}
    if k["block"]:
        blocked = {
            "promptFeedback": {"blockReason": k["block"], "safetyRatings": []},
            "usageMetadata": {"promptTokenCount": 17, "totalTokenCount": 17},
            **base,
        }
        if method == "generateContent":
            return JSONResponse(blocked)
        return sse([frame(blocked, newline="\r\n")])

    def chunk(parts: list[dict[str, Any]], last: bool = False) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
        data: dict[str, Any] = {"candidates": [candidate], **base}
        if last:
            candidate["finishReason"] = finish
            candidate["safetyRatings"] = []
            if searched:
                candidate["groundingMetadata"] = {
                    "webSearchQueries": ["why are there tides"],
                    "groundingChunks": [
                        {"web": s} for s in (k["citations"] if k["citations"] is not None else SOURCES)
                    ],
                    "groundingSupports": [
                        {
                            "segment": {"startIndex": 0, "endIndex": 5, "text": "Hello"},
                            "groundingChunkIndices": [0],
                        }
                    ],
                }
            data["usageMetadata"] = usage
        else:
            data["usageMetadata"] = {"promptTokenCount": 17, "totalTokenCount": 17}
        return data

    thought_parts = [{"text": t, "thought": True} for t in reply_pieces(thinking)] if thinking else []
    if method == "generateContent":
        return JSONResponse(chunk(thought_parts + [{"text": "".join(pieces)}], last=True))
    if request.query_params.get("alt") != "sse":
        return JSONResponse([chunk(thought_parts + [{"text": "".join(pieces)}], last=True)])
    chunks = [chunk([p]) for p in thought_parts] + [chunk([{"text": p}]) for p in pieces[:-1]]
    chunks.append(chunk([{"text": pieces[-1]}] if pieces else [], last=True))
    frames = [frame(c, newline="\r\n") for c in chunks]
    if k["error_after"] is not None:
        error = k["error"] or {
            "code": 503,
            "message": "The model is overloaded. Please try again later.",
            "status": "UNAVAILABLE",
        }
        frames = frames[: k["error_after"]] + [frame({"error": error}, newline="\r\n")]
    return sse(frames, k["delay"])


def routes(fake) -> list[Route]:
    return [
        Route("/v1beta/models/{model}:generateContent", generate, methods=["POST"]),
        Route("/v1beta/models/{model}:streamGenerateContent", generate, methods=["POST"]),
    ]
