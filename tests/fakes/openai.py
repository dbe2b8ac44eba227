"""Fake OpenAI: bearer auth, `{"error": {...}}` bodies, `GET /v1/models`."""

from __future__ import annotations

from typing import ClassVar

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
    # OpenAI's listing today (and one model the hub's catalog lacks); shut-down models answer 404
    model_ids = (
        "gpt-6.2-astra",
        "gpt-6.2-sol",
        "gpt-6.1-terra",
        "gpt-6-luna",
        "gpt-6.1-sol",
        "gpt-5.5-pro",
        "gpt-5.2",
        "gpt-5.1",
        "gpt-5",
        "gpt-4.1",
        "gpt-4.1-mini",
        "gpt-image-2.6-sunburst",
        "gpt-image-2.6-flare",
        "gpt-image-2.5-sunburst",
        "gpt-image-2",
        "gpt-4o-mini-tts",
        "gpt-transcribe",
        "gpt-4o-mini-transcribe",
        "gpt-4o-transcribe",
        "gpt-4o-transcribe-diarize",
        "whisper-1",
        "o9-live-only",
    )
    # (the Sora ids are left out: the Sora wire tests replay a day the API still answered)
    retired = ("gpt-image-1.5", "gpt-image-1-mini", "gpt-image-1", "gpt-5-codex", "gpt-4.1-nano")
    # `shutdown_date` as OpenAI's listing carries it for announced shutdowns
    announced: ClassVar[dict[str, str]] = {
        "gpt-5": "2026-12-11",
        "gpt-5.1": "2027-04-01",
        "gpt-4.1": "2027-01-14",
        "gpt-4.1-mini": "2027-01-14",
        "gpt-4o-mini-tts": "2027-01-06",
        "gpt-4o-mini-transcribe": "2027-02-26",
        "gpt-4o-transcribe": "2027-02-26",
        "gpt-4o-transcribe-diarize": "2027-02-26",
        "whisper-1": "2027-02-26",
    }

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
        self.shutdowns: dict[str, str] = dict(self.announced)  # model id -> its listing's `shutdown_date`

    async def models(self, request: Request) -> Response:
        return JSONResponse(
            {
                "object": "list",
                "data": [
                    {
                        "id": m,
                        "object": "model",
                        "created": 1700000000,
                        "owned_by": self.name,
                        **({"shutdown_date": self.shutdowns[m]} if m in self.shutdowns else {}),
                    }
                    for m in self.model_ids
                ],
            }
        )

    def model_missing(self, model: str) -> Response:
        return openai_error(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        )

    def hub_env(self) -> dict[str, str]:
        return {"OPENAI_API_KEY": self.key, "OPENAI_BASE_URL": self.url("/v1")}
