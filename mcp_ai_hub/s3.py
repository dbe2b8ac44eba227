"""A small S3 client over the hub's HTTP library: AWS Signature Version 4 (headers and presigned
URLs), single and multipart uploads from a file in bounded memory, HEAD, GET and DELETE. Speaks to
AWS S3 and S3-compatible stores (MinIO, Garage, Ceph RGW, ...): virtual-hosted addressing on AWS's
own endpoint, path-style on a custom `AWS_ENDPOINT_URL`.

Configuration is the usual AWS variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_REGION (or AWS_DEFAULT_REGION; default us-east-1), AWS_ENDPOINT_URL. Failures are StorageError
naming the bucket and S3's error code; a credential never appears in one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import anyio
import httpx2

from .errors import StorageError

PART_SIZE = 8 * 1024 * 1024  # bytes read, hashed and sent at a time; S3's minimum part is 5 MiB
TIMEOUT = httpx2.Timeout(connect=10.0, read=60.0, write=120.0, pool=10.0)
ATTEMPTS = 3
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _quote(text: str, safe: str = "-_.~") -> str:
    return quote(text, safe=safe)


def _canonical_query(query: dict[str, str]) -> str:
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(query.items()))


@dataclass(frozen=True)
class S3Config:
    access_key: str
    secret_key: str = ""
    region: str = "us-east-1"
    endpoint: str = ""  # "" is AWS's own endpoint for the region
    session_token: str = ""
    public_endpoint: str = ""  # where clients reach the store, for presigned URLs ("": `endpoint`)

    @classmethod
    def from_env(cls, env: dict[str, str]) -> S3Config:
        get = lambda name: env.get(name, "").strip()
        return cls(
            get("AWS_ACCESS_KEY_ID"),
            get("AWS_SECRET_ACCESS_KEY"),
            get("AWS_REGION") or get("AWS_DEFAULT_REGION") or "us-east-1",
            get("AWS_ENDPOINT_URL").rstrip("/"),
            get("AWS_SESSION_TOKEN"),
            get("AI_HUB_MEDIA_PUBLIC_ENDPOINT").rstrip("/"),
        )

    def __repr__(self) -> str:
        return f"S3Config(region={self.region!r}, endpoint={self.endpoint!r})"


class Signer:
    """AWS Signature Version 4 for the `s3` service."""

    def __init__(self, config: S3Config):
        self.config = config

    def _key(self, day: str) -> bytes:
        key = _hmac(("AWS4" + self.config.secret_key).encode(), day)
        for part in (self.config.region, "s3", "aws4_request"):
            key = _hmac(key, part)
        return key

    def _signature(
        self,
        method: str,
        url: str,
        query: dict[str, str],
        headers: dict[str, str],
        payload_hash: str,
        stamp: str,
    ) -> tuple[str, str]:
        """(signed header names, signature) of a request; `headers` keys are lower-case."""
        path = urlsplit(url).path or "/"  # already URI-encoded once, as S3 wants it (see url())
        canonical_query = _canonical_query(query)
        names = sorted(headers)
        canonical_headers = "".join(f"{n}:{' '.join(headers[n].split())}\n" for n in names)
        signed = ";".join(names)
        request = f"{method}\n{path}\n{canonical_query}\n{canonical_headers}\n{signed}\n{payload_hash}"
        scope = f"{stamp[:8]}/{self.config.region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(request.encode()).hexdigest()])
        return signed, hmac.new(self._key(stamp[:8]), to_sign.encode(), hashlib.sha256).hexdigest()

    def headers(
        self,
        method: str,
        url: str,
        query: dict[str, str],
        payload_hash: str,
        extra: dict[str, str] | None = None,
        now: float | None = None,
    ) -> dict[str, str]:
        """The headers that sign a request (Authorization, x-amz-date, x-amz-content-sha256, ...)."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now if now is not None else time.time()))
        headers = {k.lower(): v for k, v in (extra or {}).items()}
        headers.update(
            {"host": urlsplit(url).netloc, "x-amz-date": stamp, "x-amz-content-sha256": payload_hash}
        )
        if self.config.session_token:
            headers["x-amz-security-token"] = self.config.session_token
        signed, signature = self._signature(method, url, query, headers, payload_hash, stamp)
        scope = f"{stamp[:8]}/{self.config.region}/s3/aws4_request"
        headers["authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={self.config.access_key}/{scope}, "
            f"SignedHeaders={signed}, Signature={signature}"
        )
        del headers["host"]
        return headers

    def presign(self, url: str, seconds: int, now: float | None = None) -> str:
        """A GET URL valid for `seconds` (at most 7 days) without credentials of its own."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now if now is not None else time.time()))
        scope = f"{stamp[:8]}/{self.config.region}/s3/aws4_request"
        query = {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": f"{self.config.access_key}/{scope}",
            "X-Amz-Date": stamp,
            "X-Amz-Expires": str(int(seconds)),
            "X-Amz-SignedHeaders": "host",
        }
        if self.config.session_token:
            query["X-Amz-Security-Token"] = self.config.session_token
        _, signature = self._signature(
            "GET", url, query, {"host": urlsplit(url).netloc}, "UNSIGNED-PAYLOAD", stamp
        )
        return f"{url}?{_canonical_query(query)}&X-Amz-Signature={signature}"


class S3Bucket:
    """One bucket; keys are given whole (the caller adds its prefix)."""

    def __init__(self, config: S3Config, bucket: str):
        self.config = config
        self.bucket = bucket
        self.signer = Signer(config)
        self._client: httpx2.AsyncClient | None = None

    def url(self, key: str, endpoint: str = "") -> str:
        path = _quote(key, safe="/-_.~")
        endpoint = endpoint or self.config.endpoint
        if endpoint:
            return f"{endpoint}/{self.bucket}/{path}"
        if "." in self.bucket:  # a dotted bucket breaks the TLS wildcard of virtual-hosted names
            return f"https://s3.{self.config.region}.amazonaws.com/{self.bucket}/{path}"
        return f"https://{self.bucket}.s3.{self.config.region}.amazonaws.com/{path}"

    def presign(self, key: str, seconds: float) -> str:
        """A GET URL for clients: on AI_HUB_MEDIA_PUBLIC_ENDPOINT when set (the store's address as
        clients reach it, e.g. outside a container network), else where the hub reaches it."""
        return self.signer.presign(self.url(key, self.config.public_endpoint), int(seconds))

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def _error(self, doing: str, detail: str) -> StorageError:
        return StorageError(
            f"cannot {doing} the media store s3://{self.bucket} ({detail})",
            hint="Check AI_HUB_MEDIA_STORE, AWS_ENDPOINT_URL and the AWS credentials",
        )

    async def request(
        self,
        method: str,
        key: str,
        *,
        query: dict[str, str] | None = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        doing: str = "use",
        ok: tuple[int, ...] = (200,),
    ) -> httpx2.Response:
        """A signed request, retried on connection failures and 5xx; StorageError on any other answer."""
        if self._client is None:
            self._client = httpx2.AsyncClient(timeout=TIMEOUT, trust_env=False)
        query = query or {}
        url = self.url(key)
        payload_hash = hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
        target = url + ("?" + _canonical_query(query) if query else "")  # sent exactly as signed
        detail = ""
        for attempt in range(ATTEMPTS):
            signed = self.signer.headers(method, url, query, payload_hash, headers)
            try:
                response = await self._client.request(method, target, content=body or None, headers=signed)
            except httpx2.HTTPError as exc:
                detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            else:
                if response.status_code in ok:
                    return response
                detail = f"HTTP {response.status_code}" + _s3_error(response.content)
                if response.status_code < 500:
                    break
            await anyio.sleep(0.2 * 2**attempt)
        raise self._error(doing, detail)

    async def put_file(self, key: str, path: Path, content_type: str, part_size: int = 0) -> None:
        """Upload a file: one PUT when it fits one part (PART_SIZE), else a multipart upload read part
        by part (memory: one part), aborted if any part fails."""
        part_size = part_size or PART_SIZE
        size = path.stat().st_size
        meta = {"content-type": content_type}
        if size <= part_size:
            data = await anyio.Path(path).read_bytes()
            await self.request("PUT", key, body=data, headers=meta, doing="write to")
            return
        created = await self.request("POST", key, query={"uploads": ""}, headers=meta, doing="write to")
        upload_id = _xml_field(created.content, "UploadId")
        if not upload_id:
            raise self._error("write to", "no UploadId in the answer to CreateMultipartUpload")
        try:
            parts: list[tuple[int, str]] = []
            async with await anyio.open_file(path, "rb") as f:
                number = 1
                while chunk := await f.read(part_size):
                    answer = await self.request(
                        "PUT",
                        key,
                        query={"partNumber": str(number), "uploadId": upload_id},
                        body=chunk,
                        doing="write to",
                    )
                    parts.append((number, answer.headers.get("etag", "")))
                    number += 1
                    del chunk
            listing = "".join(
                f"<Part><PartNumber>{n}</PartNumber><ETag>{_xml_escape(e)}</ETag></Part>" for n, e in parts
            )
            body = f"<CompleteMultipartUpload>{listing}</CompleteMultipartUpload>".encode()
            done = await self.request("POST", key, query={"uploadId": upload_id}, body=body, doing="write to")
            if b"<Error>" in done.content:  # S3 may report a failed completion inside a 200
                raise self._error("write to", "completing the upload failed" + _s3_error(done.content))
        except BaseException:
            with anyio.CancelScope(shield=True), anyio.move_on_after(30):
                try:
                    await self.request(
                        "DELETE", key, query={"uploadId": upload_id}, ok=(200, 204), doing="clean up"
                    )
                except StorageError:
                    pass
            raise

    def check_write(self, key: str) -> None:
        """Write and delete a probe object, synchronously (from a worker thread or the doctor)."""
        try:
            with httpx2.Client(timeout=TIMEOUT, trust_env=False) as client:
                for method, body in (("PUT", b"ok"), ("DELETE", b"")):
                    url = self.url(key)
                    payload = hashlib.sha256(body).hexdigest()
                    headers = self.signer.headers(method, url, {}, payload)
                    response = client.request(method, url, content=body or None, headers=headers)
                    if response.status_code not in (200, 204):
                        detail = f"HTTP {response.status_code}" + _s3_error(response.content)
                        raise self._error("write to", detail)
        except httpx2.HTTPError as exc:
            raise self._error("write to", type(exc).__name__) from None

    async def head(self, key: str) -> dict[str, str] | None:
        """The object's headers, or None when there is no such object."""
        response = await self.request("HEAD", key, ok=(200, 404), doing="read")
        return None if response.status_code == 404 else dict(response.headers)

    async def get(self, key: str) -> bytes:
        return (await self.request("GET", key, doing="read")).content

    async def delete(self, key: str) -> None:
        await self.request("DELETE", key, ok=(200, 204), doing="write to")


def _xml_field(body: bytes, name: str) -> str:
    found = re.search(rf"<{name}>([^<]*)</{name}>".encode(), body)
    return found.group(1).decode() if found else ""


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _s3_error(body: bytes) -> str:
    code, message = _xml_field(body, "Code"), _xml_field(body, "Message")
    return f": {code}" + (f" {message[:200]}" if message else "") if code else ""


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, key prefix without slashes at either end) of `s3://bucket/prefix`."""
    parts = urlsplit(url)
    return parts.netloc, parts.path.strip("/")
