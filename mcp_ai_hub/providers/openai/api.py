"""OpenAI: bearer auth, `{"error": {...}}` bodies, `GET /models`. Capabilities in sibling modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...capabilities import LiveModel
from ...http import ProviderApi
from .. import openai_compat

if TYPE_CHECKING:
    from ...config import Settings
    from ...http import ProviderClient

API = ProviderApi("openai", openai_compat.bearer, openai_compat.parse_error)
# capabilities whose models all appear in the listing (a catalog model missing from it is unlisted)
LISTING_COVERS: tuple[str, ...] = ("text", "image", "speech", "transcription", "video")


def base_url(settings: Settings) -> str:
    return settings.base_url("OPENAI_BASE_URL")


async def list_models(client: ProviderClient) -> list[LiveModel]:
    return await openai_compat.list_models(client)
