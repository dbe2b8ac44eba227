"""ElevenLabs Scribe: multipart `POST /v1/speech-to-text` with the audio streamed from disk;
speaker labels with `diarize`, and the timed words grouped into segments (by speaker and pauses).
provider_options become form fields (`num_speakers`, `tag_audio_events`, `keyterms`, ...).

Per model, as the elevenlabs SDK 2.78 documents them: `secondary_language_codes` (other languages
the audio may hold, a repeated field) and `numbers_format` (digits or words) are scribe_v3 only;
`no_verbatim` is scribe_v2, scribe_v2_medical and scribe_v3 only. Others are refused before sending."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2

from ...capabilities.transcription import (
    Segment,
    TranscriptionRequest,
    TranscriptionResult,
    Word,
    group_words,
    language_code,
)
from ...errors import InvalidArgument, ProviderUnavailable
from ...uploads import file_form, form_fields, local_copy

if TYPE_CHECKING:
    from ...context import ProviderContext

MAX_INPUT_BYTES = 3 * 1024**3
RESERVED = {"file", "model_id", "language_code", "diarize", "cloud_storage_url", "webhook"}
TRANSCRIBE_TIMEOUT = httpx2.Timeout(connect=10.0, read=900.0, write=120.0, pool=10.0)
# provider_options field -> the models that take it
MODEL_OPTIONS = {"secondary_language_codes": {"scribe_v3"}, "numbers_format": {"scribe_v3"},
                 "no_verbatim": {"scribe_v2", "scribe_v2_medical", "scribe_v3"}}
NUMBERS_FORMATS = ("digits", "words")


def _check_options(request: TranscriptionRequest) -> None:
    model, options = request.model.wire_id, request.provider_options
    for name, models in MODEL_OPTIONS.items():
        if name in options and model not in models:
            raise InvalidArgument(f"{request.model.full_id} takes no {name}",
                                  hint=f"Use elevenlabs/{max(models)}, or leave provider_options.{name} out")
    if "numbers_format" in options and options["numbers_format"] not in NUMBERS_FORMATS:
        raise InvalidArgument(f"provider_options.numbers_format must be one of {', '.join(NUMBERS_FORMATS)}")


def _fields(request: TranscriptionRequest) -> list[tuple[str, str]]:
    if request.prompt:
        raise InvalidArgument(
            "elevenlabs Scribe takes no prompt",
            hint='Pass important words as provider_options {"keyterms": [...]}, or leave prompt empty',
        )
    _check_options(request)
    fields = [("model_id", request.model.wire_id)]
    if request.language:
        fields.append(("language_code", request.language))
    if request.diarize:
        fields.append(("diarize", "true"))
    options = dict(request.provider_options)
    if "timestamps_granularity" not in options:
        fields.append(("timestamps_granularity", "word" if request.wants_segments else "none"))
    return fields + form_fields(options, RESERVED, "elevenlabs", array_suffix="")


def _words(items: list[dict[str, Any]], channel: int | None = None) -> list[Word]:
    words = []
    for w in items:
        speaker = w.get("speaker_id") or (f"channel_{channel}" if channel is not None else None)
        words.append(
            Word(str(w.get("text", "")), w.get("start"), w.get("end"), speaker, w.get("type") == "spacing")
        )
    return words


def _parse(data: Any, request: TranscriptionRequest) -> TranscriptionResult:
    if isinstance(data, dict) and isinstance(data.get("transcripts"), list):  # use_multi_channel
        chunks = data["transcripts"]
        words = sorted((w for c in chunks for w in _words(c.get("words") or [], c.get("channel_index"))
                        if not w.spacing), key=lambda w: (w.start or 0.0))
        spaced = [x for w in words for x in (w, Word(" ", w.end, w.end, w.speaker, True))]
        text = "\n".join(str(c.get("text", "")).strip() for c in chunks)
        first = chunks[0] if chunks else {}
    elif isinstance(data, dict) and isinstance(data.get("text"), str):
        spaced, text, first = _words(data.get("words") or []), data["text"].strip(), data
    else:
        raise ProviderUnavailable("elevenlabs sent a transcription without text", provider="elevenlabs",
                                  hint="Try again")
    segments: list[Segment] = group_words(spaced) if request.wants_segments else []
    ends = [w.end for w in spaced if w.end is not None]
    duration = data.get("audio_duration_secs") or (max(ends) if ends else None)
    language = language_code(first.get("language_code")) or language_code(request.language)
    return TranscriptionResult(text, request.model.full_id, "elevenlabs", language,
                               float(duration) if duration is not None else None, segments)


async def transcribe(hub: ProviderContext, request: TranscriptionRequest) -> TranscriptionResult:
    fields = _fields(request)
    limit = (request.model.entry.max_input_bytes if request.model.entry else None) or MAX_INPUT_BYTES
    client = hub.client("elevenlabs")
    async with local_copy(request.audio, hub.http, limit, request.model.full_id) as audio:
        body = file_form(fields, "file", audio)
        await request.report(f"uploading {audio.name} to {request.model.full_id}")
        response = await client.request("POST", "/v1/speech-to-text",
                                        retry="generate", content=body, headers=body.headers,
                                        timeout=TRANSCRIBE_TIMEOUT)
    data = client.json(response, "transcription")
    return _parse(data, request)
