"""The interface between the job manager and a provider's asynchronous API (a "job backend").

A backend knows one provider protocol (fal's queue, WaveSpeed predictions, Veo operations, ...)
and nothing of the hub's persistence: it turns an input into a submitted provider job whose
`state` (a small JSON-able dict: ids, status/response/cancel URLs) the manager stores, then
reports on that state when polled and cancels it on request. Backends are found again after a
restart by their `ref`, `"<provider>.<module>"`, naming `mcp_ai_hub.providers.<provider>.<module>`
whose `BACKEND` attribute is the backend object.

Each backend maps its provider's job states into `JobStatus` through one explicit table.

A backend whose provider can call a webhook when a job ends also has
`submit_with_webhook(hub, model, input, url)` (the submit, asking the provider to POST to `url`) and
`verify_webhook(hub, headers, body)` (raises `WebhookRejected` for a delivery that is not the
provider's, `WebhookUnverifiable` when it cannot tell right now). A verified webhook only makes the
job's poller poll at once; its body never sets a job's status. Such a backend keeps its state as
submitted (its polls return no `state`): the webhook bookkeeping lives there too.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .states import CancelOutcome, JobStatus

if TYPE_CHECKING:
    from ..context import ProviderContext
    from ..http import ProviderApi

__all__ = ["CancelOutcome", "JobBackend", "JobSpec", "JobStatus", "OutputRef", "PollResult",
           "WebhookRejected", "WebhookUnverifiable", "load_backend"]


class WebhookRejected(Exception):
    """A webhook delivery that is not the provider's (unsigned, badly signed, stale); the message says
    why, without the signature."""


class WebhookUnverifiable(Exception):
    """A webhook that cannot be checked right now (the provider's keys could not be fetched): answered
    503, so the provider delivers it again."""


@dataclass(frozen=True)
class OutputRef:
    """One output to save: a URL (downloaded at once; `data:` URIs are decoded) and what is known.

    `auth` means the URL needs the provider's key (Veo files, Sora content); the key is never sent
    on to another origin a redirect points at.
    """

    url: str
    mime_type: str = ""
    auth: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "mime_type": self.mime_type, "auth": self.auth}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutputRef:
        return cls(str(data["url"]), str(data.get("mime_type") or ""), bool(data.get("auth")))


@dataclass
class PollResult:
    """What one poll learned. `outputs` and `result` matter once `status` is "succeeded";
    `error` (the provider's reason) once it is "failed"."""

    status: JobStatus
    progress: float | None = None  # 0..1 when the provider says
    message: str = ""  # queue position, percent, last log line
    outputs: list[OutputRef] = field(default_factory=list)
    result: Any = None  # the provider's final result JSON (blobs are dropped before storing)
    error: str = ""
    error_code: str = ""  # a more specific hub error code for the failure (content_policy); else job_failed
    state: dict[str, Any] | None = None  # replaces the stored state when set
    poll_after: float | None = None  # seconds, when the provider hints how long to wait


class JobBackend(Protocol):
    """One provider protocol for asynchronous jobs. All methods raise `HubError`s on failure."""

    ref: str  # "<provider>.<module>", see the module docstring
    provider: str
    api: ProviderApi  # auth and error bodies, for outputs whose URL needs the provider's key
    poll_interval: float  # seconds before the first polls
    max_poll_interval: float  # the backoff ceiling

    async def submit(self, hub: ProviderContext, model: str, input: dict[str, Any]) -> dict[str, Any]:
        """Send the billed request once (retry policy "submit") and return the state to persist."""
        ...

    async def poll(self, hub: ProviderContext, state: dict[str, Any]) -> PollResult:
        """Ask the provider how the job is doing (idempotent; safe to repeat)."""
        ...

    async def cancel(self, hub: ProviderContext, state: dict[str, Any]) -> CancelOutcome:
        """Ask the provider to stop the job; "unsupported" when it has no way to."""
        ...


@dataclass
class JobSpec:
    """A provider job ready to submit: which backend, which endpoint, which input.

    `summary` is what gets stored of the input (no blobs, no data URIs; by default the input
    without blobs); `notes` tell the caller what was adapted or ignored (e.g. a parameter the
    model does not take); `poll_interval` overrides the backend's first interval (a fast image
    model may be polled more often than a video model on the same queue).
    """

    backend: JobBackend
    model: str  # the provider's endpoint/model id the request goes to
    input: dict[str, Any]
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    poll_interval: float | None = None


def load_backend(ref: str) -> JobBackend:
    """The backend object behind a stored `ref` (imports the provider module on first use)."""
    provider, _, module = ref.partition(".")
    if not provider.isidentifier() or not module.isidentifier():
        raise ValueError(f"not a job backend reference: {ref!r}")
    return importlib.import_module(f"mcp_ai_hub.providers.{provider}.{module}").BACKEND


BLOB_MIN = 4096  # strings at least this long that look like base64 or data URIs are dropped
ENCODED = re.compile(
    r"[A-Za-z0-9+/=_\-\r\n]+"
)  # base64 (standard or URL-safe); not text without spaces (CJK)


def compact_json(value: Any, *, max_string: int = 200_000) -> Any:
    """`value` without blobs: data URIs and long base64 runs become a short placeholder, so a
    provider's result JSON can be stored (a transcript's text is kept)."""
    if isinstance(value, dict):
        return {str(k): compact_json(v, max_string=max_string) for k, v in value.items()}
    if isinstance(value, list):
        return [compact_json(v, max_string=max_string) for v in value]
    if isinstance(value, str):
        if value.startswith("data:") and ";base64," in value[:200]:
            return f"<data URI, {len(value)} characters, saved as a file>"
        if len(value) >= BLOB_MIN and ENCODED.fullmatch(value[:BLOB_MIN]):
            return f"<{len(value)} characters of encoded data omitted>"
        if len(value) > max_string:
            return value[:max_string] + f"... <{len(value) - max_string} more characters>"
    return value


def summarize_input(value: Any) -> Any:
    """An input dict fit to store with the job: blobs dropped, long prompts kept."""
    return compact_json(value, max_string=20_000)
