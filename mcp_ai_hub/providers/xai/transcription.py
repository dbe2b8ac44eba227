"""xAI speech-to-text (Grok STT): multipart `POST /stt` with the form fields first and the audio
`file` last (the API requires that order), the audio streamed from disk.

- One endpoint serves the one STT model, so the form names no model (the catalog's `grok-stt`).
- `language` is sent when given (with provider_options `{"format": true}` it also turns on
  written-form numbers and currencies); `diarize` adds per-word `speaker` numbers.
- The answer is `{text, language, duration, words: [{text, start, end, speaker?}], channels?}`;
  the timed words are grouped into segments (by speaker and pauses) when timestamps or diarize are
  asked. `language` is documented as empty for now, so the requested one is reported instead.
- There is no prompt; key terms go as provider_options `{"keyterm": ["Grok", ...]}` (a repeated
  field). Other provider_options become form fields (`multichannel`, `channels`, `audio_format`,
  `sample_rate`, `filler_words`); with `multichannel` each channel's words are labelled channel_N.

Sources: the xai-sdk (1.21.0) is gRPC-only and has no speech-to-text client, so the shape comes
from xAI's REST reference (docs.x.ai, "Voice: Speech to text - REST /v1/stt"). Not confirmed there:
the exact fields of a `channels` item (read here as `{channel, text, words}`).
"""

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

MAX_INPUT_BYTES = 500 * 1024 * 1024
RESERVED = {"file", "url", "language", "diarize", "model"}
TRANSCRIBE_TIMEOUT = httpx2.Timeout(connect=10.0, read=900.0, write=120.0, pool=10.0)


def form(request: TranscriptionRequest) -> list[tuple[str, str]]:
    """The plain form fields, in order (the file follows them)."""
    if request.prompt:
        raise InvalidArgument(
            f"{request.model.full_id} takes no prompt",
            hint='Pass important words as provider_options {"keyterm": [...]}, or leave prompt empty',
        )
    fields: list[tuple[str, str]] = []
    if request.language:
        fields.append(("language", request.language))
    if request.diarize:
        fields.append(("diarize", "true"))
    return fields + form_fields(request.provider_options, RESERVED, "xai", array_suffix="")


def _speaker(value: Any, channel: Any = None) -> str | None:
    if channel is not None:
        return f"channel_{channel}"
    if value is None or value == "":
        return None
    return f"speaker_{value}" if isinstance(value, int) or str(value).isdigit() else str(value)


def _words(items: Any, channel: Any = None) -> list[Word]:
    words: list[Word] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            continue
        speaker = _speaker(item.get("speaker"), channel)
        if words:  # words come without the blanks between them
            words.append(Word(" ", words[-1].end, words[-1].end, speaker, spacing=True))
        words.append(Word(str(item["text"]).strip(), item.get("start"), item.get("end"), speaker))
    return words


def parse(data: Any, request: TranscriptionRequest) -> TranscriptionResult:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ProviderUnavailable("xai sent a transcription without text", provider="xai", hint="Try again")
    segments: list[Segment] = []
    if request.wants_segments:
        channels = data.get("channels")
        if isinstance(channels, list) and channels:
            timed = [w for i, c in enumerate(channels) if isinstance(c, dict)
                     for w in _words(c.get("words"), c.get("channel", i)) if not w.spacing]
            timed.sort(key=lambda w: w.start or 0.0)
            words = [x for w in timed for x in (w, Word(" ", w.end, w.end, w.speaker, True))]
        else:
            words = _words(data.get("words"))
        segments = group_words(words)
    duration = data.get("duration")
    language = language_code(data.get("language")) or language_code(request.language)
    return TranscriptionResult(data["text"].strip(), request.model.full_id, "xai", language,
                               float(duration) if isinstance(duration, (int, float)) else None, segments)


async def transcribe(hub: ProviderContext, request: TranscriptionRequest) -> TranscriptionResult:
    fields = form(request)
    limit = (request.model.entry.max_input_bytes if request.model.entry else None) or MAX_INPUT_BYTES
    client = hub.client("xai")
    async with local_copy(request.audio, hub.http, limit, request.model.full_id) as audio:
        body = file_form(fields, "file", audio)
        await request.report(f"uploading {audio.name} to {request.model.full_id}")
        response = await client.request("POST", "/stt", retry="generate", content=body, headers=body.headers,
                                        timeout=TRANSCRIBE_TIMEOUT)
    return parse(client.json(response, "transcription"), request)
