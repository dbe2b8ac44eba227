"""Together AI: OpenAI-compatible wire; `GET /models` returns a bare array with a `type` per model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...capabilities import LiveModel
from ...http import LISTING_TIMEOUT, ProviderApi
from .. import openai_compat

if TYPE_CHECKING:
    from ...config import Settings
    from ...http import ProviderClient

API = ProviderApi("together", openai_compat.bearer, openai_compat.parse_error)
# capabilities whose models all appear in the listing (a catalog model missing from it is unlisted)
LISTING_COVERS: tuple[str, ...] = ("text", "image")  # audio models are not typed there

# Together's model `type` -> hub capability
TYPE_CAPABILITIES = {"chat": "text", "language": "text", "code": "text", "image": "image", "video": "video",
                     "audio": "speech", "transcribe": "transcription"}


def base_url(settings: Settings) -> str:
    return settings.base_url("TOGETHER_BASE_URL")


def video_base_url(settings: Settings) -> str:
    """Videos live under /v2 on the same host."""
    base = base_url(settings)
    return base[: -len("/v1")] + "/v2" if base.endswith("/v1") else base + "/v2"


async def list_models(client: ProviderClient) -> list[LiveModel]:
    response = await client.request("GET", "/models", timeout=LISTING_TIMEOUT, retry="none")
    data = client.json(response)
    items = data if isinstance(data, list) else data.get("data", [])
    models = []
    for item in items:
        if isinstance(item, dict) and item.get("id"):
            cap = TYPE_CAPABILITIES.get(str(item.get("type", "")))
            context = item.get("context_length") or None
            models.append(LiveModel(str(item["id"]), [cap] if cap else [], context))
    return models
