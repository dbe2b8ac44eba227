"""Fake fal.ai: `Authorization: Key …`, `{"detail", "error_type"}` bodies. One app serves fal's hosts
under prefixes: /queue (queue.fal.run), /rest (rest.fal.ai), /api/v1 (api.fal.ai), /cdn (public CDN),
/jwks (rest.alpha.fal.ai's public JWKS: the Ed25519 key this fake signs its webhooks with)."""

from __future__ import annotations

import base64
import hashlib
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, Recorded


def fal_error(status: int, detail: object, error_type: str = "") -> JSONResponse:
    body: dict = {"detail": detail}
    headers = {}
    if error_type:
        body["error_type"] = error_type
        headers["X-Fal-Error-Type"] = error_type
    return JSONResponse(body, status, headers=headers)


def raw_public_key(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


class FakeFal(FakeProvider):
    name = "fal"
    public_prefixes = ("/cdn/", "/jwks/")
    JWKS_PATH = "/jwks/.well-known/jwks.json"
    USER_ID = "fake-user-0001"

    def __init__(self) -> None:
        super().__init__()
        self.signing_key = Ed25519PrivateKey.generate()

    def sign(self, request_id: str, body: bytes, key: Ed25519PrivateKey | None = None,
             timestamp: int | None = None) -> dict[str, str]:
        """The X-Fal-Webhook-* headers fal sends with `body` (signed by `key`, default this fake's)."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        message = "\n".join([request_id, self.USER_ID, stamp, hashlib.sha256(body).hexdigest()])
        signature = (key or self.signing_key).sign(message.encode()).hex()
        return {"X-Fal-Webhook-Request-Id": request_id, "X-Fal-Webhook-User-Id": self.USER_ID,
                "X-Fal-Webhook-Timestamp": stamp, "X-Fal-Webhook-Signature": signature}

    async def jwks(self, request: Request) -> Response:
        x = base64.urlsafe_b64encode(raw_public_key(self.signing_key)).rstrip(b"=").decode()
        self.state["jwks_fetches"] = self.state.get("jwks_fetches", 0) + 1
        return JSONResponse({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "fake-1",
                                       "alg": "EdDSA", "use": "sig"}]})

    def auth_ok(self, request: Recorded) -> bool:
        return request.headers.get("authorization") == f"Key {self.key}"

    def auth_error(self) -> Response:
        return fal_error(401, "Invalid key: authentication failed", "unauthorized")

    def base_routes(self) -> list[Route]:
        return [Route("/api/v1/models", self.models, methods=["GET"]),
                Route(self.JWKS_PATH, self.jwks, methods=["GET"])]

    async def models(self, request: Request) -> Response:
        models = [
            {
                "endpoint_id": "fal-ai/flux/dev",
                "metadata": {"display_name": "FLUX.1 [dev]", "category": "text-to-image"},
            },
            {
                "endpoint_id": "fal-ai/live-only",
                "metadata": {"display_name": "Live", "category": "text-to-video"},
            },
        ]
        return JSONResponse({"models": models, "next_cursor": None, "has_more": False})

    def hub_env(self) -> dict[str, str]:
        return {"FAL_KEY": self.key, "FAL_QUEUE_URL": self.url("/queue"), "FAL_REST_URL": self.url("/rest"),
                "FAL_API_URL": self.url("/api/v1"), "AI_HUB_FAL_JWKS_URL": self.url(self.JWKS_PATH)}
