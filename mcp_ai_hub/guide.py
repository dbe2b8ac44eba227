"""The parameter guide: what the tools' parameters do in general and how each provider takes them.

Tool descriptions stay short (every session pays for them in its context); the detail an agent
needs only when it picks a provider lives here, served as the `catalog://guide` resource and, per
provider, as the `params` note of a full `list_models` entry. Each provider package may have a
`guide` module with `GUIDE = {capability: text}`; it is imported only when the guide is read.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .providers.registry import ProviderSpec, Registry

GENERAL = {
    "text": (
        "prompt and/or messages ([{role: user|assistant, content}], oldest first; prompt is appended as "
        "the last user turn). model: a provider/model id, a bare id, or a preset (best-code, "
        "best-reasoning, cheap-text, open-text); empty = the default. models: up to 6 ids or presets asked "
        "at once with the same input (second opinions): one result per model, in order, a failing model "
        "an entry with its error. max_tokens 0 = the model's default. temperature -1 = the model's "
        "default. reasoning off sends no reasoning setting (the model's own default); low/medium/high map "
        "per provider (below); reasoning text never enters `text`, usage.output_tokens includes it. "
        "images (vision models): local paths inside the allowed input directories, URLs or data URIs. "
        "web_search: the provider's own search, sources in citations; [unsupported_capability] where the "
        "model has none. provider_options are merged into the request body (objects key by key, lists "
        'replaced, null removes a field the hub would send); {"stream": false} asks for one plain '
        "response. cost_usd is null when the catalog has no price (search fees excluded)."
    ),
    "image": (
        "A parameter the model cannot honour is refused with [invalid_argument] naming it, never dropped; "
        "approximations (a size sent as the closest aspect ratio) are listed in `notes`. Queued providers "
        "(their notes below say so) run as jobs: the call waits up to wait_seconds, then returns `job` "
        "to follow with get_job."
    ),
    "speech": (
        "text, or speakers [{speaker, voice, text}] for a dialogue. voice empty = the model's default; "
        "list_models capability=speech shows voices and formats. Queued providers run as jobs "
        "(wait_seconds, get_job)."
    ),
    "transcription": (
        "audio: a local path inside the allowed input directories, a URL or a data URI. timestamps gives "
        "segments, diarize speaker labels, in one shape for every provider. Queued providers run as jobs."
    ),
    "video": (
        "Always a job: the call waits up to wait_seconds with progress, then returns the job; get_job "
        "waits again; the MP4 is saved on the server's disk. Parameters a model cannot honour are refused."
    ),
}


def provider_notes(spec: ProviderSpec) -> dict[str, str]:
    """The provider's own guide (capability -> text), or {} when its package has none."""
    try:
        module = importlib.import_module(f"{spec.package}.guide")
    except ModuleNotFoundError:
        return {}
    guide = getattr(module, "GUIDE", {})
    return {cap: str(text) for cap, text in guide.items() if cap in spec.capabilities}


def params_note(spec: ProviderSpec, capabilities: list[str]) -> str:
    """The provider's notes for these capabilities, one sentence group each."""
    notes = provider_notes(spec)
    return " ".join(f"{cap}: {notes[cap]}" for cap in capabilities if cap in notes)


def render(registry: Registry) -> str:
    """The whole guide as Markdown: per capability, the general rules then each provider's notes."""
    lines = ["# mcp-ai-hub parameter guide", ""]
    notes = {spec.name: provider_notes(spec) for spec in registry}
    for capability, general in GENERAL.items():
        lines += [f"## {capability}", "", general, ""]
        for spec in registry:
            if spec.offers(capability):
                text = notes[spec.name].get(capability, "no provider-specific notes")
                lines.append(f"- **{spec.name}** ({spec.display_name}): {text}")
        lines.append("")
    return "\n".join(lines)
