"""Saving one output of a finished job into the output directory, streamed to disk:
`data:` URIs are decoded, public URLs downloaded, and URLs that need the provider's key (Veo
files, Sora content) fetched with it while redirects are followed by hand, so the key never
reaches another origin (signed storage URLs need no key)."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes, urljoin, urlparse

from ..errors import InvalidArgument, ProviderUnavailable

if TYPE_CHECKING:
    from ..context import ProviderContext
    from ..http import ProviderApi
    from ..media import Media
    from .backend import OutputRef

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


def _origin(url: str) -> tuple[str, str]:
    parts = urlparse(url)
    return parts.scheme, parts.netloc


async def save_output(hub: ProviderContext, api: ProviderApi, ref: OutputRef) -> Media:
    """Save `ref` as a new file and return its media; `source_url` keeps the provider's URL.
    `api` is the provider's (its name labels the file; its auth goes with `ref.auth` URLs)."""
    provider = api.name
    if ref.url.startswith("data:"):
        header, _, payload = ref.url[5:].partition(",")
        try:
            data = base64.b64decode(payload) if ";base64" in header else unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            raise InvalidArgument(f"{provider} returned an undecodable data URI") from None
        return await hub.media.save_bytes(data, provider, mime_hint=header.split(";")[0] or ref.mime_type)
    if not ref.auth:
        return await hub.media.download(hub.http, ref.url, provider)
    key, url = hub.key(provider), ref.url
    for _ in range(MAX_REDIRECTS):
        async with hub.http.stream(api, key, "GET", url, follow_redirects=False) as response:
            location = response.headers.get("location")
            if response.status_code in REDIRECTS and location:
                target = urljoin(url, location)
                if _origin(target) != _origin(url):
                    media = await hub.media.download(hub.http, target, provider)
                    media.source_url = ref.url
                    return media
                url = target
                continue
            hint = response.headers.get("content-type", "").split(";")[0].strip() or ref.mime_type
            return await hub.media.save_stream(
                response.aiter_bytes(), provider, mime_hint=hint, source_url=ref.url
            )
    raise ProviderUnavailable(f"{provider} redirected the download too often", provider=provider)
