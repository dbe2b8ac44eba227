"""Fake Gemini: `x-goog-api-key` (or `?key=`) auth, `{"error": {code, message, status}}` bodies,
paged `GET /v1beta/models`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, Recorded


def gemini_error(code: int, status: str, message: str, details: list | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "status": status, "details": details or []}}, code
    )


class FakeGemini(FakeProvider):
    name = "gemini"
    models_data = (
        {
            "name": "models/gemini-2.5-flash",
            "displayName": "Gemini 2.5 Flash",
            "inputTokenLimit": 1048576,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        },
        {
            "name": "models/imagen-4.0-generate-001",
            "displayName": "Imagen 4",
            "supportedGenerationMethods": ["predict"],
        },
        {
            "name": "models/gemini-live-only-9",
            "displayName": "Live only",
            "inputTokenLimit": 32768,
            "supportedGenerationMethods": ["generateContent"],
        },
    )

    def auth_ok(self, request: Recorded) -> bool:
        return request.headers.get("x-goog-api-key") == self.key or request.param("key") == self.key

    def auth_error(self) -> Response:
        return gemini_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
             "domain": "googleapis.com"}])

    def model_missing(self, model: str) -> Response:
        return gemini_error(404, "NOT_FOUND", f"models/{model} is not found for API version v1beta, or is "
                                              "not supported for generateContent.")

    def base_routes(self) -> list[Route]:
        return [Route("/v1beta/models", self.models, methods=["GET"])]

    async def models(self, request: Request) -> Response:
        token = request.query_params.get("pageToken")
        start = int(token) if token else 0
        page = self.models_data[start:start + 2]
        body: dict = {"models": page}
        if start + 2 < len(self.models_data):
            body["nextPageToken"] = str(start + 2)
        return JSONResponse(body)

    def hub_env(self) -> dict[str, str]:
        return {"GEMINI_API_KEY": self.key, "GEMINI_BASE_URL": self.base_url}
