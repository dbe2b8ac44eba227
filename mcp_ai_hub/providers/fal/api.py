"""fal.ai: `Authorization: Key …`, `{"detail", "error_type"}` bodies (422 lists), the platform model
listing at `FAL_API_URL/models`. Queue, storage and capabilities in sibling modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...capabilities import LiveModel
from ...errors import ContentPolicy, HubError, ProviderTimeout
from ...http import LISTING_TIMEOUT, ProviderApi, json_body, make_error

if TYPE_CHECKING:
    from ...config import Settings
    from ...http import ProviderClient

# fal model category -> hub capability
CATEGORY_CAPABILITIES = {"text-to-image": "image", "image-to-image": "image", "text-to-video": "video",
                         "image-to-video": "video", "text-to-speech": "speech",
                         "speech-to-text": "transcription", "text-to-audio": "speech"}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Key {key}"}


def parse_error(status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
    data = json_body(body)
    detail = data.get("detail") if isinstance(data, dict) else None
    error_type = str((data or {}).get("error_type") if isinstance(data, dict) else "") or headers.get(
        "x-fal-error-type", "")
    if isinstance(detail, list):
        types = {str(d.get("type")) for d in detail if isinstance(d, dict)}
        message = "; ".join(str(d.get("msg")) for d in detail if isinstance(d, dict))
        if "content_policy_violation" in types:
            return make_error(status, message, cls=ContentPolicy)
        return make_error(status, message)
    message = str(detail) if detail else body.decode("utf-8", "replace")[:500]
    if error_type == "content_policy_violation":
        return make_error(status, message, cls=ContentPolicy)
    if error_type == "request_timeout":
        return make_error(status, message, cls=ProviderTimeout)
    return make_error(status, message)


API = ProviderApi("fal", auth, parse_error)
# capabilities whose models all appear in the listing (a catalog model missing from it is unlisted)
LISTING_COVERS: tuple[str, ...] = ()  # paged and capped: never complete enough to call a model gone


def queue_url(settings: Settings) -> str:
    return settings.base_url("FAL_QUEUE_URL")


def rest_url(settings: Settings) -> str:
    return settings.base_url("FAL_REST_URL")


async def list_models(client: ProviderClient) -> list[LiveModel]:
    """`GET {FAL_API_URL}/models` pages (`next_cursor`, `has_more`)."""
    models, cursor = [], ""
    for _ in range(10):
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        response = await client.request("GET", f"{client.base('FAL_API_URL')}/models", params=params,
                                        timeout=LISTING_TIMEOUT, retry="none")
        data = client.json(response)
        for m in data.get("models", []):
            cap = CATEGORY_CAPABILITIES.get(str((m.get("metadata") or {}).get("category", "")))
            models.append(LiveModel(str(m["endpoint_id"]), [cap] if cap else []))
        cursor = data.get("next_cursor") or ""
        if not data.get("has_more") or not cursor:
            break
    return models
