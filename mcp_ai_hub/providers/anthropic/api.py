"""Anthropic: `x-api-key` + `anthropic-version` auth, `{"type":"error","error":{type,message}}` bodies
(529 overloaded), `GET /v1/models` pages. Capabilities in sibling modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...capabilities import LiveModel
from ...errors import ContentPolicy, HubError, ProviderAuth, ProviderRateLimited, ProviderUnavailable
from ...http import LISTING_TIMEOUT, ProviderApi, json_body, make_error

if TYPE_CHECKING:
    from ...config import Settings
    from ...http import ProviderClient

VERSION = "2023-06-01"

# error.type -> hub error class, where it says more than the status does
ERROR_TYPES = {
    "authentication_error": ProviderAuth,
    "permission_error": ProviderAuth,
    "billing_error": ProviderAuth,
    "rate_limit_error": ProviderRateLimited,
    "overloaded_error": ProviderUnavailable,
    "api_error": ProviderUnavailable,
}


def auth(key: str) -> dict[str, str]:
    return {"x-api-key": key, "anthropic-version": VERSION}


def parse_error(status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
    data = json_body(body)
    err = data.get("error") if isinstance(data, dict) else None
    if not isinstance(err, dict):
        return make_error(status, body.decode("utf-8", "replace")[:500])
    message = str(err.get("message") or "")
    if "refus" in message.lower() and status == 400:
        return make_error(status, message, cls=ContentPolicy)
    return make_error(status, message, cls=ERROR_TYPES.get(str(err.get("type"))))


API = ProviderApi("anthropic", auth, parse_error)


def base_url(settings: Settings) -> str:
    return settings.base_url("ANTHROPIC_BASE_URL")


async def list_models(client: ProviderClient) -> list[LiveModel]:
    """All pages of `GET /v1/models` (`has_more` / `after_id`)."""
    models, after = [], ""
    for _ in range(20):
        params = {"limit": "1000", **({"after_id": after} if after else {})}
        response = await client.request("GET", "/v1/models", params=params, timeout=LISTING_TIMEOUT,
                                        retry="none")
        data = client.json(response)
        models += [LiveModel(str(m["id"]), ["text"], m.get("max_input_tokens")) for m in data.get("data", [])]
        if not data.get("has_more") or not data.get("last_id"):
            break
        after = data["last_id"]
    return models
