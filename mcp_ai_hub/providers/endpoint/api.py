"""How to talk to a user-configured OpenAI-compatible endpoint: bearer auth (when it has a key),
OpenAI's `{"error": {...}}` bodies, and its `GET /models` listing. The hub names the `ProviderApi`
after the endpoint when it builds the endpoint's client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...http import ProviderApi
from .. import openai_compat

if TYPE_CHECKING:
    from ...capabilities import LiveModel
    from ...http import ProviderClient

API = ProviderApi("openai-compatible", openai_compat.bearer, openai_compat.parse_error)
# capabilities whose models all appear in the listing (a catalog model missing from it is unlisted)
LISTING_COVERS: tuple[str, ...] = ()  # no catalog models to judge


async def list_models(client: ProviderClient) -> list[LiveModel]:
    return await openai_compat.list_models(client)
