"""Gemini transcription: the audio goes inline when small, else through the Files API (streamed
from disk, deleted afterwards); `:generateContent` is asked for a verbatim transcript. With
timestamps or diarize it is asked for JSON segments (`responseMimeType` + `responseSchema`),
parsed into the common shape. provider_options join generationConfig (see content.merge_options).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ...capabilities.transcription import Segment, TranscriptionRequest, TranscriptionResult, language_code
from ...errors import ProviderUnavailable
from ...uploads import local_copy
from . import content, files

if TYPE_CHECKING:
    from ...context import ProviderContext

MAX_INPUT_BYTES = files.MAX_FILE_BYTES
INLINE_MAX_BYTES = 14 * 1024 * 1024  # base64 makes it ~19 MB, under the ~20 MB request limit
MIME_ALIASES = {"audio/mpeg": "audio/mp3", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav",
                "audio/x-flac": "audio/flac", "audio/x-aiff": "audio/aiff"}

PLAIN = ("Generate a verbatim transcript of the speech in this audio. Answer with the transcript text only: "
         "no preamble, headings, timestamps or commentary.")
SEGMENTED = (
    "Transcribe the speech in this audio verbatim, as consecutive segments in spoken order. Give each "
    "segment's start and end as seconds from the beginning of the audio{speaker}. Also give the spoken "
    "language as an ISO 639-1 code."
)
SPEAKER = ", and a speaker label (Speaker 1, Speaker 2, ...) used consistently for the same voice"


def _schema(diarize: bool) -> dict[str, Any]:
    segment = {"type": "OBJECT", "properties": {"start": {"type": "NUMBER"}, "end": {"type": "NUMBER"},
                                                "speaker": {"type": "STRING"}, "text": {"type": "STRING"}},
               "required": ["start", "end", "text", *(["speaker"] if diarize else [])],
               "propertyOrdering": ["start", "end", "speaker", "text"]}
    return {"type": "OBJECT", "properties": {"language": {"type": "STRING"},
                                             "segments": {"type": "ARRAY", "items": segment}},
            "required": ["language", "segments"], "propertyOrdering": ["language", "segments"]}


def _instruction(request: TranscriptionRequest) -> str:
    text = SEGMENTED.format(speaker=SPEAKER if request.diarize else "") if request.wants_segments else PLAIN
    if request.language:
        text += f" The audio is in the language with code {request.language!r}."
    if request.prompt:
        text += f"\nContext and spellings to follow: {request.prompt}"
    return text


def _seconds(value: Any) -> float | None:
    """Seconds from a number or an `[HH:]MM:SS[.fff]` string."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\d+(:\d+){0,2}(\.\d+)?", value.strip()):
        total = 0.0
        for piece in value.strip().split(":"):
            total = total * 60 + float(piece)
        return total
    return None


def _parse_segments(raw: str, request: TranscriptionRequest) -> tuple[str, str | None, list[Segment]]:
    try:
        data = json.loads(raw.strip().removeprefix("```json").removesuffix("```"))
    except ValueError:
        raise ProviderUnavailable("gemini's transcript is not the JSON that was asked for", provider="gemini",
                                  hint="Try again, or transcribe without timestamps") from None
    items = data.get("segments") if isinstance(data, dict) else data
    segments = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and str(item.get("text", "")).strip():
            speaker = str(item["speaker"]).strip() if request.diarize and item.get("speaker") else None
            segments.append(Segment(_seconds(item.get("start")), _seconds(item.get("end")),
                                    str(item["text"]).strip(), speaker))
    language = data.get("language") if isinstance(data, dict) else None
    return " ".join(s.text for s in segments), language, segments


async def transcribe(hub: ProviderContext, request: TranscriptionRequest) -> TranscriptionResult:
    model = request.model.full_id
    async with local_copy(request.audio, hub.http, MAX_INPUT_BYTES, model) as audio:
        mime = MIME_ALIASES.get(audio.mime_type, audio.mime_type)
        uploaded = None
        if (audio.size or 0) <= INLINE_MAX_BYTES:
            media_part = {"inlineData": {"mimeType": mime, "data": await audio.base64()}}
        else:
            await request.report(f"uploading {audio.name} to the Gemini Files API")
            uploaded = await files.upload(hub, audio, mime)
            media_part = {
                "fileData": {"mimeType": uploaded.get("mimeType") or mime, "fileUri": uploaded["uri"]}
            }
    body: dict[str, Any] = {
        "contents": [{"role": "user", "parts": [media_part, {"text": _instruction(request)}]}]
    }
    if request.wants_segments:
        body["generationConfig"] = {
            "responseMimeType": "application/json",
            "responseSchema": _schema(request.diarize),
        }
    content.merge_options(body, request.provider_options)
    try:
        await request.report(f"transcribing with {model}")
        parts = await content.generate(hub, request.model.wire_id, body)
    finally:
        if uploaded:
            await files.delete(hub, uploaded["name"])
    raw = content.text_of(parts)
    if request.wants_segments:
        text, language, segments = _parse_segments(raw, request)
    else:
        text, language, segments = raw.strip(), None, []
    language = language_code(language) or language_code(request.language)
    return TranscriptionResult(text, model, "gemini", language, None, segments)
