"""`generate_text`: validate and resolve, dispatch to the provider's text module, stream progress
to the client while the answer arrives, and shape the contract's result."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from ..capabilities import text as text_capability
from ..errors import HubError
from ..hub import Hub
from ..shapes import GenerateTextOut
from .progress import CallProgress, StreamProgress
from .results import GENERATION, hub_of, ok, tool_errors
from .tool_cache import tool

PROGRESS_INTERVAL = 0.25  # seconds between progress notifications while text streams in

DESCRIPTION = """\
Generate text with a chat model on {providers}. Returns the answer
with its citations, the model, a normalised finish_reason (stop, length, content_filter, tool_calls,
other), token usage and the cost in USD (null when the catalog has no price; per-search fees excluded).

- prompt and/or messages: messages are earlier turns [{role: user|assistant, content}]; prompt, when
  given, is appended as the last user turn.
- model: provider/model id, a bare id, or a preset (best-code, best-reasoning, cheap-text, open-text);
  empty uses the default text preset. See list_models capability=text.
- max_tokens: 0 = the model's default (Anthropic always needs one: the catalog's default is sent).
- temperature: 0-2; -1 = the model's default.
- reasoning: off (default) sends no reasoning setting, so the model's own default applies (no extended
  thinking on Claude; default effort on OpenAI/xAI reasoning models; Gemini's dynamic thinking).
  low/medium/high map to OpenAI reasoning_effort, xAI reasoning_effort (low, high, high), Claude
  extended thinking budgets of 2048/8192/24576 tokens (max_tokens is raised to budget + answer room
  when the budget would not fit), Gemini 3 thinkingLevel LOW/MEDIUM/HIGH and Gemini 2.5 thinkingBudget
  1024/8192/24576. Only models with the reasoning feature accept it. Reasoning text is never part of
  `text`; usage.output_tokens includes reasoning tokens, usage.reasoning_tokens is that part (null when
  the provider does not report it).
- images: local paths (inside the allowed input directories), http(s) URLs or data URIs; they go with
  the last user turn. Vision models only.
- web_search: the provider's own server-side search (OpenAI Responses web_search tool, Claude
  web_search_20250305, Gemini Google Search grounding, xAI web_search + x_search on its Responses API);
  cited sources come back in citations. Models without it fail with [unsupported_capability].
- provider_options: extra fields merged into the provider's request body (objects key by key, lists
  replaced whole; null removes a field the hub would send).
  {"stream": false} asks for one plain response instead of a stream (no progress meanwhile).
  OpenAI: Chat Completions fields (top_p, seed, stop, response_format, verbosity, service_tier...), or
  Responses API fields (text, tools settings, include...) when web_search is on or the model is
  Responses-only (Codex, -pro). Anthropic: Messages fields (top_k, stop_sequences, metadata,
  service_tier, thinking to override the budget, tools to set the search tool's max_uses...).
  Gemini: generateContent fields, e.g. {"generationConfig": {"topK": 40, "responseMimeType":
  "application/json"}, "safetySettings": [...]}. xAI: chat fields (top_p, seed, stop, response_format...),
  or Responses API fields with web_search (search tool settings in tools). Together: chat fields (top_k,
  repetition_penalty, min_p, safety_model, reasoning {"enabled": ...}...).
"""


# the schema of one message; checked by build_request so a bad one is an [invalid_argument] result
MESSAGE_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["role", "content"],
    "properties": {"role": {"type": "string", "enum": list(text_capability.ROLES)},
                   "content": {"type": "string", "description": "The turn's text"}},
}


def _summary(out: dict[str, Any], provider_model: str) -> str:
    lines = [out["text"] or "(the model returned no text)"]
    if out["citations"]:
        lines.append("\nSources:")
        lines += [f"{i}. {c['title'] or c['url']} - {c['url']}" for i, c in enumerate(out["citations"], 1)]
    usage = out["usage"]
    cost = f", ${out['cost_usd']:.6f}" if out["cost_usd"] is not None else ""
    note = "; cut off at max_tokens" if out["finish_reason"] == "length" else ""
    same = not provider_model or out["model"].endswith("/" + provider_model)
    served = "" if same else f" ({provider_model})"
    lines.append(f"\n[{out['model']}{served}: finish {out['finish_reason']}{note}; "
                 f"{usage['input_tokens']} in, {usage['output_tokens']} out tokens{cost}]")
    return "\n".join(lines)


def register(mcp: MCPServer, hub: Hub) -> None:
    @tool(mcp,
        title="Generate text",
        description=DESCRIPTION.replace("{providers}", hub.settings.registry.display_list("text", "or")),
        annotations=GENERATION,
    )
    @tool_errors
    async def generate_text(
        ctx: Context,
        prompt: Annotated[str, Field(description="The request (appended after messages, if any)")] = "",
        messages: Annotated[list[Any], Field(
            description="Earlier conversation turns, oldest first: [{role: user|assistant, content}]",
            json_schema_extra={"items": MESSAGE_SCHEMA})] = [],  # noqa: B006
        system: Annotated[str, Field(description="System instructions")] = "",
        model: Annotated[str, Field(description="provider/model id or preset; empty = default preset")] = "",
        max_tokens: Annotated[int, Field(description="Answer length cap in tokens; 0 = model default",
                                         json_schema_extra={"minimum": 0})] = 0,
        temperature: Annotated[float, Field(description="0 to 2; -1 = model default",
                                            json_schema_extra={"minimum": -1, "maximum": 2})] = -1,
        reasoning: Annotated[str, Field(
            description="off (model default), low, medium or high",
            json_schema_extra={"enum": list(text_capability.REASONING_LEVELS)})] = "off",
        images: Annotated[list[str], Field(description="Image paths, http(s) URLs or data URIs")] = [],  # noqa: B006
        web_search: Annotated[bool, Field(description="Provider-side web search with citations")] = False,
        provider_options: Annotated[dict[str, Any], Field(
            description="Provider-specific request fields merged into the body; {\"stream\": false} for a "
                        "plain response")] = {},  # noqa: B006
    ) -> Annotated[CallToolResult, GenerateTextOut]:
        hub = hub_of(ctx)
        resolved, request = text_capability.build_request(
            hub.catalog, hub.settings, prompt=prompt, messages=messages, system=system, model=model,
            max_tokens=max_tokens, temperature=temperature, reasoning=reasoning, images=images,
            web_search=web_search, provider_options=provider_options,
        )
        generator = hub.capability(resolved.provider, "text")
        reporter = StreamProgress(CallProgress(ctx), PROGRESS_INTERVAL)
        failure: HubError | None = None
        async with anyio.create_task_group() as tg:
            tg.start_soon(reporter.heartbeat)
            try:
                result = await generator.generate_text(hub, resolved, request, reporter)
            except HubError as exc:  # re-raised below, outside the task group, so it is not wrapped
                failure = exc
            tg.cancel_scope.cancel()
        if failure is not None:
            raise failure
        out = result.to_dict()
        return ok(_summary(out, result.provider_model), out, hub=hub)
