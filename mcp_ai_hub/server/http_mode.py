"""Streamable HTTP mode: who may connect, and the ASGI app that enforces it.

- Bound to a loopback address (the default, 127.0.0.1), the server is reachable from this machine
  only; `AI_HUB_HTTP_TOKEN`, when set, is required anyway.
- Bound to any other address (e.g. `--host 0.0.0.0` for a team), `AI_HUB_HTTP_TOKEN` is required:
  without it the server refuses to start. Every request must then carry
  `Authorization: Bearer <token>` (401 otherwise, compared in constant time).
- Host and Origin checks (DNS-rebinding protection) are always on: the Host header must name a
  loopback address, the bind address, this machine's host name or a name listed in
  `AI_HUB_HTTP_ALLOWED_HOSTS` (421 otherwise); a browser Origin must be http(s) on one of them
  (403 otherwise). List the names a proxy or a team reaches the server by in that setting.
- `POST /webhooks/...` (providers' job callbacks, `webhooks.py`) is the one path outside the bearer
  token and the Host checks: providers can send neither; each delivery is checked by its job's own
  token and the provider's signature instead. The access log shows those paths without the token.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import socket
from typing import TYPE_CHECKING

from mcp.server.transport_security import TransportSecuritySettings

from ..config import SettingsError
from .webhooks import PREFIX as WEBHOOKS

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer
    from starlette.types import ASGIApp, Receive, Scope, Send

    from ..config import Settings

TOKEN_VAR = "AI_HUB_HTTP_TOKEN"
HOSTS_VAR = "AI_HUB_HTTP_ALLOWED_HOSTS"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
MIN_TOKEN_LENGTH = 16


def is_loopback(host: str) -> bool:
    """`host` (a bind address or name) is this machine only."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def http_token(settings: Settings, host: str) -> str:
    """The bearer token clients must send ("" for none); SettingsError when the bind address is not
    loopback and no usable token is set."""
    token = settings.env.get(TOKEN_VAR, "").strip()
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise SettingsError(f"{TOKEN_VAR} is too short: use at least {MIN_TOKEN_LENGTH} random characters "
                            "(e.g. from `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    if not token and not is_loopback(host):
        raise SettingsError(f"refusing to serve HTTP on {host} without authentication: set {TOKEN_VAR} "
                            "(clients then send 'Authorization: Bearer <token>'), or bind to 127.0.0.1")
    return token


def allowed_hosts(settings: Settings, host: str) -> list[str]:
    """Host header values the server answers to (each with any port)."""
    names: list[str] = list(LOOPBACK_NAMES)
    bind = host.strip()
    if bind and not ipaddress_is_unspecified(bind):
        names.append(f"[{bind.strip('[]')}]" if ":" in bind.strip("[]") else bind)
    if not is_loopback(host):
        names.append(socket.gethostname().lower())
    for raw in settings.env.get(HOSTS_VAR, "").split(","):
        name = raw.strip().lower()
        if name:
            names.append(name)
    names = list(dict.fromkeys(names))
    return [*names, *(f"{n}:*" for n in names)]


def ipaddress_is_unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def transport_security(settings: Settings, host: str) -> TransportSecuritySettings:
    hosts = allowed_hosts(settings, host)
    origins = [f"{scheme}://{h}" for h in hosts for scheme in ("http", "https")]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                     allowed_origins=origins)


class BearerAuth:
    """ASGI middleware: HTTP requests must carry the bearer token; lifespan events pass through."""

    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not str(scope.get("path", "")).startswith(WEBHOOKS):
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                body = b'{"error": "unauthorized: send Authorization: Bearer <AI_HUB_HTTP_TOKEN>"}'
                await send({"type": "http.response.start", "status": 401, "headers": [
                    (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Bearer realm="mcp-ai-hub"')]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class HideWebhookTokens(logging.Filter):
    """Blanks the `t=` token of webhook URLs in uvicorn's access log lines."""

    TOKEN = re.compile(r"([?&]t=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.TOKEN.sub(r"\1***", a) if isinstance(a, str) and WEBHOOKS in a else a
                                for a in record.args)
        return True


def http_app(server: MCPServer, settings: Settings, host: str) -> ASGIApp:
    """The Streamable HTTP app at /mcp, with the checks above; SettingsError when it may not run."""
    token = http_token(settings, host)
    app: ASGIApp = server.streamable_http_app(
        streamable_http_path="/mcp", transport_security=transport_security(settings, host), host=host)
    return BearerAuth(app, token) if token else app


def serve_http(server: MCPServer, settings: Settings, host: str, port: int) -> None:
    """Run the HTTP app under uvicorn until interrupted (logs go to stderr)."""
    import anyio
    import uvicorn

    app = http_app(server, settings, host)
    logging.getLogger("uvicorn.access").addFilter(HideWebhookTokens())
    config = uvicorn.Config(app, host=host, port=port, log_level=server.settings.log_level.lower())
    anyio.run(uvicorn.Server(config).serve)
