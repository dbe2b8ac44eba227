"""Fake xAI: OpenAI-compatible; a bad key gets 400 with xAI's `{"code", "error"}` string body."""

from __future__ import annotations

from typing import ClassVar

from starlette.responses import JSONResponse, Response

from .openai import FakeOpenAI


class FakeXai(FakeOpenAI):
    name = "xai"
    # xAI's listing today (xai-sdk 1.21 ids), and one model the hub's catalog lacks
    model_ids = ("grok-4.6", "grok-4.5", "grok-4.3", "grok-imagine-image-2.0", "grok-imagine-image",
                 "grok-imagine-video", "grok-imagine-video-1.5", "grok-live-only")
    retired = (
        "grok-4",
        "grok-4-1-fast-reasoning",
        "grok-3",
        "grok-3-mini",
        "grok-code-fast-1",
        "grok-2-image-1212",
    )
    announced: ClassVar[dict[str, str]] = {}

    def auth_error(self) -> Response:
        return JSONResponse(
            {
                "code": "Client specified an invalid argument",
                "error": "Incorrect API key provided: fa***ef. You can obtain an API key from "
                "https://console.x.ai.",
            },
            400,
        )

    def hub_env(self) -> dict[str, str]:
        return {"XAI_API_KEY": self.key, "XAI_BASE_URL": self.url("/v1")}
