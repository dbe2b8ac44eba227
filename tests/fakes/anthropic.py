"""Fake Anthropic: `x-api-key` (1.x) or bearer (2.x) auth plus `anthropic-version`, typed error bodies,
paged `GET /v1/models`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, Recorded


def anthropic_error(status: int, type_: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"type": "error", "error": {"type": type_, "message": message}, "request_id": "req_011CFakeRequest"},
        status,
        headers={"request-id": "req_011CFakeRequest"},
    )


class FakeAnthropic(FakeProvider):
    name = "anthropic"
    # Anthropic's listing today (active and deprecated), and one model the hub's catalog lacks
    model_ids = (
        "claude-opus-5-5",
        "claude-sonnet-5-5",
        "claude-haiku-5-5",
        "claude-opus-5",
        "claude-opus-4-6",
        "claude-sonnet-4-6",
        "claude-haiku-4-5-20251001",
        "claude-live-only-9",
    )
    retired = (
        "claude-sonnet-4-5-20250929",
        "claude-mythos-preview",
        "claude-sonnet-4-20250514",
        "claude-opus-4-20250514",
    )

    def auth_ok(self, request: Recorded) -> bool:
        key_ok = (
            request.headers.get("x-api-key") == self.key
            or request.headers.get("authorization") == f"Bearer {self.key}"
        )
        return key_ok and request.headers.get("anthropic-version") in ("2023-06-01", "2026-10-21")

    def auth_error(self) -> Response:
        return anthropic_error(401, "authentication_error", "invalid x-api-key")

    def __init__(self) -> None:
        super().__init__()
        # model id -> extra `ModelInfo` fields (lifecycle, deprecated_at, retires_at); models marked
        # retired are listed only when `lifecycle[]` asks for retired ones, as the API does
        self.lifecycles: dict[str, dict] = {}

    def model_missing(self, model: str) -> Response:
        return anthropic_error(404, "not_found_error", f"model: {model}")

    def base_routes(self) -> list[Route]:
        return [Route("/v1/models", self.models, methods=["GET"])]

    async def models(self, request: Request) -> Response:
        after = request.query_params.get("after_id")
        wanted = request.query_params.getlist("lifecycle[]") or ["active", "deprecated"]
        ids = tuple(
            m for m in self.model_ids if self.lifecycles.get(m, {}).get("lifecycle", "active") in wanted
        )
        start = ids.index(after) + 1 if after in ids else 0
        page = ids[start : start + 2]  # small pages so paging is exercised
        return JSONResponse(
            {
                "data": [
                    {
                        "type": "model",
                        "id": m,
                        "display_name": m,
                        "created_at": "2026-01-01T00:00:00Z",
                        "lifecycle": "active",
                        **self.lifecycles.get(m, {}),
                    }
                    for m in page
                ],
                "has_more": start + 2 < len(ids),
                "first_id": page[0] if page else None,
                "last_id": page[-1] if page else None,
            }
        )

    def hub_env(self) -> dict[str, str]:
        return {"ANTHROPIC_API_KEY": self.key, "ANTHROPIC_BASE_URL": self.base_url}
