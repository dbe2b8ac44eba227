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
    "Queue-based providers only (WaveSpeed speech, fal Whisper): how long to wait for the job before "
    "returning it (it keeps running; get_job picks it up); 0 returns at once. Other providers finish "
    "within the call"))]


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
    speaker: str = Field(
        "", description="Who speaks this line (a name such as 'Joe'); lines of one speaker share a voice"
    )
    voice: str = Field("", description="Voice for this speaker (name or id); needed on its first line only; "
                                       "empty lets the hub pick distinct voices")
    text: str = Field(description="What is said")


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
            "Turn text into speech and save the audio file (its absolute path is in the result; it is also "
            "readable as a media:// resource and, when small, attached inline). Providers: ElevenLabs "
            "(eleven_v3 "
            "takes audio tags like [whispers] in the text), OpenAI (gpt-4o-mini-tts takes delivery "
            "instructions), "
            "Gemini TTS (instructions, two-speaker dialogue), WaveSpeed MiniMax Speech-02 (MiniMax voice "
            "ids, mp3) "
            "and ACE-Step music (text = style tags, provider_options lyrics). For a dialogue pass `speakers` "
            "instead "
            "of `text`. WaveSpeed runs as a job: the call waits up to wait_seconds, then returns the job "
            "(get_job). "
            "list_models capability=speech shows each model's voices and formats."
        ),
        annotations=GENERATION,
    )
    @tool_errors
    async def synthesize_speech(
        ctx: Context,
        text: Annotated[str, Field(description="The text to speak (leave empty when giving speakers)")] = "",
        model: Annotated[
            str, Field(description="provider/model id or preset (best-tts, fast-tts); empty = default")
        ] = "",
        voice: Annotated[str, Field(description="Voice name or id; empty = the model's default voice")] = "",
        format: Annotated[
            str,
            Field(
                description="Audio format; empty = the provider's default (mp3, or wav for Gemini)",
                json_schema_extra={"enum": [*FORMATS]},
            ),
        ] = "",
        speed: Annotated[
            float, Field(description="Speaking speed, 1 = normal; 0 = the provider's default", ge=0)
        ] = 0,
        instructions: Annotated[
            str,
            Field(description="How to deliver it: tone, emotion, pace (OpenAI gpt-4o-mini-tts, Gemini TTS)"),
        ] = "",
        speakers: Annotated[
            list[SpeakerTurn],
            Field(
                description="Multi-voice dialogue, one entry per line in order "
                "(ElevenLabs eleven_v3, Gemini TTS up to 2 speakers)"
            ),
        ] = [],  # noqa: B006
        language: Annotated[
            str, Field(description="ISO 639-1 language code to enforce, where the model supports it")
        ] = "",
        provider_options: Annotated[
            dict[str, Any],
            Field(
                description="Provider-specific request fields, e.g. "
                "ElevenLabs voice_settings or output_format, "
                "MiniMax emotion, ACE-Step lyrics"
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
            "Transcribe speech from an audio (or video) file: a local path inside the allowed input "
            "directories, "
            "an http(s) URL, or a data URI. Set timestamps for timed segments and diarize for speaker "
            "labels; "
            "segments have the same shape for every provider (OpenAI, ElevenLabs Scribe, Gemini, fal "
            "Whisper). "
            "fal Whisper runs as a job (local files are uploaded to fal storage first): the call waits up to "
            "wait_seconds, then returns the job (get_job)."
        ),
        annotations=GENERATION,
    )
    @tool_errors
    async def transcribe_audio(
        ctx: Context,
        audio: Annotated[str, Field(description="Local path, http(s) URL or data URI of the audio")],
        model: Annotated[
            str, Field(description="provider/model id or preset (best-stt); empty = default")
        ] = "",
        language: Annotated[str, Field(description="ISO 639-1 code of the spoken language, if known")] = "",
        prompt: Annotated[
            str, Field(description="Context or spellings of names and terms to guide the transcript")
        ] = "",
        timestamps: Annotated[bool, Field(description="Return timed segments")] = False,
        diarize: Annotated[bool, Field(description="Label who speaks each segment")] = False,
        provider_options: Annotated[
            dict[str, Any],
            Field(description="Provider-specific request fields, e.g. ElevenLabs or fal num_speakers"),
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
