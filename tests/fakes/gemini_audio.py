"""Fake Gemini audio: TTS and audio understanding through `:generateContent`, and the Files API
(resumable upload, get, delete).

`:generateContent` serves other capabilities too, so these routes match only requests that are
about audio (AUDIO response modality; an audio inlineData or a fileData part), and the file routes
only files uploaded here; everything else falls through to the other gemini_* fake modules.

- TTS answers with base64 16-bit PCM at 24 kHz whose length follows the prompt; the PCM is kept in
  `fake.state["tts_pcm"]`. Speaker names must appear in the prompt, as Gemini needs.
- Transcription answers plain text, or JSON segments when `responseMimeType` is JSON (with speaker
  labels when the schema asks for them). Inline audio is kept in `fake.state["inline_audio"]`.
- Uploads: `start` returns `x-goog-upload-url`; `upload, finalize` stores the bytes in
  `fake.state["files"][name]` as PROCESSING; a GET reports it ACTIVE.
"""

from __future__ import annotations

import base64
import io
import json
import secrets
import wave
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from . import samples
from .base import FakeProvider, Recorded, fake_of
from .gemini import gemini_error

VOICES = {"Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Algieba", "Despina"}
SECONDS_PER_CHAR = 0.01
SEGMENTS = [
    (0.0, 1.5, "Speaker 1", "Good morning, this is the fake."),
    (1.7, 3.1, "Speaker 2", "Morning to you."),
]
PLAIN_TEXT = "Good morning, this is the fake. Morning to you."

WAV_TTS = ("gemini-3.8",)  # TTS models answering a WAV file rather than raw PCM


class AudioRoute(Route):
    """A route that matches only requests the predicate accepts (by their recorded body or path)."""

    def __init__(
        self, path: str, endpoint: Callable, predicate: Callable[[Recorded], bool], methods: list[str]
    ):
        super().__init__(path, endpoint, methods=methods)
        self.predicate = predicate

    def matches(self, scope: dict) -> tuple[Match, dict]:
        match, child = super().matches(scope)
        if match is not Match.NONE and not self.predicate(scope["state"]["recorded"]):
            return Match.NONE, {}
        return match, child


def _json(rec: Recorded) -> dict[str, Any]:
    try:
        data = rec.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def is_tts(rec: Recorded) -> bool:
    return "AUDIO" in ((_json(rec).get("generationConfig") or {}).get("responseModalities") or [])


def is_audio_input(rec: Recorded) -> bool:
    parts = [p for c in _json(rec).get("contents") or [] for p in c.get("parts") or []]
    return any(str((p.get("inlineData") or {}).get("mimeType", "")).startswith("audio/") or "fileData" in p
               for p in parts)


def _candidate(parts: list[dict], model: str) -> JSONResponse:
    return JSONResponse(
        {
            "candidates": [
                {"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}
            ],
            "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 40, "totalTokenCount": 52},
            "modelVersion": model,
            "responseId": "fake-" + secrets.token_hex(4),
        }
    )


async def tts(request: Request) -> Response:
    fake, model = fake_of(request), request.path_params["model"]
    body = json.loads(await request.body())
    if not model.endswith("-tts"):
        return gemini_error(
            400,
            "INVALID_ARGUMENT",
            "The requested combination of response modalities (AUDIO) is not supported by the model.",
        )
    prompt = "".join(p.get("text", "") for c in body.get("contents", []) for p in c.get("parts", []))
    speech = (body.get("generationConfig") or {}).get("speechConfig") or {}
    if "multiSpeakerVoiceConfig" in speech:
        configs = speech["multiSpeakerVoiceConfig"].get("speakerVoiceConfigs") or []
        if len(configs) != 2:
            return gemini_error(
                400, "INVALID_ARGUMENT", "Multi-speaker voice config must have exactly 2 speakers."
            )
        for config in configs:
            if config.get("speaker", "") not in prompt:
                return gemini_error(
                    400, "INVALID_ARGUMENT", f"Speaker {config.get('speaker')} is not in the prompt."
                )
        names = [c["voiceConfig"]["prebuiltVoiceConfig"]["voiceName"] for c in configs]
    else:
        names = [
            ((speech.get("voiceConfig") or {}).get("prebuiltVoiceConfig") or {}).get("voiceName", "Kore")
        ]
    unknown = [n for n in names if n not in VOICES]
    if unknown:
        return gemini_error(400, "INVALID_ARGUMENT", f"Voice name {unknown[0]} is not supported.")
    pcm = samples.pcm(max(len(prompt) * SECONDS_PER_CHAR, 0.05))
    fake.state["tts_pcm"] = pcm
    if model.startswith(WAV_TTS):  # a whole WAV file (16-bit, 24 kHz, mono), as the 3.8 TTS models answer
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(24000), w.writeframes(pcm)
        return _candidate(
            [{"inlineData": {"mimeType": "audio/wav", "data": base64.b64encode(out.getvalue()).decode()}}],
            model,
        )
    return _candidate(
        [
            {
                "inlineData": {
                    "mimeType": "audio/L16;codec=pcm;rate=24000",
                    "data": base64.b64encode(pcm).decode(),
                }
            }
        ],
        model,
    )


async def understand(request: Request) -> Response:
    fake, model = fake_of(request), request.path_params["model"]
    body = json.loads(await request.body())
    parts = [p for c in body.get("contents", []) for p in c.get("parts", [])]
    for part in parts:
        if "inlineData" in part:
            fake.state["inline_audio"] = (
                part["inlineData"]["mimeType"],
                base64.b64decode(part["inlineData"]["data"]),
            )
        if "fileData" in part:
            uri = part["fileData"].get("fileUri", "")
            found = next((f for f in fake.state.get("files", {}).values() if f["uri"] == uri), None)
            if found is None or found["state"] != "ACTIVE":
                return gemini_error(400, "FAILED_PRECONDITION", f"File {uri} is not in an ACTIVE state.")
            fake.state["file_used"] = found["name"]
    config = body.get("generationConfig") or {}
    if config.get("responseMimeType") == "application/json":
        schema = config.get("responseSchema") or {}
        wants_speaker = "speaker" in schema["properties"]["segments"]["items"].get("required", [])
        segments = [
            {"start": s, "end": e, **({"speaker": who} if wants_speaker else {}), "text": t}
            for s, e, who, t in SEGMENTS
        ]
        text = json.dumps({"language": "en", "segments": segments})
    else:
        text = PLAIN_TEXT
    return _candidate([{"text": text}], model)


async def upload(request: Request) -> Response:
    fake = fake_of(request)
    command = request.headers.get("x-goog-upload-command", "")
    sessions = fake.state.setdefault("upload_sessions", {})
    if command == "start":
        if request.headers.get("x-goog-upload-protocol") != "resumable":
            return gemini_error(400, "INVALID_ARGUMENT", "Only resumable uploads are supported here.")
        meta = json.loads(await request.body() or b"{}")
        upload_id = secrets.token_hex(6)
        sessions[upload_id] = {
            "length": int(request.headers["x-goog-upload-header-content-length"]),
            "mime": request.headers["x-goog-upload-header-content-type"],
            "display_name": (meta.get("file") or {}).get("display_name", ""),
        }
        url = fake.url(f"/upload/v1beta/files?upload_id={upload_id}&upload_protocol=resumable")
        return Response(b"", 200, headers={"x-goog-upload-url": url, "x-goog-upload-status": "active"})
    session = sessions.get(request.query_params.get("upload_id", ""))
    if session is None or "upload" not in command or "finalize" not in command:
        return gemini_error(400, "INVALID_ARGUMENT", "Unknown upload session or command.")
    if request.headers.get("x-goog-upload-offset") != "0":
        return gemini_error(400, "INVALID_ARGUMENT", "Offset does not match the upload.")
    data = await request.body()
    if len(data) != session["length"]:
        return gemini_error(400, "INVALID_ARGUMENT", "Upload size does not match the declared length.")
    name = "files/" + secrets.token_hex(5)
    file = {
        "name": name,
        "displayName": session["display_name"],
        "mimeType": session["mime"],
        "sizeBytes": str(len(data)),
        "uri": fake.url(f"/v1beta/{name}"),
        "state": "PROCESSING",
        "source": "UPLOADED",
    }
    fake.state.setdefault("files", {})[name] = {**file, "data": data}
    return JSONResponse({"file": file}, headers={"x-goog-upload-status": "final"})


def _public(file: dict) -> dict:
    return {k: v for k, v in file.items() if k != "data"}


async def get_file(request: Request) -> Response:
    file = fake_of(request).state["files"][f"files/{request.path_params['file']}"]
    file["state"] = "ACTIVE"  # audio is processed by the time anyone looks
    return JSONResponse(_public(file))


async def delete_file(request: Request) -> Response:
    fake = fake_of(request)
    name = f"files/{request.path_params['file']}"
    fake.state["files"].pop(name)
    fake.state.setdefault("deleted_files", []).append(name)
    return JSONResponse({})


def routes(fake: FakeProvider) -> list[Route]:
    def known_file(rec: Recorded) -> bool:
        return rec.path.removeprefix("/v1beta/") in fake.state.get("files", {})

    return [
        AudioRoute("/v1beta/models/{model}:generateContent", tts, is_tts, ["POST"]),
        AudioRoute("/v1beta/models/{model}:generateContent", understand, is_audio_input, ["POST"]),
        Route("/upload/v1beta/files", upload, methods=["POST"]),
        AudioRoute("/v1beta/files/{file}", get_file, known_file, ["GET"]),
        AudioRoute("/v1beta/files/{file}", delete_file, known_file, ["DELETE"]),
    ]
