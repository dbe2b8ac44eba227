"""`generate_text`: validate and resolve, dispatch to the provider's text module, stream progress
to the client while the answer arrives, and shape the contract's result."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult
from pydantic import Field

from ..capabilities import text as text_capability
from ..hub import Hub
from ..shapes import GenerateTextOut
from . import long_answers, text_many
from .progress import Beating, CallProgress, StreamProgress
from .results import GENERATION, hub_of, ok, tool_errors
from .tool_cache import tool

PROGRESS_INTERVAL = 0.25  # seconds between progress notifications while text streams in

DESCRIPTION = """\
Ask a chat model on {providers}. `models` asks several at once, e.g. for a second opinion
from another lab. Returns text, citations, usage and cost_usd. Per-provider details: catalog://guide."""


# the schema of one message; checked by build_request so a bad one is an [invalid_argument] result
MESSAGE_SCHEMA = {
    "type": "object", "required": ["role", "content"],
    "properties": {"role": {"type": "string", "enum": list(text_capability.ROLES)},
                   "content": {"type": "string"}},
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


async def _one(ctx: Context, hub: Hub, build: text_many.Ask, model: str) -> CallToolResult:
    resolved, request = build(model)
    generator = hub.capability(resolved.provider, "text")
    reporter = StreamProgress(CallProgress(ctx), PROGRESS_INTERVAL)
    async with Beating(reporter.heartbeat):
        result = await generator.generate_text(hub, resolved, request, reporter)
    out = result.to_dict()
    extra = await long_answers.keep(hub, [out])
    return ok(_summary(out, result.provider_model), out, extra, hub=hub)


async def _many(ctx: Context, hub: Hub, build: text_many.Ask, ids: list[str]) -> CallToolResult:
    entries, errors = await text_many.ask_all(hub, CallProgress(ctx), ids, build)
    if len(errors) == len(entries):
        raise text_many.all_failed(entries, errors)
    out = text_many.combined(entries)
    extra = await long_answers.keep(hub, [e for e in entries if not e["error"]])
    return ok(text_many.summary(entries, lambda e: _summary(e, "")), out, extra, hub=hub)


def register(mcp: MCPServer, hub: Hub) -> None:
    @tool(mcp,
        title="Generate text",
        description=DESCRIPTION.replace("{providers}", hub.settings.registry.display_list("text", "or")),
        annotations=GENERATION,
    )
    @tool_errors
    async def generate_text(
        ctx: Context,
        prompt: Annotated[str, Field(description="The request")] = "",
        messages: Annotated[list[Any], Field(
            description="Earlier turns, oldest first",
            json_schema_extra={"items": MESSAGE_SCHEMA})] = [],  # noqa: B006
        system: str = "",
        model: Annotated[str, Field(description="id or preset; empty = default")] = "",
        models: Annotated[list[str], Field(
            description="Ask these instead of model",
            json_schema_extra={"maxItems": text_many.MAX_MODELS})] = [],  # noqa: B006
        max_tokens: Annotated[int, Field(description="0 = model default",
                                         json_schema_extra={"minimum": 0})] = 0,
        temperature: Annotated[float, Field(description="-1 = model default",
                                            json_schema_extra={"minimum": -1, "maximum": 2})] = -1,
        reasoning: Annotated[str, Field(
            description="off = the model's default",
            json_schema_extra={"enum": list(text_capability.REASONING_LEVELS)})] = "off",
        images: Annotated[list[str], Field(description="Image paths, URLs or data URIs")] = [],  # noqa: B006
        web_search: Annotated[bool, Field(description="Provider web search, cited")] = False,
        provider_options: Annotated[dict[str, Any], Field(
            description="Extra request fields")] = {},  # noqa: B006
    ) -> Annotated[CallToolResult, GenerateTextOut]:
        hub = hub_of(ctx)

        def build(name: str) -> tuple[Any, text_capability.TextRequest]:
            return text_capability.build_request(
                hub.catalog, hub.settings, prompt=prompt, messages=messages, system=system, model=name,
                max_tokens=max_tokens, temperature=temperature, reasoning=reasoning, images=images,
                web_search=web_search, provider_options=provider_options,
            )

        if models:
            return await _many(ctx, hub, build, text_many.check_models(models, model))
        return await _one(ctx, hub, build, model)
