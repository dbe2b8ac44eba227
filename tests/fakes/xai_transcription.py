"""Fake xAI speech-to-text `POST /v1/stt`, built from xAI's REST reference: multipart with
exactly one of `file` (which must be the last field) or `url`, the documented options
(`language`, `format` needing `language`, `diarize`, `multichannel`, `channels`, repeated
`keyterm`, `audio_format` + `sample_rate` for raw audio, `filler_words`), and the documented
answer `{text, language (empty: detection is not enabled yet), duration, words [{text, start,
end, speaker with diarize}], channels with multichannel}`. The upload is kept in
`fake.state["transcription_upload"]` as (filename, content type, bytes) and the fields in order in
`fake.state["transcription_fields"]`."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .base import FakeProvider, fake_of
from .xai_image import xai_error

FIELDS = {
    "file",
    "url",
    "language",
    "format",
    "diarize",
    "multichannel",
    "channels",
    "keyterm",
    "audio_format",
    "sample_rate",
    "sample_rate_hertz",
    "filler_words",
}
BOOLEANS = ("format", "diarize", "multichannel", "filler_words")
RAW_FORMATS = {"pcm", "mulaw", "alaw"}
# (text, start, end, speaker)
WORDS = [("Hello", 0.0, 0.4, 0), ("there.", 0.45, 0.9, 0), ("How", 2.6, 2.8, 1), ("are", 2.85, 3.0, 1),
         ("you?", 3.05, 3.4, 1)]
TEXT = " ".join(w[0] for w in WORDS)


async def stt(request: Request) -> Response:
    fake = fake_of(request)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return xai_error(400, "Expected a multipart/form-data body")
    form = await request.form()
    names = [name for name, _ in form.multi_items()]
    fake.state["transcription_fields"] = [
        (k, v if isinstance(v, str) else "<file>") for k, v in form.multi_items()
    ]
    unknown = sorted(set(names) - FIELDS)
    if unknown:
        return xai_error(400, f"Unknown field `{unknown[0]}`")
    upload, url = form.get("file"), form.get("url")
    if isinstance(upload, UploadFile) == bool(url):
        return xai_error(400, "Either file or url must be provided")
    if isinstance(upload, UploadFile) and names[-1] != "file":
        return xai_error(400, "The file field must be the last field in the multipart form")
    for name in BOOLEANS:
        if name in form and form[name] not in ("true", "false"):
            return xai_error(400, f"{name}: expected true or false")
    if form.get("format") == "true" and not form.get("language"):
        return xai_error(400, "format=true requires language to be set")
    if form.get("audio_format") in RAW_FORMATS and not (
        form.get("sample_rate") or form.get("sample_rate_hertz")
    ):
        return xai_error(400, "sample_rate is required for raw audio formats")
    if len(form.getlist("keyterm")) > 100 or any(len(str(k)) > 50 for k in form.getlist("keyterm")):
        return xai_error(400, "keyterm: at most 100 terms of at most 50 characters")
    if isinstance(upload, UploadFile):
        fake.state["transcription_upload"] = (upload.filename, upload.content_type, await upload.read())
    diarize = form.get("diarize") == "true"
    words = [{"text": t, "start": s, "end": e, "confidence": 0.97, **({"speaker": who} if diarize else {})}
             for t, s, e, who in WORDS]
    answer: dict = {"text": TEXT, "language": "", "duration": 3.52, "words": words}
    if form.get("multichannel") == "true":
        answer["channels"] = [
            {
                "channel": i,
                "text": " ".join(w["text"] for w in words if (w["start"] > 2) == bool(i)),
                "words": [w for w in words if (w["start"] > 2) == bool(i)],
            }
            for i in (0, 1)
        ]
    return JSONResponse(answer)


def routes(fake: FakeProvider) -> list[Route]:
    return [Route("/v1/stt", stt, methods=["POST"])]
