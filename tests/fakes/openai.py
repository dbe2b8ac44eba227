"""Fake OpenAI: bearer auth, `{"error": {...}}` bodies, `GET /v1/models`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, Recorded


def openai_error(
    status: int, message: str, type_: str, code: str | None = None, param: str | None = None
) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": type_, "param": param, "code": code}}, status)


class FakeOpenAI(FakeProvider):
    name = "openai"
    prefix = "/v1"
    model_ids = ("gpt-5.2", "gpt-4.1-mini", "gpt-image-1.5", "o9-live-only")

    def auth_ok(self, request: Recorded) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.key}"

    def auth_error(self) -> Response:
        return openai_error(
            401,
            "Incorrect API key provided: fake-***. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            "invalid_api_key",
        )

    def base_routes(self) -> list[Route]:
        return [Route(f"{self.prefix}/models", self.models, methods=["GET"])]

    def __init__(self) -> None:
        super().__init__()
        self.shutdowns: dict[str, str] = {}  # model id -> `shutdown_date` its listing entry carries

    async def models(self, request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [
            {"id": m, "object": "model", "created": 1700000000, "owned_by": self.name,
             **({"shutdown_date": self.shutdowns[m]} if m in self.shutdowns else {})}
            for m in self.model_ids
        ]})

    def model_missing(self, model: str) -> Response:
        return openai_error(404, f"The model `{model}` does not exist or you do not have access to it.",
                            "invalid_request_error", "model_not_found")

    def hub_env(self) -> dict[str, str]:
        return {"OPENAI_API_KEY": self.key, "OPENAI_BASE_URL": self.url("/v1")}
