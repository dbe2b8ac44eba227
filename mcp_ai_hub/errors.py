"""The hub's one error tree, with the stable codes of the public contract.

    HubError                      every error a tool call can end with; `code` is the contract code
    ├── MissingApiKey             missing_api_key
    ├── UnknownModel              unknown_model
    ├── UnsupportedCapability     unsupported_capability
    ├── InvalidArgument           invalid_argument
    ├── FileNotAllowed            file_not_allowed
    ├── JobNotFound               job_not_found
    ├── JobFailed                 job_failed
    ├── OutputTooLarge            output_too_large
    └── ProviderError             an upstream failure, naming the provider and HTTP status
        ├── ProviderAuth          provider_auth          (401, 403)
        ├── ProviderRateLimited   provider_rate_limited  (429)
        ├── ProviderUnavailable   provider_unavailable   (5xx, 529, connection failures)
        ├── ProviderTimeout       provider_timeout
        ├── ProviderBadRequest    provider_bad_request   (other 4xx)
        └── ContentPolicy         content_policy         (refusals, safety blocks)

Provider modules translate foreign errors into the most specific class at their boundary;
tools turn any HubError into an `isError` result whose text starts with `[code]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class HubError(Exception):
    """An expected failure of a tool call, with a stable contract code and a next step."""

    code = "internal_error"

    def __init__(self, message: str, *, hint: str = "", provider: str = "", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.provider = provider
        self.status = status
        self.retry_after: float | None = None

    def render(self) -> str:
        """The text a client sees: `[code] message (provider, HTTP n). hint`."""
        where = []
        if self.provider:
            where.append(self.provider)
        if self.status is not None:
            where.append(f"HTTP {self.status}")
        text = f"[{self.code}] {self.message}"
        if where:
            text += f" ({', '.join(where)})"
        if self.hint:
            text += f". {self.hint}"
        return text

    def __str__(self) -> str:
        return self.render()


class MissingApiKey(HubError):
    code = "missing_api_key"


class UnknownModel(HubError):
    code = "unknown_model"


class UnsupportedCapability(HubError):
    code = "unsupported_capability"


class InvalidArgument(HubError):
    code = "invalid_argument"


class FileNotAllowed(HubError):
    code = "file_not_allowed"


class JobNotFound(HubError):
    code = "job_not_found"


class JobFailed(HubError):
    code = "job_failed"


class OutputTooLarge(HubError):
    code = "output_too_large"


class ProviderError(HubError):
    code = "provider_unavailable"


class ProviderAuth(ProviderError):
    code = "provider_auth"


class ProviderRateLimited(ProviderError):
    code = "provider_rate_limited"


class ProviderUnavailable(ProviderError):
    code = "provider_unavailable"


class ProviderTimeout(ProviderError):
    code = "provider_timeout"


class ProviderBadRequest(ProviderError):
    code = "provider_bad_request"


class ContentPolicy(ProviderError):
    code = "content_policy"


ALL_CODES = {
    cls.code
    for cls in (
        MissingApiKey, UnknownModel, UnsupportedCapability, InvalidArgument, FileNotAllowed, JobNotFound,
        JobFailed, OutputTooLarge, ProviderAuth, ProviderRateLimited, ProviderUnavailable, ProviderTimeout,
        ProviderBadRequest, ContentPolicy,
    )
}


def error_for_status(status: int) -> type[ProviderError]:
    """The contract class for an HTTP status from a provider."""
    if status in (401, 403):
        return ProviderAuth
    if status == 429:
        return ProviderRateLimited
    if status == 408 or status == 504:
        return ProviderTimeout
    if status >= 500:
        return ProviderUnavailable
    return ProviderBadRequest


HINTS = {
    ProviderAuth: "Check that the API key is valid and has access to this model",
    ProviderRateLimited: "Wait a little and try again, or pick another model with list_models",
    ProviderUnavailable: "The provider is having trouble; try again shortly or pick another provider",
    ProviderTimeout: "The provider did not answer in time; try again",
    ProviderBadRequest: "Fix the arguments as the provider's message says",
    ContentPolicy: "The provider refused the request on safety grounds; rephrase it",
}


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret (and any long key-like token it prefixes) in `text` with `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
            # providers echo keys partially ("sk-abc…xyz"); hide the first 8 characters' echoes too
            if len(secret) >= 12:
                text = re.sub(re.escape(secret[:8]) + r"[^\s\"']*", "***", text)
    return text
