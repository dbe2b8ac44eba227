"""One non-streamed `:generateContent` call and reading its answer: the first candidate's parts,
with prompt blocks and safety stops turned into `[content_policy]`, and `provider_options` merged
into the request (top-level request fields stay top-level, everything else joins generationConfig).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2

from ...errors import ContentPolicy, ProviderUnavailable
from .api import base_url, model_path

if TYPE_CHECKING:
    from ...context import ProviderContext

GENERATE_TIMEOUT = httpx2.Timeout(connect=10.0, read=300.0, write=120.0, pool=10.0)
TOP_LEVEL = {"contents", "systemInstruction", "system_instruction", "tools", "toolConfig", "safetySettings",
             "safety_settings", "cachedContent", "labels"}
SAFETY_STOPS = {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY"}


def merge_options(body: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """`options` merged into a generateContent body (generationConfig keys deep-merged one level)."""
    config = dict(body.get("generationConfig") or {})
    for key, value in options.items():
        if key in ("generationConfig", "generation_config") and isinstance(value, dict):
            for k, v in value.items():
                config[k] = (
                    {**config[k], **v} if isinstance(v, dict) and isinstance(config.get(k), dict) else v
                )
        elif key in TOP_LEVEL:
            body[key] = value
        elif isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    if config:
        body["generationConfig"] = config
    return body


async def generate(hub: ProviderContext, model: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts of the first candidate, or a hub error saying why there are none."""
    url = f"{base_url(hub.settings)}/{model_path(model)}:generateContent"
    client = hub.client("gemini")
    response = await client.request("POST", url, retry="generate", json=body, timeout=GENERATE_TIMEOUT)
    data = client.json(response, "reply")
    feedback = data.get("promptFeedback") or {}
    if feedback.get("blockReason"):
        raise ContentPolicy(f"gemini blocked the request ({feedback['blockReason']})", provider="gemini",
                            hint="Rephrase the request")
    candidates = data.get("candidates") or []
    if not candidates:
        raise ProviderUnavailable(
            "gemini returned no candidates", provider="gemini", hint="Try again shortly"
        )
    candidate = candidates[0]
    reason = str(candidate.get("finishReason") or "")
    parts = (candidate.get("content") or {}).get("parts") or []
    if reason in SAFETY_STOPS and not parts:
        raise ContentPolicy(f"gemini stopped on safety grounds ({reason})", provider="gemini",
                            hint="Rephrase the request")
    return parts


def text_of(parts: list[dict[str, Any]]) -> str:
    """The answer's text, without thought summaries."""
    return "".join(p.get("text", "") for p in parts if "text" in p and not p.get("thought"))
