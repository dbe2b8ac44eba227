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

import functools
import logging
import re
import traceback
from collections.abc import Callable, Iterable
from typing import Any


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


class ModelRetired(HubError):
    """The model is past its shutdown date or its provider says it is retired; nothing was sent."""

    code = "model_retired"


class StorageError(HubError):
    """The output or state directory cannot be written."""

    code = "storage_error"


ALL_CODES = {
    cls.code
    for cls in (
        MissingApiKey, UnknownModel, UnsupportedCapability, InvalidArgument, FileNotAllowed, JobNotFound,
        JobFailed, OutputTooLarge, ModelRetired, ProviderAuth, ProviderRateLimited, ProviderUnavailable,
        ProviderTimeout, ProviderBadRequest, ContentPolicy, StorageError,
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


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FRAGMENT = 6  # an echo of this many characters of a key (or more) is hidden too
_DROP = str.maketrans("", "", "-_")


@functools.lru_cache(maxsize=32)
def _fragments(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern finding, in lower-cased text without `-`/`_`, the start of every run of
    `FRAGMENT` characters that occurs in one of the secrets (so treated the same way)."""
    grams: set[str] = set()
    for secret in secrets:
        key = secret.translate(_DROP).lower()
        grams.update(key[i:i + FRAGMENT] for i in range(len(key) - FRAGMENT + 1))
    if not grams:
        return None
    return re.compile("(?=(" + "|".join(map(re.escape, sorted(grams))) + "))")


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret in `text` with `***`, and every echo of a part of one: any run of
    `FRAGMENT` or more of its characters, compared case-insensitively and ignoring `-` and `_`
    (providers echo keys cut, upper-cased or without their dashes)."""
    usable = tuple(sorted({s for s in secrets if s and len(s) >= 4}))
    for secret in usable:
        text = text.replace(secret, "***")
    pattern = _fragments(usable) if usable else None
    if pattern is None:
        return text
    norm = text.translate(_DROP).lower()
    starts = [m.start() for m in pattern.finditer(norm)]
    if not starts:
        return text
    index = [i for i, c in enumerate(text) if c not in "-_"]  # norm position -> text position
    spans: list[list[int]] = []
    for i in starts:
        begin, end = index[i], index[i + FRAGMENT - 1] + 1
        if spans and begin <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([begin, end])
    for begin, end in reversed(spans):
        text = text[:begin] + "***" + text[end:]
    return text


def redacted_traceback(exc: BaseException, secrets: Iterable[str]) -> str:
    """`exc`'s traceback as text with every secret (and echo of one) replaced, for the server log."""
    return redact("".join(traceback.format_exception(exc)), secrets)


def redact_data(value: Any, secrets: list[str]) -> Any:
    """`value` (JSON-like: dicts, lists, strings) with every string redacted; other values kept."""
    if not secrets:
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {k: redact_data(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_data(v, secrets) for v in value]
    return value


class RedactingFormatter(logging.Formatter):
    """A log formatter that redacts the whole formatted record (message, arguments, traceback)."""

    def __init__(self, fmt: str, secrets: Callable[[], list[str]]):
        super().__init__(fmt)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets())


def redact_logs(secrets: Callable[[], list[str]], fmt: str = LOG_FORMAT) -> None:
    """Make every handler of the root logger redact `secrets()` from what it writes."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(fmt, secrets))
