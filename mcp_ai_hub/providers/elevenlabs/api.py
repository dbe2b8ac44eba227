"""ElevenLabs: `xi-api-key` auth, `{"detail": {"status","message"}}` (or 422 list) bodies,
`GET /v1/models` bare array. Capabilities in sibling modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...capabilities import LiveModel
from ...errors import HubError, ProviderAuth, ProviderRateLimited
from ...http import LISTING_TIMEOUT, ProviderApi, json_body, make_error

if TYPE_CHECKING:
    from ...config import Settings
    from ...http import ProviderClient

DETAIL_STATUSES = {"invalid_api_key": ProviderAuth, "missing_permissions": ProviderAuth,
                   "quota_exceeded": ProviderRateLimited, "too_many_concurrent_requests": ProviderRateLimited,
                   "system_busy": ProviderRateLimited}


def auth(key: str) -> dict[str, str]:
    return {"xi-api-key": key}


def parse_error(status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
    data = json_body(body)
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, dict):
        return make_error(status, str(detail.get("message") or detail.get("status") or ""),
                          cls=DETAIL_STATUSES.get(str(detail.get("status"))))
    if isinstance(detail, list):
        parts = [f"{'.'.join(str(x) for x in d.get('loc', []))}: {d.get('msg')}"
                 for d in detail if isinstance(d, dict)]
        return make_error(status, "; ".join(parts))
    return make_error(status, str(detail) if detail else body.decode("utf-8", "replace")[:500])


API = ProviderApi("elevenlabs", auth, parse_error)
# capabilities whose models all appear in the listing (a catalog model missing from it is unlisted)
LISTING_COVERS: tuple[str, ...] = ("speech",)  # GET /v1/models lists the speech models only (not scribe)


def base_url(settings: Settings) -> str:
    return settings.base_url("ELEVENLABS_BASE_URL")


async def list_models(client: ProviderClient) -> list[LiveModel]:
    response = await client.request("GET", "/v1/models", timeout=LISTING_TIMEOUT, retry="none")
    models = []
    for m in client.json(response):
        caps = ["speech"] if m.get("can_do_text_to_speech") else []
        models.append(LiveModel(str(m["model_id"]), caps))
    return models
