"""Wire code shared by OpenAI-compatible vendors (OpenAI, xAI, Together): bearer auth, the
`{"error": {...}}` body, and the `/models` listing. Vendor differences are passed in as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..capabilities import LiveModel
from ..errors import ContentPolicy, HubError
from ..http import LISTING_TIMEOUT, ProviderApi, json_body, make_error

if TYPE_CHECKING:
    from ..hub import Hub

# error `code`/`type` values that mean the provider refused on safety grounds
CONTENT_POLICY_CODES = {"content_policy_violation", "moderation_blocked", "content_filter", "safety_violation"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def parse_error(status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
    """Read `{"error": {"message", "type", "code"}}`, or xAI's `{"code", "error": "..."}`."""
    data = json_body(body)
    message, codes = "", set()
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            message = str(err.get("message") or "")
            codes = {str(err.get("code") or ""), str(err.get("type") or "")}
        elif isinstance(err, str):
            message = err
            codes = {str(data.get("code") or "")}
        elif isinstance(data.get("message"), str):
            message = data["message"]
    elif body:
        message = body.decode("utf-8", "replace")[:500]
    if codes & CONTENT_POLICY_CODES:
        return make_error(status, message, cls=ContentPolicy)
    return make_error(status, message)


def models_from_listing(data: object) -> list[str]:
    """Model ids from `{"data": [{"id"}]}` or a bare array of `{"id"}` (Together)."""
    items = data.get("data", data.get("models", [])) if isinstance(data, dict) else data
    return [str(item["id"]) for item in items or [] if isinstance(item, dict) and item.get("id")]


async def list_models(hub: Hub, api: ProviderApi, base_url: str) -> list[LiveModel]:
    """`GET {base_url}/models` with a short timeout and no retries (used by list_models refresh)."""
    response = await hub.http.request(
        api, hub.key(api.name), "GET", f"{base_url}/models", timeout=LISTING_TIMEOUT, retry="none"
    )
    return [LiveModel(i) for i in models_from_listing(response.json())]
