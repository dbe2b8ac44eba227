"""Verifying fal's webhook deliveries (the `fal_webhook` of a queue submit, see `queue.py`).

What this relies on (fal's "Webhooks" page, docs.fal.ai/model-apis/model-endpoints/webhooks, and
public verification code written against it):
- every delivery carries `X-Fal-Webhook-Request-Id`, `X-Fal-Webhook-User-Id`,
  `X-Fal-Webhook-Timestamp` (Unix seconds) and `X-Fal-Webhook-Signature` (hex);
- the signature is ED25519 over the UTF-8 text `request_id \\n user_id \\n timestamp \\n
  hex(SHA-256(raw body))`, by one of the keys in fal's JWKS (`AI_HUB_FAL_JWKS_URL`, default
  https://rest.alpha.fal.ai/.well-known/jwks.json: OKP/Ed25519 keys, `x` base64url);
- a timestamp more than 5 minutes away from now is refused (replays).

The keys are fetched without our fal key and kept an hour; a signature no cached key accepts
refetches them once (fal rotated) when the cache is older than a minute. ED25519 comes from
`cryptography`, which the MCP SDK already depends on (through `pyjwt[crypto]`); it is imported on
first use, and without it deliveries are answered "cannot verify" (503) and polling carries on.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx2

from ...errors import HubError
from ...jobs.backend import WebhookRejected, WebhookUnverifiable
from .api import API

if TYPE_CHECKING:
    from ...context import ProviderContext

log = logging.getLogger("mcp_ai_hub.providers.fal")

MAX_SKEW = 300.0  # seconds a delivery's timestamp may be away from now
KEYS_TTL = 3600.0
REFETCH_AFTER = 60.0  # a failed check refetches keys older than this
JWKS_TIMEOUT = httpx2.Timeout(connect=5.0, read=5.0, write=5.0, pool=5.0)
HEADERS = (
    "x-fal-webhook-request-id",
    "x-fal-webhook-user-id",
    "x-fal-webhook-timestamp",
    "x-fal-webhook-signature",
)

_keys: dict[str, tuple[float, list[bytes]]] = {}  # JWKS URL -> (fetched at, raw public keys)


def signed_message(request_id: str, user_id: str, timestamp: str, body: bytes) -> bytes:
    """What fal signs for a delivery."""
    return "\n".join([request_id, user_id, timestamp, hashlib.sha256(body).hexdigest()]).encode()


def _raw_keys(jwks: Any) -> list[bytes]:
    keys = []
    for entry in (jwks.get("keys") if isinstance(jwks, dict) else None) or []:
        if (
            not isinstance(entry, dict)
            or entry.get("kty") not in (None, "OKP")
            or entry.get("crv") not in (None, "Ed25519")
            or not isinstance(entry.get("x"), str)
        ):
            continue
        try:
            raw = base64.urlsafe_b64decode(entry["x"] + "=" * (-len(entry["x"]) % 4))
        except (binascii.Error, ValueError):
            continue
        if len(raw) == 32:
            keys.append(raw)
    return keys


async def _public_keys(hub: ProviderContext, *, fresh: bool = False) -> list[bytes]:
    url = hub.settings.fal_jwks_url
    fetched, keys = _keys.get(url, (0.0, []))
    age = time.monotonic() - fetched
    if keys and age < KEYS_TTL and not (fresh and age > REFETCH_AFTER):
        return keys
    try:
        response = await hub.http.request(API, "", "GET", url, timeout=JWKS_TIMEOUT)
        found = _raw_keys(response.json())
    except (HubError, ValueError) as exc:
        if keys:  # keep using what we had
            return keys
        detail = exc.render() if isinstance(exc, HubError) else "not JSON"
        raise WebhookUnverifiable(f"fal's webhook keys could not be fetched: {detail}") from None
    if not found:
        raise WebhookUnverifiable("fal's JWKS holds no Ed25519 key")
    _keys[url] = (time.monotonic(), found)
    return found


def _verifies(keys: list[bytes], signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    for raw in keys:
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(signature, message)
            return True
        except InvalidSignature:
            continue
    return False


async def verify_delivery(hub: ProviderContext, headers: Mapping[str, str], body: bytes) -> None:
    """Return if fal signed this delivery; WebhookRejected (say why) or WebhookUnverifiable."""
    values = [headers.get(name, "").strip() for name in HEADERS]
    if not all(values[i] for i in (0, 2, 3)):  # the user id may in principle be empty
        raise WebhookRejected("not signed (X-Fal-Webhook-* headers missing)")
    request_id, user_id, timestamp, signature_hex = values
    try:
        sent = int(timestamp)
        signature = bytes.fromhex(signature_hex)
    except ValueError:
        raise WebhookRejected("malformed timestamp or signature") from None
    if abs(time.time() - sent) > MAX_SKEW:
        raise WebhookRejected("timestamp more than 5 minutes away (a replay, or a clock off)")
    if len(signature) != 64:
        raise WebhookRejected("malformed signature")
    try:
        import cryptography  # noqa: F401 - present with the MCP SDK; checked so its absence is explained
    except ImportError:
        raise WebhookUnverifiable("cannot check ED25519 signatures: install 'cryptography'") from None
    message = signed_message(request_id, user_id, timestamp, body)
    if _verifies(await _public_keys(hub), signature, message):
        return
    if _verifies(await _public_keys(hub, fresh=True), signature, message):
        return
    raise WebhookRejected("signature does not verify with fal's keys")
