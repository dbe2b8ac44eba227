"""Gemini text-to-speech through `:generateContent` with audio output: one prebuilt voice, or a
two-speaker dialogue (`multiSpeakerVoiceConfig`). Delivery instructions and the dialogue's
speaker lines go into the prompt, as Google's guide does. Gemini answers with raw 16-bit PCM
(24 kHz mono, `audio/L16;rate=24000`), saved as a WAV file (`wav`, the default) or as it is (`pcm`);
the Gemini 3.8 TTS models may answer a whole WAV file (`audio/wav`) instead, saved as it is for
`wav` and without its header for `pcm`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ...audio import fill_duration, save_pcm_as_wav
from ...capabilities.speech import SpeechRequest, SpeechResult, assign_voices
from ...errors import InvalidArgument, ProviderUnavailable
from . import content

if TYPE_CHECKING:
    from ...context import ProviderContext

FORMATS = ("wav", "pcm")
MAX_SPEAKERS = 2
DEFAULT_RATE = 24000
DECODE_CHUNK = 256 * 1024  # base64 characters decoded per written chunk (a multiple of 4)
WAV_TYPES = ("audio/wav", "audio/x-wav", "audio/wave")
RIFF_B64 = "UklGR"  # base64 of b"RIFF" (the first 5 characters are fixed)


def _voice_name(voice: str, known: list[str]) -> str:
    """A prebuilt voice name with Gemini's capitalisation when the catalog knows it."""
    return next((v for v in known if v.lower() == voice.lower()), voice)


def _voice_config(name: str) -> dict[str, Any]:
    return {"prebuiltVoiceConfig": {"voiceName": name}}


def _prompt_and_config(request: SpeechRequest, known: list[str], default: str) -> tuple[str, dict, str]:
    instructions = request.instructions.strip().rstrip(":")
    if not request.turns:
        voice = _voice_name(request.voice or default, known)
        text = f"{instructions}:\n{request.text}" if instructions else request.text
        return text, {"voiceConfig": _voice_config(voice)}, voice
    speakers = request.speakers
    if len(speakers) > MAX_SPEAKERS:
        raise InvalidArgument(
            f"gemini TTS voices at most {MAX_SPEAKERS} speakers; this dialogue has {len(speakers)}",
            hint="Use elevenlabs/eleven_v3 for more speakers, or merge speakers",
        )
    if len(speakers) == 1:  # one speaker is a single-voice reading of its lines
        voice = _voice_name(request.turns[0].voice or default, known)
        text = "\n".join(t.text for t in request.turns)
        return (
            (f"{instructions}:\n{text}" if instructions else text),
            {"voiceConfig": _voice_config(voice)},
            voice,
        )
    voices = {s: _voice_name(v, known) for s, v in assign_voices(request, [default, *known]).items()}
    lead = instructions or f"TTS the following conversation between {' and '.join(speakers)}"
    lines = "\n".join(f"{t.speaker}: {t.text}" for t in request.turns)
    config = {"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
        {"speaker": s, "voiceConfig": _voice_config(voices[s])} for s in speakers]}}
    return f"{lead}:\n{lines}", config, ", ".join(f"{s}={v}" for s, v in voices.items())


def _audio_part(parts: list[dict[str, Any]]) -> tuple[str, int, bool]:
    """The audio's base64, its PCM rate, and whether it is a whole WAV file."""
    for part in parts:
        data = part.get("inlineData") or part.get("inline_data")
        if data and str(data.get("mimeType", data.get("mime_type", ""))).startswith("audio/"):
            mime = str(data.get("mimeType", data.get("mime_type")))
            rate = re.search(r"rate=(\d+)", mime)
            b64 = str(data.get("data", ""))
            is_wav = mime.split(";")[0].strip() in WAV_TYPES or b64.startswith(RIFF_B64)
            return b64, int(rate.group(1)) if rate else DEFAULT_RATE, is_wav
    said = content.text_of(parts).strip()
    raise ProviderUnavailable(
        "gemini returned no audio" + (f" (it answered: {said[:200]!r})" if said else ""),
        provider="gemini",
        hint="Try again, or rephrase the text",
    )


async def _decoded(b64: str) -> AsyncIterator[bytes]:
    if "\n" in b64 or " " in b64:
        b64 = "".join(b64.split())
    for i in range(0, len(b64), DECODE_CHUNK):
        yield base64.b64decode(b64[i:i + DECODE_CHUNK])


async def _without_wav_header(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The samples of a WAV stream: everything after its `data` chunk header (in the first chunk,
    which is far larger than any header)."""
    first = True
    async for chunk in chunks:
        if first:
            first = False
            at = chunk.find(b"data", 12)
            if chunk[:4] != b"RIFF" or at < 0 or len(chunk) < at + 8:
                raise ProviderUnavailable(
                    "gemini returned a WAV file without a data chunk", provider="gemini", hint="Try again"
                )
            chunk = chunk[at + 8 :]
        yield chunk


async def synthesize(hub: ProviderContext, request: SpeechRequest) -> SpeechResult:
    entry = request.model.entry
    known, default = (list(entry.voices), entry.default_voice or "Kore") if entry else ([], "Kore")
    fmt = request.format or "wav"
    if fmt not in FORMATS:
        raise InvalidArgument(
            f"gemini TTS gives {' or '.join(FORMATS)} audio, not {fmt!r}", hint="Use format wav"
        )
    if request.speed and request.speed != 1:
        raise InvalidArgument(
            "gemini TTS has no speed setting",
            hint="Ask for the pace in instructions instead, e.g. 'Speak slowly'",
        )
    prompt, speech_config, voice_label = _prompt_and_config(request, known, default)
    if request.language:
        speech_config["languageCode"] = request.language
    body: dict[str, Any] = {
        "contents": [{"role": "user", "parts": [{"text": prompt}]}],
        "generationConfig": {"responseModalities": ["AUDIO"], "speechConfig": speech_config},
    }
    content.merge_options(body, request.provider_options)
    b64, rate, is_wav = _audio_part(await content.generate(hub, request.model.wire_id, body))
    if not b64:
        raise ProviderUnavailable("gemini returned empty audio", provider="gemini", hint="Try again")
    if is_wav and fmt == "wav":
        media = await fill_duration(
            await hub.media.save_stream(_decoded(b64), "gemini", mime_hint="audio/wav")
        )
    elif is_wav:
        media = await fill_duration(
            await hub.media.save_stream(_without_wav_header(_decoded(b64)), "gemini", mime_hint="audio/pcm"),
            pcm_rate=rate,
        )
    elif fmt == "wav":
        media = await save_pcm_as_wav(hub.media, _decoded(b64), "gemini", rate=rate)
    else:
        media = await fill_duration(
            await hub.media.save_stream(_decoded(b64), "gemini", mime_hint="audio/pcm"), pcm_rate=rate
        )
    return SpeechResult(media, request.model.full_id, "gemini", request.characters, voice_label, fmt)
