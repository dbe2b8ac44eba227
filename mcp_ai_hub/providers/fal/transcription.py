"""fal Whisper (`fal-ai/whisper`, or another fal endpoint of the same shape) run through the fal
queue (`queue.py`) as a hub job.

Input: `audio_url` (an http(s) URL is passed as it is; a local file or data URI is uploaded to fal
storage first, streamed from disk), `task: transcribe`, `version: "3"`, and when asked
`language`, `prompt`, `chunk_level: segment` (timestamps) and `diarize`. provider_options are
merged in (`num_speakers`, `batch_size`, `chunk_level: word`, `task: translate`, ...).

Output (kept with the job): `{"text", "chunks": [{"timestamp": [start, end], "text", "speaker"?}],
"inferred_languages": [...], "diarization_segments": [{"timestamp", "speaker"}]}`, turned into the
hub's one transcript shape; a chunk without a speaker takes the diarization segment it overlaps
most. Whisper reports no duration: a local WAV or MP3 is measured before the upload, anything else
gets the last chunk's end. What the parse needs of the request (model, timestamps, diarize,
language, measured duration) is kept in the job's meta under `transcript`, so
`transcript_from_job` gives the same transcript when the job is read later (get_job).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...audio import probe_duration
from ...capabilities.transcription import (
    Segment,
    TranscriptionJob,
    TranscriptionRequest,
    TranscriptionResult,
    language_code,
)
from ...errors import InvalidArgument, ProviderUnavailable
from ...jobs.backend import JobSpec, summarize_input
from . import storage
from .queue import BACKEND

if TYPE_CHECKING:
    from ...context import ProviderContext
    from ...jobs.store import Job

MAX_INPUT_BYTES = 100 * 1024 * 1024  # one fal storage upload (its multipart flow is for larger files)
RESERVED = {"audio_url"}
WHISPER_VERSION = "3"
POLL_SECONDS = 1.0


def _body(request: TranscriptionRequest, audio_url: str) -> dict[str, Any]:
    clash = RESERVED & set(request.provider_options)
    if clash:
        raise InvalidArgument(f"provider_options.{min(clash)} is set by the hub for {request.model.full_id}",
                              hint="Pass the audio in the tool's audio parameter")
    body: dict[str, Any] = {"audio_url": audio_url, "task": "transcribe", "version": WHISPER_VERSION}
    if request.language:
        body["language"] = language_code(request.language)
    if request.prompt:
        body["prompt"] = request.prompt
    if request.wants_segments:
        body["chunk_level"] = "segment"
    if request.diarize:
        body["diarize"] = True
    body.update(request.provider_options)
    return body


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _span(item: dict[str, Any]) -> tuple[float | None, float | None]:
    stamp = item.get("timestamp")
    if not isinstance(stamp, (list, tuple)) or not stamp:
        return None, None
    return _number(stamp[0]), _number(stamp[1]) if len(stamp) > 1 else None


def _speaker_by_overlap(start: float | None, end: float | None, turns: list[dict[str, Any]]) -> str | None:
    """The diarization speaker who talks most during [start, end] (None when nobody does)."""
    if start is None:
        return None
    end = end if end is not None else start
    best, most = None, float("-inf")
    for turn in turns:
        t_start, t_end = _span(turn)
        if t_start is None or not turn.get("speaker"):
            continue
        overlap = min(end, t_end if t_end is not None else end) - max(start, t_start)
        if overlap > most:
            best, most = str(turn["speaker"]), overlap
    return best if most >= 0 else None


def parse(data: Any, request: TranscriptionRequest, duration: float | None = None) -> TranscriptionResult:
    """fal Whisper's result JSON as the hub's transcript (`duration`: the input's, when measured)."""
    return _parse(
        data, request.model.full_id, request.wants_segments, request.diarize, request.language, duration
    )


def _parse(data: Any, model: str, wants_segments: bool, diarize: bool, language: str,
           duration: float | None) -> TranscriptionResult:
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ProviderUnavailable(f"{model} finished without a transcript", provider="fal",
                                  hint="Try again; the raw result is in the job (get_job)")
    chunks = [c for c in data.get("chunks") or [] if isinstance(c, dict)]
    turns = [t for t in data.get("diarization_segments") or [] if isinstance(t, dict)]
    segments = []
    if wants_segments:
        for chunk in chunks:
            text = str(chunk.get("text") or "").strip()
            if not text:
                continue
            start, end = _span(chunk)
            speaker = chunk.get("speaker") or (_speaker_by_overlap(start, end, turns) if diarize else None)
            segments.append(Segment(start, end, text, str(speaker) if speaker else None))
    ends = [e for e in (_span(c)[1] for c in chunks) if e is not None]
    inferred = [str(x) for x in data.get("inferred_languages") or [] if x]
    code = language_code(inferred[0]) if inferred else language_code(language)
    if duration is None and ends:
        duration = max(ends)
    return TranscriptionResult(data["text"].strip(), model, "fal", code, duration, segments)


def _meta(request: TranscriptionRequest, duration: float | None) -> dict[str, Any]:
    """The request details `_parse` needs, kept in the job's meta (JSON)."""
    return {"transcript": {"model": request.model.full_id, "timestamps": request.wants_segments,
                           "diarize": request.diarize, "language": request.language, "duration": duration}}


def transcript_from_job(job: Job) -> TranscriptionResult | None:
    """The transcript of a finished Whisper job read later (get_job), parsed as the tool parsed it;
    None for a job that has not succeeded. A job started without the meta gets the plain text."""
    if job.status != "succeeded":
        return None
    asked: dict[str, Any] = job.meta["transcript"] if isinstance(job.meta.get("transcript"), dict) else {}
    return _parse(job.result, str(asked.get("model") or f"{job.provider}/{job.model}"),
                  bool(asked.get("timestamps")), bool(asked.get("diarize")), str(asked.get("language") or ""),
                  _number(asked.get("duration")))


async def transcribe(hub: ProviderContext, request: TranscriptionRequest) -> TranscriptionJob:
    """The queue job that transcribes `request.audio` (uploaded to fal storage first unless a URL)."""
    audio = request.audio
    body = _body(request, "")  # bad options are refused before anything is uploaded
    duration = await probe_duration(audio.path, audio.mime_type) if audio.path is not None else None
    if not audio.is_url:
        await request.report(f"uploading {audio.name} to fal storage")
    body["audio_url"] = await storage.upload(hub, audio)
    spec = JobSpec(
        BACKEND, request.model.wire_id, body, summary=summarize_input(body), poll_interval=POLL_SECONDS
    )
    return TranscriptionJob(spec, request.model.full_id, "fal", lambda data: parse(data, request, duration),
                            _meta(request, duration))
