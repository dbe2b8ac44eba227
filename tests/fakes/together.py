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

    # Together's serverless catalog today (Kimi, DeepSeek V4, gpt-oss, FLUX.2, video) plus one model the
    # hub's catalog lacks; the models Together dropped answer 404 like any unknown id
    listed = (
        ("moonshotai/Kimi-K2.6", "chat"),
        ("deepseek-ai/DeepSeek-V4-Pro", "chat"),
        ("openai/gpt-oss-120b", "chat"),
        ("openai/gpt-oss-20b", "chat"),
        ("Qwen/Qwen9-Live-Only", "chat"),
        ("black-forest-labs/FLUX.2-pro", "image"),
        ("black-forest-labs/FLUX.1-schnell", "image"),
        ("black-forest-labs/FLUX.1.1-pro", "image"),
        ("black-forest-labs/FLUX.1-kontext-pro", "image"),
        ("black-forest-labs/FLUX.1-live", "image"),
        ("minimax/hailuo-02", "video"),
        ("ByteDance/Seedance-1.0-pro", "video"),
        ("minimax/video-01-director", "video"),
    )
    model_ids = tuple(m for m, _ in listed)
    retired = (
        "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
        "deepseek-ai/DeepSeek-R1",
        "Qwen/Qwen3-Next-80B-A3B-Instruct",
        "meta-llama/Llama-Vision-Free",
        "black-forest-labs/FLUX.1-schnell-Free",
    )

    async def models(self, request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "id": m,
                    "object": "model",
                    "created": 0,
                    "type": kind,
                    "display_name": m.split("/")[-1],
                    "organization": m.split("/")[0],
                    **({"context_length": 131072} if kind == "chat" else {}),
                }
                for m, kind in self.listed
            ]
        )

    def hub_env(self) -> dict[str, str]:
        return {"TOGETHER_API_KEY": self.key, "TOGETHER_BASE_URL": self.url("/v1")}
