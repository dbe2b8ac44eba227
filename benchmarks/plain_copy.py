"""The baseline of the large-media figures: a plain streaming copy in its own Python process, with
the standard library only (1 MiB reads and writes, no event loop).

    python plain_copy.py download URL DEST
    python plain_copy.py upload URL FILE
"""

from __future__ import annotations

import http.client
import sys
from urllib.parse import urlparse

CHUNK = 1024 * 1024


def connect(url: str) -> tuple[http.client.HTTPConnection, str]:
    parts = urlparse(url)
    return http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=60
    ), parts.path or "/"


def download(url: str, dest: str) -> None:
    conn, path = connect(url)
    conn.request("GET", path)
    response = conn.getresponse()
    with open(dest, "wb") as f:
        while chunk := response.read(CHUNK):
            f.write(chunk)


def upload(url: str, source: str) -> None:
    import os

    conn, path = connect(url)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(os.path.getsize(source)))
    conn.endheaders()
    with open(source, "rb") as f:
        while chunk := f.read(CHUNK):
            conn.send(chunk)
    conn.getresponse().read()


if __name__ == "__main__":
    {"download": download, "upload": upload}[sys.argv[1]](sys.argv[2], sys.argv[3])
