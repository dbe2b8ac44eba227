"""WaveSpeed AI (api v3): bearer auth, the `{"code","message","data"}` envelope on every response,
`GET /api/v3/models`. Capabilities in sibling modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...capabilities import LiveModel
from ...errors import ContentPolicy, HubError
from ...http import LISTING_TIMEOUT, ProviderApi, json_body, make_error

if TYPE_CHECKING:
    from ...config import Settings
    from ...http import ProviderClient

# WaveSpeed model `type` -> hub capability
TYPE_CAPABILITIES = {"text-to-image": "image", "image-to-image": "image", "text-to-video": "video",
                     "image-to-video": "video", "text-to-audio": "speech", "text-to-speech": "speech"}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def parse_error(status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
    data = json_body(body)
    if isinstance(data, dict):
        message = str(data.get("message") or "")
    else:
        message = body.decode("utf-8", "replace")[:500]
    if "nsfw" in message.lower() or "sensitive" in message.lower():
        return make_error(status, message, cls=ContentPolicy)
    return make_error(status, message)


API = ProviderApi("wavespeed", auth, parse_error)
# capabilities whose models all appear in the listing (a catalog model missing from it is unlisted)
LISTING_COVERS: tuple[str, ...] = ()  # not known to be complete


def base_url(settings: Settings) -> str:
    """The v3 API root, e.g. `https://api.wavespeed.ai/api/v3`."""
    return settings.base_url("WAVESPEED_BASE_URL") + "/api/v3"


async def list_models(client: ProviderClient) -> list[LiveModel]:
    response = await client.request("GET", "/api/v3/models", timeout=LISTING_TIMEOUT, retry="none")
    models = []
    for m in client.json(response).get("data") or []:
        cap = TYPE_CAPABILITIES.get(str(m.get("type", "")))
        models.append(LiveModel(str(m["model_id"]), [cap] if cap else []))
    return models
