"""Fake ElevenLabs: `xi-api-key` auth, `{"detail": {"status", "message"}}` bodies, `GET /v1/models` array."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, Recorded


def elevenlabs_error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"detail": {"status": code, "message": message}}, status)


class FakeElevenLabs(FakeProvider):
    name = "elevenlabs"

    def auth_ok(self, request: Recorded) -> bool:
        return request.headers.get("xi-api-key") == self.key

    def model_missing(self, model: str) -> Response:
        return elevenlabs_error(400, "model_not_found", f"A model with model ID {model} does not exist.")

    def auth_error(self) -> Response:
        return elevenlabs_error(401, "invalid_api_key", "Invalid API key")

    def base_routes(self) -> list[Route]:
        return [Route("/v1/models", self.models, methods=["GET"])]

    # the text-to-speech models ElevenLabs lists today, and one the hub's catalog lacks
    model_ids = ("eleven_v4", "eleven_v4_turbo", "eleven_v3", "eleven_flash_v2_5", "eleven_turbo_v2_5",
                 "eleven_multilingual_v2", "eleven_live_only")
    retired = ("scribe_v1", "eleven_monolingual_v1", "eleven_multilingual_v1")

    async def models(self, request: Request) -> Response:
        return JSONResponse([
            {"model_id": m, "name": m.replace("_", " ").title(), "can_do_text_to_speech": True,
             "can_do_voice_conversion": False, "languages": [{"language_id": "en", "name": "English"}]}
            for m in self.model_ids
        ])

    def hub_env(self) -> dict[str, str]:
        return {"ELEVENLABS_API_KEY": self.key, "ELEVENLABS_BASE_URL": self.base_url}
