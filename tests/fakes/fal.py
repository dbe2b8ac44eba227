"""Fake fal.ai: `Authorization: Key …`, `{"detail", "error_type"}` bodies. One app serves fal's hosts
under prefixes: /queue (queue.fal.run), /rest (rest.fal.ai), /api/v1 (api.fal.ai), /cdn (public CDN)."""

from __future__ import annotations

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


class FakeFal(FakeProvider):
    name = "fal"

    def auth_ok(self, request: Recorded) -> bool:
        return request.headers.get("authorization") == f"Key {self.key}"

    def auth_error(self) -> Response:
        return fal_error(401, "Invalid key: authentication failed", "unauthorized")

    def base_routes(self) -> list[Route]:
        return [Route("/api/v1/models", self.models, methods=["GET"])]

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
                "FAL_API_URL": self.url("/api/v1")}
