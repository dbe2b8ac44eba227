"""Fake OpenAI `POST /v1/audio/transcriptions`: real multipart parsing and the real per-model rules
(gpt-4o-(mini-)transcribe: json/text only; verbose_json and timestamp granularities: whisper-1;
diarized_json and no prompt: gpt-4o-transcribe-diarize; file type judged by the file name), and
the json, verbose_json, diarized_json and text response shapes. The upload is kept in
`fake.state["transcription_upload"]` as (filename, content type, bytes)."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .base import FakeProvider, fake_of
from .openai import openai_error

EXTENSIONS = ("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm")
FORMATS = {"whisper-1": {"json", "text", "srt", "verbose_json", "vtt"},
           "gpt-4o-transcribe": {"json", "text"}, "gpt-4o-mini-transcribe": {"json", "text"},
           "gpt-4o-transcribe-diarize": {"json", "text", "diarized_json"}, "gpt-transcribe": {"json", "text"}}
SEGMENTS = [(0.0, 1.52, "Hello from the fake studio.", "A"), (1.6, 3.24, "And a second voice answers.", "B")]
TEXT = " ".join(s[2] for s in SEGMENTS)
DURATION = 3.3


def invalid(message: str, param: str | None = None) -> JSONResponse:
    return openai_error(400, message, "invalid_request_error", "invalid_value" if param else None, param)


async def transcriptions(request: Request) -> Response:
    fake = fake_of(request)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return invalid("Expected multipart/form-data.")
    form = await request.form()
    upload, model = form.get("file"), form.get("model")
    if not isinstance(upload, UploadFile):
        return openai_error(400, "Missing required parameter: 'file'.", "invalid_request_error",
                            "missing_required_parameter", "file")
    if model not in FORMATS:
        return openai_error(404, f"The model `{model}` does not exist or you do not have access to it.",
                            "invalid_request_error", "model_not_found")
    if (upload.filename or "").rsplit(".", 1)[-1].lower() not in EXTENSIONS:
        return invalid(f"Invalid file format. Supported formats: {list(EXTENSIONS)}", "file")
    fmt = form.get("response_format", "json")
    if fmt not in FORMATS[model]:
        return invalid(f"response_format '{fmt}' is not compatible with model '{model}'.", "response_format")
    if form.getlist("timestamp_granularities[]") and fmt != "verbose_json":
        return invalid(
            "timestamp_granularities requires response_format 'verbose_json'.", "timestamp_granularities"
        )
    if model == "gpt-4o-transcribe-diarize" and form.get("prompt"):
        return invalid("prompt is not supported for gpt-4o-transcribe-diarize.", "prompt")
    data = await upload.read()
    if not data:
        return invalid("Audio file is empty.", "file")
    fake.state["transcription_upload"] = (upload.filename, upload.content_type, data)
    if fmt == "text":
        return PlainTextResponse(TEXT + "\n")
    if fmt == "verbose_json":
        body = {"task": "transcribe", "language": "english", "duration": DURATION, "text": TEXT,
                "usage": {"type": "duration", "seconds": 4}}
        if "segment" in form.getlist("timestamp_granularities[]") or not form.getlist(
            "timestamp_granularities[]"
        ):
            body["segments"] = [
                {
                    "id": i,
                    "seek": 0,
                    "start": s,
                    "end": e,
                    "text": " " + t,
                    "tokens": [50364, 440],
                    "temperature": 0.0,
                    "avg_logprob": -0.28,
                    "compression_ratio": 1.2,
                    "no_speech_prob": 0.01,
                }
                for i, (s, e, t, _) in enumerate(SEGMENTS)
            ]
        if "word" in form.getlist("timestamp_granularities[]"):
            body["words"] = [{"word": "Hello", "start": 0.0, "end": 0.4}]
        return JSONResponse(body)
    if fmt == "diarized_json":
        return JSONResponse(
            {
                "task": "transcribe",
                "duration": DURATION,
                "text": TEXT,
                "segments": [
                    {
                        "type": "transcript.text.segment",
                        "id": f"seg_{i:03d}",
                        "start": s,
                        "end": e,
                        "text": t,
                        "speaker": sp,
                    }
                    for i, (s, e, t, sp) in enumerate(SEGMENTS)
                ],
                "usage": {"type": "duration", "seconds": 4},
            }
        )
    usage = (
        {"type": "duration", "seconds": 4}
        if model == "whisper-1"
        else {
            "type": "tokens",
            "input_tokens": 14,
            "input_token_details": {"text_tokens": 0, "audio_tokens": 14},
            "output_tokens": 12,
            "total_tokens": 26,
        }
    )
    if model == "gpt-transcribe":  # openai SDK 3.63 Transcription.languages
        return JSONResponse({"text": TEXT, "languages": [{"code": "en"}], "usage": usage})
    return JSONResponse({"text": TEXT, "usage": usage})


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1/audio/transcriptions", transcriptions, methods=["POST"])]
