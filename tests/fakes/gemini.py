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
    # the Gemini API's listing today, and one model the hub's catalog lacks; shut-down models answer 404
    models_data = tuple(
        {"name": f"models/{m}", "displayName": m, "supportedGenerationMethods": methods,
         **({"inputTokenLimit": 1048576} if "countTokens" in methods else {})}
        for m, methods in (
            ("gemini-4-carbon", ["generateContent", "countTokens"]),
            ("gemini-4-hydrogen", ["generateContent", "countTokens"]),
            ("gemini-3.8-flash", ["generateContent", "countTokens"]),
            ("gemini-3.5-flash-lite", ["generateContent", "countTokens"]),
            ("gemini-2.5-flash-lite", ["generateContent", "countTokens"]),
            ("gemini-3.1-pro-preview", ["generateContent", "countTokens"]),
            ("gemini-3-flash-preview", ["generateContent", "countTokens"]),
            ("gemini-3.5-transcribe", ["generateContent"]),
            ("gemini-3-pro-image", ["generateContent"]),
            ("gemini-nano-banana-2.1", ["generateContent"]),
            ("gemini-3.1-flash-lite-image", ["generateContent"]),
            ("gemini-3.8-flash-tts", ["generateContent"]),
            ("gemini-3.8-flash-lite-tts", ["generateContent"]),
            ("gemini-2.5-flash-preview-tts", ["generateContent"]),
            ("gemini-2.5-pro-preview-tts", ["generateContent"]),
            ("gemini-omni-1.2-flash", ["createInteraction"]),
            ("gemini-omni-1.1-flash", ["createInteraction"]),
            ("gemini-live-only-9", ["generateContent"]),
        )
    )
    retired = ("gemini-3-pro-preview", "gemini-2.5-pro", "gemini-2.5-flash", "imagen-4.0-ultra-generate-001",
               "imagen-4.0-generate-001", "imagen-4.0-fast-generate-001", "gemini-3-pro-image-preview",
               "gemini-2.5-flash-image", "veo-3.1-generate-preview", "veo-3.1-fast-generate-preview")

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
