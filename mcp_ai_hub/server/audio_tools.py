"""`synthesize_speech` and `transcribe_audio`: validate, resolve the model, dispatch to the
provider's speech / transcription module, and shape the contract's result (a saved audio file with
its resource_link and inline audio block; a transcript with segments in one shape).

Queue-based providers (WaveSpeed speech, fal Whisper) answer with a job spec instead: the tool
starts it as a hub job, waits up to `wait_seconds` with progress (cancelling the provider job if
the call is cancelled), and turns the finished job into the same result (the saved audio; the
transcript parsed from the job's result). A job still running after the wait comes back in `job`
with `audio`/`segments` empty and a text saying to call get_job; a failed job is a [job_failed]
error with the provider's reason.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from ..audio import fill_duration, probe_duration
from ..capabilities import caller_options
from ..capabilities.speech import SpeechJob, SpeechRequest, SpeechResult, check_request, turns_from
from ..capabilities.transcription import TranscriptionJob, TranscriptionRequest
from ..errors import InvalidArgument, ProviderUnavailable
from ..hub import Hub
from ..inputs import resolve_input
from ..jobs.store import Job
from ..media import EXTENSIONS, Media
from ..shapes import JobOut, MediaOut, SegmentOut
from ..uploads import check_size
from .jobs_tools import job_result, wait_with_progress
from .media_blocks import media_blocks
from .progress import CallProgress
from .results import GENERATION, hub_of, ok, tool_errors
from .tool_cache import tool
from .transcripts import transcript_text

FORMATS = ["", "mp3", "opus", "aac", "flac", "wav", "pcm", "ulaw"]
NOT_AUDIO = ("image/", "text/", "application/json", "application/pdf")
DEFAULT_JOB_WAIT = 120  # seconds; typical speech and transcription jobs finish well within it
JobWait = Annotated[int, Field(ge=0, le=3600, description=(
    "Seconds to wait for the job"))]


class SpeechOut(BaseModel):
    audio: MediaOut | None = Field(description="The saved audio; null while a queued job has not finished")
    model: str
    provider: str
    characters: int
    voice: str = Field(description="The voice used; speaker=voice pairs for a dialogue")
    format: str
    job: JobOut | None = Field(
        None, description="The hub job, when a queue-based provider has not finished yet"
    )


class TranscriptionOut(BaseModel):
    text: str
    language: str | None
    duration_seconds: float | None
    segments: list[SegmentOut]
    model: str
    provider: str
    job: JobOut | None = Field(
        None, description="The hub job, when a queue-based provider has not finished yet"
    )


class SpeakerTurn(BaseModel):
    speaker: str = Field("", description="Speaker name")
    voice: str = Field("", description="On a speaker's first line; empty = hub picks")
    text: str


async def _run(
    progress: CallProgress,
    hub: Hub,
    kind: str,
    provider: str,
    model: str,
    spec: Any,
    wait_seconds: float,
    preset: str,
    meta: dict[str, Any] | None = None,
) -> Job:
    """Start a provider job (keeping `meta` with it) and wait for it; cancelling the call cancels the
    provider job."""
    meta = {**(meta or {}), **({"preset": preset} if preset else {})}
    job = await hub.jobs.start(kind, provider, model, spec, meta=meta or None)
    return await wait_with_progress(progress, hub, job.job_id, wait_seconds, cancel_on_abort=True)


def _unfinished(hub: Hub, job: Job, empty: dict[str, Any]) -> CallToolResult:
    """A job that has not succeeded: [job_failed] when it failed, else the tool's result with `job` set
    and the job's text (how to wait on with get_job)."""
    result = job_result(hub, job)
    if not result.is_error:
        result.structured_content = {**empty, "job": job.to_dict()}
    return result


async def _speech_from_job(job: Job, spec: SpeechJob) -> SpeechResult:
    if not job.outputs:
        raise ProviderUnavailable(
            f"{spec.model} finished without audio (job {job.job_id})",
            provider=spec.provider,
            hint="Try again",
        )
    media = await fill_duration(Media.from_dict(job.outputs[0]))
    fmt = EXTENSIONS.get(media.mime_type, "") or spec.format
    return SpeechResult(media, spec.model, spec.provider, spec.characters, spec.voice, fmt)


def _speech_result(hub: Hub, result: SpeechResult) -> CallToolResult:
    media = result.audio
    out = {"audio": media.to_dict(), "model": result.model, "provider": result.provider,
           "characters": result.characters, "voice": result.voice, "format": result.format}
    length = f", {media.duration_seconds:.2f} s" if media.duration_seconds is not None else ""
    voice = f", voice {result.voice}" if result.voice else ""
    summary = (f"Saved speech to {media.path} ({media.mime_type}, {media.bytes} bytes{length}). "
               f"{result.model}{voice}, {result.characters} characters.")
    return ok(summary, out, media_blocks([media], hub), hub=hub)


def register(mcp: MCPServer, hub: Hub) -> None:

    @tool(
        mcp,
        title="Synthesize speech",
        description=(
            "Speech from text, or a dialogue in speakers; the audio is saved (path, media:// URI). Queued "
            "providers return the job after wait_seconds. Voices: list_models capability=speech."
        ),
        annotations=GENERATION,
    )
    @tool_errors
    async def synthesize_speech(
        ctx: Context,
        text: Annotated[str, Field(description="Empty with speakers")] = "",
        model: Annotated[
            str, Field(description="id or preset; empty = default")
        ] = "",
        voice: Annotated[str, Field(description="Voice name or id; empty = model default")] = "",
        format: Annotated[
            str,
            Field(
                description="empty = provider default",
                json_schema_extra={"enum": [*FORMATS]},
            ),
        ] = "",
        speed: Annotated[
            float, Field(description="1 = normal; 0 = provider default", ge=0)
        ] = 0,
        instructions: Annotated[
            str,
            Field(description="Delivery: tone, emotion, pace"),
        ] = "",
        speakers: Annotated[
            list[SpeakerTurn],
            Field(
                description="Dialogue lines, in order"
            ),
        ] = [],  # noqa: B006
        language: Annotated[
            str, Field(description="ISO 639-1 code to enforce")
        ] = "",
        provider_options: Annotated[
            dict[str, Any],
            Field(
                description="Extra request fields"
            ),
        ] = {},  # noqa: B006
        wait_seconds: JobWait = DEFAULT_JOB_WAIT,
    ) -> Annotated[CallToolResult, SpeechOut]:
        hub = hub_of(ctx)
        resolved = hub.catalog.resolve(model, "speech", hub.settings)
        request = SpeechRequest(
            text=text, model=resolved, voice=voice.strip(), format=format.strip().lower(), speed=speed,
            instructions=instructions, turns=turns_from([t.model_dump() for t in speakers]),
            language=language.strip(), provider_options=caller_options(provider_options),
        )
        check_request(request, hub.catalog)
        hub.key(resolved.provider)
        module = hub.capability(resolved.provider, "speech")
        outcome = await module.synthesize(hub, request)
        if isinstance(outcome, SpeechJob):
            job = await _run(
                CallProgress(ctx),
                hub,
                "speech",
                resolved.provider,
                resolved.model,
                outcome.spec,
                wait_seconds,
                resolved.preset,
            )
            if job.status != "succeeded":
                return _unfinished(
                    hub,
                    job,
                    {
                        "audio": None,
                        "model": outcome.model,
                        "provider": outcome.provider,
                        "characters": outcome.characters,
                        "voice": outcome.voice,
                        "format": outcome.format,
                    },
                )
            outcome = await _speech_from_job(job, outcome)
        return _speech_result(hub, outcome)

    @tool(
        mcp,
        title="Transcribe audio",
        description=(
            "Transcribe an audio or video file; timestamps and diarize give segments in one shape. Queued "
            "providers return the job after wait_seconds."
        ),
        annotations=GENERATION,
    )
    @tool_errors
    async def transcribe_audio(
        ctx: Context,
        audio: Annotated[str, Field(description="Local path, URL or data URI")],
        model: Annotated[
            str, Field(description="id or preset; empty = default")
        ] = "",
        language: Annotated[str, Field(description="ISO 639-1 code, if known")] = "",
        prompt: Annotated[
            str, Field(description="Names and terms to expect")
        ] = "",
        timestamps: bool = False,
        diarize: bool = False,
        provider_options: Annotated[
            dict[str, Any],
            Field(description="Extra request fields"),
        ] = {},  # noqa: B006
        wait_seconds: JobWait = DEFAULT_JOB_WAIT,
    ) -> Annotated[CallToolResult, TranscriptionOut]:
        hub = hub_of(ctx)
        resolved = hub.catalog.resolve(model, "transcription", hub.settings)
        item = resolve_input(audio, hub.settings, what="audio")
        if item.mime_type.startswith(NOT_AUDIO):
            raise InvalidArgument(f"audio {item.name} looks like {item.mime_type}, not audio",
                                  hint="Pass an audio or video file")
        hub.key(resolved.provider)
        module = hub.capability(resolved.provider, "transcription")
        limit = (resolved.entry.max_input_bytes if resolved.entry else None) or module.MAX_INPUT_BYTES
        check_size(item, limit, resolved.full_id)
        progress = CallProgress(ctx)
        request = TranscriptionRequest(
            audio=item,
            model=resolved,
            language=language.strip(),
            prompt=prompt.strip(),
            timestamps=timestamps,
            diarize=diarize,
            provider_options=caller_options(provider_options),
            progress=progress.step,
        )
        result = await module.transcribe(hub, request)
        if isinstance(result, TranscriptionJob):
            progress.next_phase()
            job = await _run(progress, hub, "transcription", resolved.provider, resolved.model,
                             result.spec, wait_seconds, resolved.preset, result.meta)
            if job.status != "succeeded":
                return _unfinished(
                    hub,
                    job,
                    {
                        "text": "",
                        "language": None,
                        "duration_seconds": None,
                        "segments": [],
                        "model": result.model,
                        "provider": result.provider,
                    },
                )
            result = result.parse(job.result)
        if result.duration_seconds is None and item.path is not None:
            result.duration_seconds = await probe_duration(item.path, item.mime_type)
        out = result.to_dict()
        return ok(transcript_text(out, out["model"]), out, hub=hub)
