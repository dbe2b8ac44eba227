"""fal storage: turning an input file into a URL fal endpoints can read.

http(s) URLs are passed as they are. Local files and data URIs are uploaded (fal-client 1.0.3's
flow): `POST {FAL_REST_URL}/storage/auth/token?storage_type=fal-cdn-v3` with `{}` gives
`{token, token_type, base_url}`; then `POST {base_url}/files/upload` with
`Authorization: <token_type> <token>`, the file's Content-Type and `X-Fal-File-Name`, and the raw
bytes streamed from disk, gives `{"access_url"}`. One request per file (fal's multipart flow is
for files over 100 MB, which inputs here never need).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx2

from ...errors import ProviderUnavailable
from ...http import ProviderApi, json_of
from .api import API, parse_error

if TYPE_CHECKING:
    from ...context import ProviderContext
    from ...inputs import InputFile

TOKEN_TIMEOUT = httpx2.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
UPLOAD_TIMEOUT = httpx2.Timeout(connect=10.0, read=120.0, write=300.0, pool=10.0)
# the CDN takes the short-lived token, not the fal key
CDN_API = ProviderApi("fal", lambda token: {"Authorization": token}, parse_error)


async def upload(hub: ProviderContext, item: InputFile) -> str:
    """A URL fal can fetch `item` from."""
    if item.is_url:
        return item.url
    client = hub.client("fal")
    response = await client.request("POST", f"{client.base('FAL_REST_URL')}/storage/auth/token",
                                    params={"storage_type": "fal-cdn-v3"}, json={}, timeout=TOKEN_TIMEOUT)
    token = json_of(response, API, "storage token")
    if not isinstance(token, dict) or not token.get("token") or not token.get("base_url"):
        raise ProviderUnavailable("fal storage returned no upload token", provider="fal")
    headers = {"Content-Type": item.mime_type, "X-Fal-File-Name": item.name}
    if item.size is not None:
        headers["Content-Length"] = str(item.size)
    response = await hub.http.request(
        CDN_API, f"{token.get('token_type') or 'Bearer'} {token['token']}", "POST",
        f"{str(token['base_url']).rstrip('/')}/files/upload", content=item.stream(), headers=headers,
        retry="none", timeout=UPLOAD_TIMEOUT,
    )
    url = json_of(response, API).get("access_url")
    if not url:
        raise ProviderUnavailable(
            "fal storage accepted the upload but returned no access_url", provider="fal"
        )
    return str(url)
