"""MCP prompts that clients show as commands (Claude Code: `/mcp__ai-hub__second_opinion`), built on
`generate_text` with `models`, and completion of their `models` argument from the catalog.

A prompt is a message for the client's own model: it says which tool call to make (one
`generate_text` call with every model at once) and what to do with the answers. With no models
given, `second_opinion` picks models of other labs whose keys are set, from the reasoning and
code presets' candidates.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.types import Completion, PromptReference
from pydantic import Field

from ..hub import Hub
from .text_many import MAX_MODELS

OPINION_PRESETS = ("best-reasoning", "best-code")
MAX_COMPLETIONS = 100
ModelsArg = Annotated[str, Field(description="Comma-separated model ids or presets (see list_models)")]


def parse_models(value: str) -> list[str]:
    return [m.strip() for m in value.split(",") if m.strip()][:MAX_MODELS]


def opinion_models(hub: Hub, count: int = 2) -> list[str]:
    """Up to `count` models of different providers with a key, in the presets' order of preference;
    the preset names themselves when no candidate has a key (the call then says which key to set)."""
    chosen: list[str] = []
    providers: set[str] = set()
    for name in OPINION_PRESETS:
        preset = hub.catalog.presets.get(name)
        for candidate in preset.candidates if preset else ():
            provider = candidate.split("/", 1)[0]
            if provider not in providers and hub.settings.has_key(provider) and len(chosen) < count:
                chosen.append(candidate)
                providers.add(provider)
    return chosen or [p for p in OPINION_PRESETS if p in hub.catalog.presets]


def call_line(models: list[str]) -> str:
    return f"generate_text with models={models!r}"


def completions(hub: Hub, value: str) -> Completion:
    """Values for a comma-separated models argument: the part typed so far kept, the last entry
    completed from presets and catalog ids that can answer text (available ones first)."""
    head, _, last = value.rpartition(",")
    prefix = f"{head}, " if head else ""
    typed = last.strip().lower()
    names = [n for n, p in hub.catalog.presets.items() if p.capability == "text"]
    rows = [
        (f"{p}/{e.id}", hub.settings.has_key(p)) for p, e in hub.catalog.entries() if "text" in e.capabilities
    ]
    ids = [i for i, ok in rows if ok] + [i for i, ok in rows if not ok]
    matches = [m for m in names + ids if m.lower().startswith(typed) or f"/{typed}" in m.lower()]
    values = [prefix + m for m in matches]
    more = len(values) > MAX_COMPLETIONS
    return Completion(values=values[:MAX_COMPLETIONS], total=len(values), has_more=more)


def register(mcp: MCPServer, hub: Hub) -> None:
    @mcp.prompt(
        name="second_opinion",
        title="Second opinion",
        description="Have other labs' models review a question, code or plan, then weigh the answers",
    )
    def second_opinion(
        subject: Annotated[str, Field(description="The question, code or plan to review")],
        models: ModelsArg = "",
    ) -> str:
        chosen = parse_models(models) or opinion_models(hub)
        return (
            f"Get a second opinion from other AI models. Make one ai-hub tool call, {call_line(chosen)}, "
            "with the material below as the prompt and a system message asking for a critical review "
            "(correctness, risks, better alternatives). Then report, briefly: where the models agree, "
            "where they disagree or find problems, and your own conclusion. A model that failed shows "
            "its error; say so and go on with the others.\n\n"
            f"<material>\n{subject}\n</material>"
        )

    @mcp.prompt(
        name="compare_models",
        title="Compare models",
        description="Run one task on several models and show the answers side by side",
    )
    def compare_models(
        task: Annotated[str, Field(description="The task every model gets")],
        models: ModelsArg = "",
    ) -> str:
        chosen = parse_models(models) or opinion_models(hub, count=3)
        return (
            f"Compare AI models on one task. Make one ai-hub tool call, {call_line(chosen)}, with the "
            "task below as the prompt. Show each model's answer under its name, side by side, with its "
            "cost and token usage, then a short comparison: quality, differences, and which answer you "
            "would use.\n\n"
            f"<task>\n{task}\n</task>"
        )

    @mcp.completion()
    async def complete(ref: Any, argument: Any, context: Any) -> Completion | None:
        if (
            isinstance(ref, PromptReference)
            and ref.name in ("second_opinion", "compare_models")
            and argument.name == "models"
        ):
            return completions(hub, argument.value or "")
        return None
