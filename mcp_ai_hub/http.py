"""One shared HTTP client stack: explicit timeouts, bounded retries honouring retry-after, and the
translation of transport failures and error statuses into the hub's error tree.

Retry policies (a billed submit is never sent twice):
- "idempotent": GETs, polls, downloads. Retries 408/409/429/5xx, connection failures and drops.
- "generate":   synchronous billed calls. Retries error statuses (nothing was produced) and
                connection failures before the request was sent; never a read timeout or a drop.
- "submit":     asynchronous job submits. Retries only 429 and failures to connect.
Vendor knowledge (auth headers, error bodies) comes from each provider's `ProviderApi`; a
`ProviderClient` binds one provider's API, key and base URL for its modules.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import anyio
import httpx2

if TYPE_CHECKING:
    import ssl

from .errors import (
    HINTS,
    HubError,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    error_for_status,
)
from .url_guard import UrlPolicy

log = logging.getLogger("mcp_ai_hub.http")

RetryPolicy = Literal["idempotent", "generate", "submit", "none"]
DEFAULT_TIMEOUT = httpx2.Timeout(connect=10.0, read=120.0, write=120.0, pool=10.0)
LISTING_TIMEOUT = httpx2.Timeout(connect=5.0, read=8.0, write=8.0, pool=5.0)
SUBMIT_TIMEOUT = httpx2.Timeout(connect=10.0, read=60.0, write=120.0, pool=10.0)  # job submits (may upload)
POLL_TIMEOUT = httpx2.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)  # job status polls
MAX_ATTEMPTS = 3
MAX_RETRY_WAIT = 20.0  # seconds; a longer retry-after is reported to the user instead of waited out
ERROR_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class ProviderApi:
    """How to authenticate with a provider and read its error bodies."""

    name: str
    auth: Callable[[str], dict[str, str]]
    parse_error: Callable[[int, bytes, Mapping[str, str]], HubError]


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date)."""
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def status_error(api: ProviderApi, status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
    """The hub error for an error response; the provider's parser decides, the status is the fallback."""
    try:
        err = api.parse_error(status, body, headers)
    except Exception:  # a malformed error body must still give a clean error
        log.debug("unparseable error body from %s", api.name, exc_info=True)
        cls = error_for_status(status)
        err = cls(f"{api.name} returned HTTP {status}", hint=HINTS.get(cls, ""))
    err.provider = err.provider or api.name
    err.status = err.status if err.status is not None else status
    if err.retry_after is None:
        err.retry_after = retry_after_seconds(headers)
    return err


def _retryable(policy: RetryPolicy, status: int) -> bool:
    if policy == "none":
        return False
    if policy == "submit":
        return status == 429
    return status in (408, 409, 429, 529) or status >= 500


def _backoff(attempt: int, hinted: float | None) -> float:
    if hinted is not None:
        return hinted
    return min(8.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2)


class ResponseBroken(ProviderUnavailable):
    """The connection failed after a successful status, while the body was being read."""


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle takes ~25 ms, and every hub
    (several per process in tests and in-process clients) would otherwise load it again."""
    return httpx2.create_ssl_context()


# Every call of a session shares one pool: a burst of concurrent calls (an agent fanning out 100
# streamed requests) must not queue behind a small pool, nor reconnect because few are kept alive.
LIMITS = httpx2.Limits(max_connections=256, max_keepalive_connections=128, keepalive_expiry=30.0)


class Http:
    """The hub's HTTP client, created lazily so start-up never pays for it."""

    def __init__(self, transport: httpx2.AsyncBaseTransport | None = None):
        self._transport = transport
        self._client: httpx2.AsyncClient | None = None
        self.url_policy = UrlPolicy()  # which internal addresses caller-given URLs may reach (none)
        self.read_timeout = 0.0  # when set, caps every request's read timeout (AI_HUB_READ_TIMEOUT)

    @property
    def client(self) -> httpx2.AsyncClient:
        if self._client is None:
            self._client = httpx2.AsyncClient(
                timeout=DEFAULT_TIMEOUT,
                verify=_tls(),
                transport=self._transport,
                follow_redirects=True,
                limits=LIMITS,
                headers={"user-agent": "mcp-ai-hub"},
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _capped(self, timeout: httpx2.Timeout | float) -> httpx2.Timeout | float:
        """`timeout` with its read part no longer than `read_timeout` (when that is set)."""
        if not self.read_timeout:
            return timeout
        if not isinstance(timeout, httpx2.Timeout):
            return min(float(timeout), self.read_timeout)
        read = min(timeout.read, self.read_timeout) if timeout.read is not None else self.read_timeout
        return httpx2.Timeout(connect=timeout.connect, read=read, write=timeout.write, pool=timeout.pool)

    async def request(
        self, api: ProviderApi, key: str, method: str, url: str, *, retry: RetryPolicy = "idempotent",
        **kwargs: Any,
    ) -> httpx2.Response:
        """Send a request and return the (read) successful response, or raise a HubError."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self.stream(api, key, method, url, retry=retry, **kwargs) as response:
                    await response.aread()
                    return response
            except ResponseBroken:
                if retry != "idempotent" or attempt == MAX_ATTEMPTS:
                    raise
                await anyio.sleep(_backoff(attempt, None))
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def stream(
        self, api: ProviderApi, key: str, method: str, url: str, *, retry: RetryPolicy = "idempotent",
        headers: Mapping[str, str] | None = None, timeout: httpx2.Timeout | float | None = None,
        follow_redirects: bool = True, **kwargs: Any,
    ) -> AsyncIterator[httpx2.Response]:
        """Open a streamed response whose status is below 400 (body not read), or raise a HubError.
        With `follow_redirects=False` a 3xx is returned as is (to follow it without the key)."""
        all_headers = {**(api.auth(key) if key else {}), **(headers or {})}
        timeout = self._capped(timeout or DEFAULT_TIMEOUT)
        attempt = 0
        while True:
            attempt += 1
            try:
                request = self.client.build_request(
                    method, url, headers=all_headers, timeout=timeout, **kwargs
                )
                if log.isEnabledFor(logging.DEBUG):  # a client asked for debug records
                    where = request.url.copy_with(query=None)  # a query may carry credentials
                    log.debug("%s %s %s (attempt %d)", api.name, method, where, attempt)
                response = await self.client.send(request, stream=True, follow_redirects=follow_redirects)
            except httpx2.ConnectError as exc:  # never reached the provider: safe to retry
                if retry != "none" and attempt < MAX_ATTEMPTS:
                    await anyio.sleep(_backoff(attempt, None))
                    continue
                raise ProviderUnavailable(
                    f"could not connect to {api.name}: {type(exc).__name__}", provider=api.name,
                    hint="Check the network and the base URL setting",
                ) from None
            except httpx2.TimeoutException as exc:
                if isinstance(exc, httpx2.ConnectTimeout) and retry != "none" and attempt < MAX_ATTEMPTS:
                    await anyio.sleep(_backoff(attempt, None))
                    continue
                raise ProviderTimeout(
                    f"{api.name} did not answer in time ({type(exc).__name__})", provider=api.name,
                    hint=HINTS[ProviderTimeout],
                ) from None
            except httpx2.TransportError as exc:  # dropped connection, protocol error
                if retry == "idempotent" and attempt < MAX_ATTEMPTS:
                    await anyio.sleep(_backoff(attempt, None))
                    continue
                raise ProviderUnavailable(
                    f"connection to {api.name} failed: {type(exc).__name__}", provider=api.name,
                    hint=HINTS[ProviderUnavailable],
                ) from None

            if response.status_code < 400:
                try:
                    yield response
                except httpx2.TimeoutException:
                    raise ProviderTimeout(
                        f"{api.name} stopped sending data", provider=api.name, hint=HINTS[ProviderTimeout]
                    ) from None
                except httpx2.TransportError as exc:
                    raise ResponseBroken(
                        f"connection to {api.name} broke mid-response: {type(exc).__name__}",
                        provider=api.name, hint=HINTS[ProviderUnavailable],
                    ) from None
                finally:
                    await response.aclose()
                return

            body = await _read_capped(response)
            await response.aclose()
            err = status_error(api, response.status_code, body, response.headers)
            wait = err.retry_after
            may_retry = _retryable(retry, response.status_code) and attempt < MAX_ATTEMPTS
            if may_retry and (wait is None or wait <= MAX_RETRY_WAIT):
                delay = _backoff(attempt, wait)
                log.info("%s HTTP %s; retry %d in %.1fs", api.name, response.status_code, attempt, delay)
                await anyio.sleep(delay)
                continue
            if wait and isinstance(err, ProviderError) and "retry after" not in err.hint:
                err.hint = (err.hint + "; " if err.hint else "") + f"retry after {wait:.0f}s"
            raise err


@dataclass(frozen=True)
class ProviderClient:
    """One provider's calls over the shared `Http`: its `ProviderApi` (auth, error parsing), key and
    base URL bound once. A path is joined to the base URL; an absolute URL is used as it is.
    `base_urls` holds every base URL of the provider by variable (fal has three)."""

    http: Http
    api: ProviderApi
    key: str
    base_url: str
    base_urls: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.api.name

    def base(self, var: str) -> str:
        """Another of the provider's base URLs, by its variable."""
        return self.base_urls[var]

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}" if path_or_url else self.base_url

    def using(self, api: ProviderApi) -> ProviderClient:
        """The same key and base URL with another error reader (a capability that reads refusals)."""
        return replace(self, api=replace(api, name=self.api.name))

    async def request(
        self, method: str, path_or_url: str, *, retry: RetryPolicy = "idempotent", **kwargs: Any
    ) -> httpx2.Response:
        """`Http.request` with this provider's auth and error parsing."""
        url = self.url(path_or_url)
        return await self.http.request(self.api, self.key, method, url, retry=retry, **kwargs)

    def stream(
        self, method: str, path_or_url: str, *, retry: RetryPolicy = "idempotent", **kwargs: Any
    ) -> AbstractAsyncContextManager[httpx2.Response]:
        """`Http.stream` with this provider's auth and error parsing."""
        return self.http.stream(self.api, self.key, method, self.url(path_or_url), retry=retry, **kwargs)

    def json(self, response: httpx2.Response, what: str = "reply") -> Any:
        """The response's JSON body, or [provider_unavailable] (see `json_of`)."""
        return json_of(response, self.api, what)


async def _read_capped(response: httpx2.Response) -> bytes:
    chunks, size = [], 0
    try:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= ERROR_BODY_LIMIT:
                break
    except httpx2.HTTPError:
        pass
    return b"".join(chunks)[:ERROR_BODY_LIMIT]


def json_of(response: httpx2.Response, api: ProviderApi, what: str = "reply") -> Any:
    """A successful response's JSON body, or [provider_unavailable] when the provider sent something else."""
    try:
        return response.json()
    except ValueError:
        raise ProviderUnavailable(f"{api.name} sent a {what} that is not JSON (HTTP {response.status_code})",
                                  provider=api.name, hint="Try again shortly") from None


def json_body(body: bytes) -> Any:
    """Parse an error body as JSON, or None."""
    import json

    try:
        return json.loads(body.decode("utf-8", "replace")) if body else None
    except ValueError:
        return None


def make_error(status: int, message: str, *, cls: type[HubError] | None = None) -> HubError:
    """A hub error of the class the status maps to (or `cls`), with the standard hint."""
    klass = cls or error_for_status(status)
    return klass(message or f"HTTP {status}", hint=HINTS.get(klass, ""))
