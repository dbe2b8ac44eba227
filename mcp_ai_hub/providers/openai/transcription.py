"""OpenAI transcription: multipart `POST /audio/transcriptions` with the audio streamed from disk.

The response format follows what was asked: `diarized_json` (gpt-4o-transcribe-diarize, speaker
segments) for diarize, `verbose_json` with segment timestamps (whisper-1) for timestamps, plain
`json` otherwise (whisper-1 always uses `verbose_json`, which also gives language and duration;
gpt-transcribe's `json` names the languages it heard as `languages: [{code}]`).
When the model came from a preset or the default and lacks what was asked, the OpenAI model that
has it is used instead (the result names it); an explicitly named model is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2

from ...capabilities.transcription import Segment, TranscriptionRequest, TranscriptionResult, language_code
from ...errors import InvalidArgument, ProviderUnavailable
from ...uploads import file_form, form_fields, local_copy

if TYPE_CHECKING:
    from ...context import ProviderContext

MAX_INPUT_BYTES = 25 * 1024 * 1024
DIARIZE_MODEL = "gpt-4o-transcribe-diarize"
TIMESTAMP_MODEL = "whisper-1"
VERBOSE_MODELS = {"whisper-1"}
RESERVED = {"file", "model", "response_format", "language", "prompt"}
TRANSCRIBE_TIMEOUT = httpx2.Timeout(connect=10.0, read=600.0, write=120.0, pool=10.0)


def _choose(request: TranscriptionRequest) -> tuple[str, str]:
    """(model id, response_format) for what the request asks."""
    resolved, model = request.model, request.model.model
    can_diarize = model == DIARIZE_MODEL or resolved.has_feature("diarize")
    can_time = model in VERBOSE_MODELS or resolved.has_feature("timestamps") or can_diarize
    if request.diarize and not can_diarize:
        if not resolved.preset:
            raise InvalidArgument(f"{resolved.full_id} does not label speakers",
                                  hint=f"Use openai/{DIARIZE_MODEL} or elevenlabs/scribe_v2 for diarize")
        model = DIARIZE_MODEL
    elif request.timestamps and not can_time:
        if not resolved.preset:
            raise InvalidArgument(
                f"{resolved.full_id} gives no timestamps",
                hint=f"Use openai/{TIMESTAMP_MODEL} or openai/{DIARIZE_MODEL} for timestamps",
            )
        model = TIMESTAMP_MODEL
    if model == DIARIZE_MODEL:
        return model, "diarized_json" if request.wants_segments else "json"
    return model, "verbose_json" if model in VERBOSE_MODELS else "json"


def _fields(request: TranscriptionRequest, model: str, response_format: str) -> list[tuple[str, str]]:
    fields = [("model", model), ("response_format", response_format)]
    if request.language:
        fields.append(("language", request.language))
    if request.prompt:
        if model == DIARIZE_MODEL:
            raise InvalidArgument(f"openai/{DIARIZE_MODEL} takes no prompt",
                                  hint="Leave prompt empty, or transcribe without diarize")
        fields.append(("prompt", request.prompt))
    if response_format == "verbose_json" and request.timestamps and not any(
            k.startswith("timestamp_granularities") for k in request.provider_options):
        fields.append(("timestamp_granularities[]", "segment"))
    if model == DIARIZE_MODEL and "chunking_strategy" not in request.provider_options:
        fields.append(("chunking_strategy", "auto"))  # required for inputs over 30 s
    return fields + form_fields(request.provider_options, RESERVED, "openai")


def _parse(data: Any, model: str, request: TranscriptionRequest) -> TranscriptionResult:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ProviderUnavailable(
            "openai sent a transcription without text", provider="openai", hint="Try again"
        )
    usage = data.get("usage") or {}
    duration = data.get("duration")
    if duration is None and usage.get("type") == "duration":
        duration = usage.get("seconds")
    segments = []
    if request.wants_segments:
        segments = [Segment(s.get("start"), s.get("end"), str(s.get("text", "")).strip(), s.get("speaker"))
                    for s in data.get("segments") or []]
    detected = [x.get("code") for x in data.get("languages") or [] if isinstance(x, dict)]  # gpt-transcribe
    language = language_code(data.get("language") or (detected[0] if detected else None)) or (
        language_code(request.language) if request.language else None
    )
    return TranscriptionResult(data["text"].strip(), f"openai/{model}", "openai", language,
                               float(duration) if duration is not None else None, segments)


async def transcribe(hub: ProviderContext, request: TranscriptionRequest) -> TranscriptionResult:
    model, response_format = _choose(request)
    fields = _fields(request, model, response_format)
    limit = (request.model.entry.max_input_bytes if request.model.entry else None) or MAX_INPUT_BYTES
    client = hub.client("openai")
    async with local_copy(request.audio, hub.http, limit, f"openai/{model}") as audio:
        body = file_form(fields, "file", audio)
        await request.report(f"uploading {audio.name} to openai/{model}")
        response = await client.request("POST", "/audio/transcriptions",
                                        retry="generate", content=body, headers=body.headers,
                                        timeout=TRANSCRIBE_TIMEOUT)
    data = client.json(response, "transcription")
    return _parse(data, model, request)
