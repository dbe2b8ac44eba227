"""Fake xAI: OpenAI-compatible; a bad key gets 400 with xAI's `{"code", "error"}` string body."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from .openai import FakeOpenAI


class FakeXai(FakeOpenAI):
    name = "xai"
    model_ids = ("grok-4", "grok-3-mini", "grok-live-only")

    def auth_error(self) -> Response:
        return JSONResponse({"code": "Client specified an invalid argument",
                             "error": "Incorrect API key provided: fa***ef. You can obtain an API key from "
                                      "https://console.x.ai."}, 400)

    def hub_env(self) -> dict[str, str]:
        return {"XAI_API_KEY": self.key, "XAI_BASE_URL": self.url("/v1")}
