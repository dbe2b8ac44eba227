"""Fake WaveSpeed v3: bearer auth, the `{"code", "message", "data"}` envelope, `GET /api/v3/models`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, Recorded


def envelope(data: Any, code: int = 200, message: str = "success") -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": data}, 200 if code == 200 else code)


class FakeWaveSpeed(FakeProvider):
    name = "wavespeed"

    def auth_ok(self, request: Recorded) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.key}"

    def auth_error(self) -> Response:
        return JSONResponse({"code": 401, "message": "Unauthorized: invalid API key", "data": None}, 401)

    def base_routes(self) -> list[Route]:
        return [Route("/api/v3/models", self.models, methods=["GET"])]

    async def models(self, request: Request) -> Response:
        return envelope(
            [
                {
                    "model_id": "wavespeed-ai/flux-dev",
                    "name": "FLUX dev",
                    "base_price": 0.003,
                    "type": "text-to-image",
                },
                {
                    "model_id": "acme/live-only-video",
                    "name": "Live video",
                    "base_price": 0.2,
                    "type": "text-to-video",
                },
            ]
        )

    def hub_env(self) -> dict[str, str]:
        return {"WAVESPEED_API_KEY": self.key, "WAVESPEED_BASE_URL": self.base_url}
