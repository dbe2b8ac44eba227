"""Fake ElevenLabs Scribe `POST /v1/speech-to-text`: real multipart parsing and field checks, and
the real response (`language_code` in ISO 639-3, timed `words` with spacing and audio events,
`speaker_id` only with diarize, no words with timestamps_granularity=none). The upload is kept in
`fake.state["transcription_upload"]` as (filename, content type, bytes)."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, fake_of
from .elevenlabs_speech import unprocessable

MODELS = {"scribe_v1", "scribe_v1_experimental", "scribe_v2", "scribe_v2_medical", "scribe_v3"}
# form field -> the models that take it (elevenlabs SDK 2.78 "Supported by ...")
MODEL_FIELDS = {"secondary_language_codes": {"scribe_v3"}, "numbers_format": {"scribe_v3"},
                "no_verbatim": {"scribe_v2", "scribe_v2_medical", "scribe_v3"}}
# (text, start, end, type, speaker index)
WORDS = [
    ("Hello", 0.0, 0.4, "word", 0),
    (" ", 0.4, 0.45, "spacing", 0),
    ("there.", 0.45, 0.9, "word", 0),
    (" ", 0.9, 0.95, "spacing", 0),
    ("(laughs)", 0.95, 1.3, "audio_event", 0),
    (" ", 1.3, 2.6, "spacing", 0),
    ("How", 2.6, 2.8, "word", 1),
    (" ", 2.8, 2.85, "spacing", 1),
    ("are", 2.85, 3.0, "word", 1),
    (" ", 3.0, 3.05, "spacing", 1),
    ("you?", 3.05, 3.4, "word", 1),
]
TEXT = "".join(w[0] for w in WORDS)


async def speech_to_text(request: Request) -> Response:
    fake = fake_of(request)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return unprocessable(["body"], "Expected multipart/form-data")
    form = await request.form()
    if form.get("model_id") not in MODELS:
        return unprocessable(["body", "model_id"], f"Invalid model_id {form.get('model_id')!r}")
    for name, models in MODEL_FIELDS.items():
        if name in form and form["model_id"] not in models:
            return JSONResponse(
                {
                    "detail": {
                        "status": "invalid_parameters",
                        "message": f"{name} is not supported by {form['model_id']}.",
                    }
                },
                400,
            )
    if form.get("numbers_format", "digits") not in ("digits", "words"):
        return unprocessable(["body", "numbers_format"], "Input should be 'digits' or 'words'")
    fake.state["secondary_language_codes"] = form.getlist("secondary_language_codes")
    upload, url = form.get("file"), form.get("cloud_storage_url")
    if isinstance(upload, UploadFile) == bool(url):
        return JSONResponse(
            {
                "detail": {
                    "status": "invalid_parameters",
                    "message": "Exactly one of the file or cloud_storage_url parameters must be provided.",
                }
            },
            400,
        )
    granularity = form.get("timestamps_granularity", "word")
    if granularity not in ("none", "word", "character"):
        return unprocessable(
            ["body", "timestamps_granularity"], "Input should be 'none', 'word' or 'character'"
        )
    diarize = form.get("diarize", "false")
    if diarize not in ("true", "false"):
        return unprocessable(["body", "diarize"], "Input should be a valid boolean")
    if "num_speakers" in form and not 1 <= int(form["num_speakers"]) <= 32:
        return unprocessable(["body", "num_speakers"], "Input should be between 1 and 32")
    if isinstance(upload, UploadFile):
        fake.state["transcription_upload"] = (upload.filename, upload.content_type, await upload.read())
    words = [] if granularity == "none" else [
        {"text": t, "start": s, "end": e, "type": kind, "logprob": -0.05,
         **({"speaker_id": f"speaker_{who}"} if diarize == "true" else {})}
        for t, s, e, kind, who in WORDS]
    return JSONResponse({"language_code": "eng", "language_probability": 0.98, "text": TEXT, "words": words,
                         "transcription_id": "tr_fake_1"})


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1/speech-to-text", speech_to_text, methods=["POST"])]
