"""The contract's result shapes, defined once: the pydantic models the tools' output schemas show
are the ones the results are built with (`Media.to_dict`, `Job.to_dict`, `TextResult.to_dict`
dump these), so a schema and a result cannot drift apart. No MCP import here: the server layer
and the core both use them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class MediaOut(BaseModel):
    """The contract's media object (optional fields left out of results when unknown)."""

    path: str
    uri: str
    resource_uri: str
    mime_type: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    source_url: str | None = None
    url: str | None = None  # a presigned URL of the file in the S3 media store (AI_HUB_MEDIA_STORE)
    url_expires_at: str | None = None  # when `url` stops working (RFC 3339)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SegmentOut(BaseModel):
    start: float | None
    end: float | None
    text: str
    speaker: str | None


class TranscriptOut(BaseModel):
    text: str
    language: str | None
    duration_seconds: float | None
    segments: list[SegmentOut]


class JobErrorOut(BaseModel):
    code: str
    message: str


JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class JobOut(BaseModel):
    """The contract's job object."""

    job_id: str
    resource_uri: str
    kind: str
    status: JobStatus
    progress: float | None
    message: str
    provider: str
    model: str
    outputs: list[MediaOut]
    error: JobErrorOut | None
    created_at: str
    updated_at: str
    result: dict[str, Any] | list[Any] | None = Field(
        default=None, description="The provider's final result JSON (files dropped), when there is one"
    )
    transcript: TranscriptOut | None = Field(default=None, description=(
        "A succeeded transcription job's transcript, in transcribe_audio's shape"))

    def to_dict(self) -> dict[str, Any]:
        """The job object as results carry it: media objects without unknown fields, and
        `transcript` only when there is one."""
        data = self.model_dump(exclude={"outputs", "transcript"})
        data["outputs"] = [m.to_dict() for m in self.outputs]
        if self.transcript is not None:
            data["transcript"] = self.transcript.model_dump()
        return data


FinishReason = Literal["stop", "length", "content_filter", "tool_calls", "other"]


class CitationOut(BaseModel):
    url: str
    title: str


class UsageOut(BaseModel):
    input_tokens: int
    output_tokens: int
    reasoning_tokens: int | None


class TextAnswerOut(BaseModel):
    """One model's answer in a `models` call; `error` ([code] message) when it failed."""

    model: str
    provider: str
    text: str
    citations: list[CitationOut]
    finish_reason: FinishReason | None
    usage: UsageOut | None
    cost_usd: float | None
    error: str | None
    text_file: MediaOut | None = None


class GenerateTextOut(BaseModel):
    """One answer (the fields up to cost_usd), or with `models` the answers as `results` and their
    total `cost_usd`; `text_file` when a long answer was saved (its `text` is then an opening)."""

    text: str = ""
    citations: list[CitationOut] = Field(default_factory=list)
    model: str = ""
    provider: str = ""
    finish_reason: FinishReason | None = None
    usage: UsageOut | None = None
    cost_usd: float | None = Field(
        default=None, description="USD for this call; null when the price or the usage is unknown"
    )
    results: list[TextAnswerOut] | None = None
    text_file: MediaOut | None = None
