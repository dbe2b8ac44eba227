"""Anthropic: `x-api-key` + `anthropic-version` auth, `{"type":"error","error":{type,message}}` bodies
(529 overloaded), `GET /v1/models` pages. Capabilities in sibling modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...capabilities import LiveModel
from ...errors import ContentPolicy, HubError, ProviderAuth, ProviderRateLimited, ProviderUnavailable
from ...http import LISTING_TIMEOUT, ProviderApi, json_body, make_error
from ...lifecycle import listed_date

if TYPE_CHECKING:
    from ...config import Settings
    from ...http import ProviderClient

VERSION = "2023-06-01"
LIFECYCLES = ("active", "deprecated", "retired")

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
# capabilities whose models all appear in the listing (a catalog model missing from it is unlisted)
LISTING_COVERS: tuple[str, ...] = ("text",)


def base_url(settings: Settings) -> str:
    return settings.base_url("ANTHROPIC_BASE_URL")


def live_model(m: dict) -> LiveModel:
    """One `ModelInfo`: `lifecycle` (active / deprecated / retired) is the retirement signal;
    `retires_at` is only the schedule (a past one on a deprecated model means overdue)."""
    status = m.get("lifecycle")
    return LiveModel(str(m["id"]), ["text"], m.get("max_input_tokens"),
                     status if status in ("active", "deprecated", "retired") else "",
                     listed_date(m.get("deprecated_at")), listed_date(m.get("retires_at")))


async def list_models(client: ProviderClient) -> list[LiveModel]:
    """All pages of `GET /v1/models` (`has_more` / `after_id`), retired models included (they are
    listed only when asked for, with `lifecycle[]`)."""
    models, after = [], ""
    for _ in range(20):
        params: dict[str, str | list[str]] = {"limit": "1000", "lifecycle[]": list(LIFECYCLES),
                                              **({"after_id": after} if after else {})}
        response = await client.request("GET", "/v1/models", params=params, timeout=LISTING_TIMEOUT,
                                        retry="none")
        data = client.json(response)
        models += [live_model(m) for m in data.get("data", []) if isinstance(m, dict) and m.get("id")]
        if not data.get("has_more") or not data.get("last_id"):
            break
        after = data["last_id"]
    return models
