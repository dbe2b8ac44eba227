"""WaveSpeed speech and music, run as predictions (`predictions.py`) through the hub's job manager;
the finished job's output URL (an MP3) is downloaded by the job manager.

- MiniMax TTS (`minimax/speech-02-hd`, `minimax/speech-02-turbo`, and any other id that is not a
  music model): `{text (<= 10,000 characters), voice_id, speed (0.5-2), language_boost}`; the
  rest of MiniMax's fields (`volume`, `pitch`, `emotion`, `english_normalization`, `sample_rate`,
  `bitrate`, ...) come from provider_options as they are. Output: MP3.
- ACE-Step music (`wavespeed-ai/ace-step-1.5`): the text is the style (`tags`: genre, instruments,
  mood); `lyrics`, `duration` (5-240 s) and `seed` come from provider_options. WaveSpeed picks the
  audio format; the saved file's type is reported.

What these models lack is refused with [invalid_argument]: delivery instructions, multi-speaker
dialogue, formats other than mp3, and for music voices, speed and language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...capabilities.speech import SpeechJob, SpeechRequest
from ...errors import InvalidArgument
from ...jobs.backend import JobSpec, summarize_input
from . import predictions

if TYPE_CHECKING:
    from ...context import ProviderContext

FORMATS = ("mp3",)
DEFAULT_VOICE = "English_Trustworth_Man"
MAX_CHARACTERS = 10_000
SPEED_RANGE = (0.5, 2.0)
MUSIC_MARKERS = ("ace-step", "music")
TTS_RESERVED = {"text", "voice_id"}
MUSIC_RESERVED = {"tags"}
TTS_POLL_SECONDS = 1.0  # a few seconds of speech are ready in about as many seconds
MUSIC_POLL_SECONDS = 3.0

# ISO 639-1 (and `yue`) -> MiniMax `language_boost` names
LANGUAGE_BOOST = {
    "zh": "Chinese", "yue": "Chinese,Yue", "en": "English", "ar": "Arabic", "ru": "Russian", "es": "Spanish",
    "fr": "French", "pt": "Portuguese", "de": "German", "tr": "Turkish", "nl": "Dutch", "uk": "Ukrainian",
    "vi": "Vietnamese", "id": "Indonesian", "ja": "Japanese", "it": "Italian", "ko": "Korean", "th": "Thai",
    "pl": "Polish", "ro": "Romanian", "el": "Greek", "cs": "Czech", "fi": "Finnish", "hi": "Hindi",
}


def is_music(wire_id: str) -> bool:
    """True for WaveSpeed's music models (ACE-Step), which take style tags instead of text to speak."""
    return any(marker in wire_id.lower() for marker in MUSIC_MARKERS)


def _refuse_common(request: SpeechRequest) -> None:
    model = request.model.full_id
    if request.turns:
        raise InvalidArgument(f"{model} cannot voice a multi-speaker dialogue",
                              hint="Use elevenlabs/eleven_v3 or a Gemini TTS model for speakers")
    if request.instructions.strip():
        raise InvalidArgument(f"{model} takes no delivery instructions", hint=(
            "Leave instructions empty; MiniMax voices take provider_options {\"emotion\": \"happy\"}, or use "
            "openai/gpt-4o-mini-tts for instructions"))


def _check_options(request: SpeechRequest, reserved: set[str], hint: str) -> None:
    clash = reserved & set(request.provider_options)
    if clash:
        raise InvalidArgument(f"provider_options.{min(clash)} is set by the hub for {request.model.full_id}",
                              hint=hint)


def _language_boost(request: SpeechRequest) -> str:
    """MiniMax's name for the requested language: from an ISO 639-1 code, a tag like `pt-BR`, or the name."""
    raw = request.language.strip()
    code = raw.lower().replace("_", "-")
    names = {v.lower(): v for v in LANGUAGE_BOOST.values()}
    boost = (LANGUAGE_BOOST["yue"] if code == "zh-yue" else None) or LANGUAGE_BOOST.get(code) \
        or LANGUAGE_BOOST.get(code.split("-")[0]) or names.get(code)
    if boost is None:
        raise InvalidArgument(f"{request.model.full_id} cannot be steered to language {raw!r}",
                              hint=f"Use one of: {', '.join(LANGUAGE_BOOST)}, or leave language empty (auto)")
    return boost


def _tts_body(request: SpeechRequest) -> tuple[dict[str, Any], str]:
    model = request.model.full_id
    if len(request.text) > MAX_CHARACTERS:
        raise InvalidArgument(f"{model} speaks at most {MAX_CHARACTERS:,} characters per call; the text has "
                              f"{len(request.text):,}", hint="Split the text into parts")
    if request.format and request.format not in FORMATS:
        raise InvalidArgument(f"{model} cannot produce {request.format!r} audio",
                              hint="Use mp3, or leave format empty")
    if request.speed and not SPEED_RANGE[0] <= request.speed <= SPEED_RANGE[1]:
        raise InvalidArgument(
            f"{model} takes speed from {SPEED_RANGE[0]} to {SPEED_RANGE[1]}, not {request.speed:g}"
        )
    _check_options(request, TTS_RESERVED, "Use the tool's text and voice parameters")
    entry = request.model.entry
    voice = request.voice or (entry.default_voice if entry and entry.default_voice else DEFAULT_VOICE)
    body: dict[str, Any] = {"text": request.text, "voice_id": voice}
    if request.speed:
        body["speed"] = request.speed
    if request.language:
        body["language_boost"] = _language_boost(request)
    body.update(request.provider_options)
    return body, voice


def _music_body(request: SpeechRequest) -> dict[str, Any]:
    model = request.model.full_id
    for name, value in (("voice", request.voice), ("speed", request.speed), ("language", request.language)):
        if value:
            raise InvalidArgument(f"{model} makes music and takes no {name}",
                                  hint="Describe the style in text; put lyrics in provider_options.lyrics")
    if request.format:
        raise InvalidArgument(
            f"{model} returns audio in the format WaveSpeed chooses, so format cannot be set",
            hint="Leave format empty; the result names the saved file's type",
        )
    _check_options(request, MUSIC_RESERVED, "The text is the style tags (genre, instruments, mood)")
    return {"tags": request.text.strip(), **request.provider_options}


async def synthesize(hub: ProviderContext, request: SpeechRequest) -> SpeechJob:
    """The prediction that makes the audio, as a job for the hub's job manager."""
    _refuse_common(request)
    endpoint = request.model.wire_id
    if is_music(endpoint):
        body, voice, fmt, poll = _music_body(request), "", "", MUSIC_POLL_SECONDS
    else:
        (body, voice), fmt, poll = _tts_body(request), "mp3", TTS_POLL_SECONDS
    spec = JobSpec(predictions.BACKEND, endpoint, body, summary=summarize_input(body), poll_interval=poll)
    return SpeechJob(spec, request.model.full_id, "wavespeed", request.characters, voice, fmt)
