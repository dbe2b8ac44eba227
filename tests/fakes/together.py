"""Fake Together AI: OpenAI-compatible errors; `GET /v1/models` is a bare array with `type`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .openai import FakeOpenAI, openai_error


class FakeTogether(FakeOpenAI):
    name = "together"

    def auth_error(self) -> Response:
        return openai_error(401, "Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.",
                            "invalid_request_error", "invalid_api_key")

    async def models(self, request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "id": "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
                    "object": "model",
                    "created": 0,
                    "type": "chat",
                    "display_name": "Llama 4 Maverick",
                    "organization": "Meta",
                    "context_length": 1048576,
                },
                {
                    "id": "Qwen/Qwen9-Live-Only",
                    "object": "model",
                    "created": 0,
                    "type": "chat",
                    "display_name": "Qwen live",
                    "organization": "Qwen",
                    "context_length": 32768,
                },
                {
                    "id": "black-forest-labs/FLUX.1-live",
                    "object": "model",
                    "created": 0,
                    "type": "image",
                    "display_name": "FLUX live",
                    "organization": "BFL",
                },
            ]
        )

    def hub_env(self) -> dict[str, str]:
        return {"TOGETHER_API_KEY": self.key, "TOGETHER_BASE_URL": self.url("/v1")}
