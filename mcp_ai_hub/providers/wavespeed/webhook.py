"""Verifying WaveSpeed's webhook deliveries (the `?webhook=` of a submit, see `predictions.py`).

What this relies on (WaveSpeed's "Verifying Webhooks" page, wavespeed.ai/docs/docs-api/verifying_webhook):
- every delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
  `webhook-signature: v3,<hex>`;
- the signature is HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed by the
  account's webhook secret with its `whsec_` prefix removed (the rest used as text, not decoded);
- the secret comes from `GET /api/v3/webhook/secret` with the API key; the page does not show the
  answer's shape, so the envelope's `data` is read as the secret itself or its `secret` /
  `webhook_secret` field;
- a delivery older than 5 minutes is refused (replays).

The secret is fetched with our WaveSpeed key on the first delivery, kept in memory only (never
logged), and fetched again once when a signature does not match and it is older than a minute (it
was regenerated).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx2

from ...errors import HubError
from ...http import json_of
from ...jobs.backend import WebhookRejected, WebhookUnverifiable
from .api import API, base_url

if TYPE_CHECKING:
    from ...context import ProviderContext

MAX_AGE = 300.0
MAX_FUTURE = 60.0  # seconds a timestamp may be ahead of this machine's clock
SECRET_TTL = 3600.0
REFETCH_AFTER = 60.0
SECRET_TIMEOUT = httpx2.Timeout(connect=5.0, read=5.0, write=5.0, pool=5.0)
VERSION = "v3"

_secrets: dict[str, tuple[float, bytes]] = {}  # hash of (base URL, key) -> (fetched at, HMAC key)


def _secret_of(envelope: Any) -> str:
    data = envelope.get("data") if isinstance(envelope, dict) else None
    if isinstance(data, dict):
        data = data.get("secret") or data.get("webhook_secret")
    return data if isinstance(data, str) else ""


async def _secret(hub: ProviderContext, *, fresh: bool = False) -> bytes:
    key = hub.key("wavespeed")
    root = base_url(hub.settings)
    slot = hashlib.sha256(f"{root}\n{key}".encode()).hexdigest()
    fetched, secret = _secrets.get(slot, (0.0, b""))
    age = time.monotonic() - fetched
    if secret and age < SECRET_TTL and not (fresh and age > REFETCH_AFTER):
        return secret
    try:
        response = await hub.http.request(API, key, "GET", f"{root}/webhook/secret", timeout=SECRET_TIMEOUT)
        found = _secret_of(json_of(response, API))
    except HubError as exc:
        if secret:
            return secret
        raise WebhookUnverifiable(
            f"WaveSpeed's webhook secret could not be fetched: {exc.render()}"
        ) from None
    if not found:
        raise WebhookUnverifiable("WaveSpeed returned no webhook secret")
    _secrets[slot] = (time.monotonic(), found.removeprefix("whsec_").encode())
    return _secrets[slot][1]


def _matches(secret: bytes, webhook_id: str, timestamp: str, body: bytes, given: str) -> bool:
    expected = hmac.new(secret, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.lower().encode())


async def verify_delivery(hub: ProviderContext, headers: Mapping[str, str], body: bytes) -> None:
    """Return if WaveSpeed signed this delivery; WebhookRejected (say why) or WebhookUnverifiable."""
    webhook_id = headers.get("webhook-id", "").strip()
    timestamp = headers.get("webhook-timestamp", "").strip()
    header = headers.get("webhook-signature", "").strip()
    if not (webhook_id and timestamp and header):
        raise WebhookRejected("not signed (webhook-id, webhook-timestamp or webhook-signature missing)")
    try:
        age = time.time() - int(timestamp)
    except ValueError:
        raise WebhookRejected("malformed webhook-timestamp") from None
    if age > MAX_AGE or age < -MAX_FUTURE:
        raise WebhookRejected("webhook-timestamp more than 5 minutes old (a replay, or a clock off)")
    # "v3,<hex>"; several space-separated signatures are accepted, as Standard Webhooks senders do
    pairs = (part.partition(",") for part in header.split())
    given = [sig for version, _, sig in pairs if version == VERSION and sig]
    if not given:
        raise WebhookRejected("no v3 signature")
    for fresh in (False, True):
        secret = await _secret(hub, fresh=fresh)
        if any(_matches(secret, webhook_id, timestamp, body, sig) for sig in given):
            return
    raise WebhookRejected("signature does not match the account's webhook secret")
