"""The fake-provider machinery: an ASGI app per provider that checks the provider's real auth
header, records every request, and plays injected faults, served on a real loopback socket.

A provider fake is a `FakeProvider` subclass in `tests/fakes/<provider>.py` (auth, error body,
model listing); capability endpoints live in `tests/fakes/<provider>_<capability>.py` modules whose
`routes(fake)` return Starlette routes. Every such module is picked up automatically.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import pkgutil
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router


@dataclass
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def multipart(self) -> dict[str, Any]:
        """Form fields of a multipart body: str for fields, (filename, content_type, bytes) for files."""
        ctype = self.headers.get("content-type", "")
        boundary = re.search(r"boundary=\"?([^\";]+)\"?", ctype)
        assert boundary, f"not multipart: {ctype}"
        fields: dict[str, Any] = {}
        for part in self.body.split(b"--" + boundary.group(1).encode())[1:-1]:
            head, _, data = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
            data = data[:-2] if data.endswith(b"\r\n") else data
            disp = re.search(rb'name="([^"]*)"(?:; filename="([^"]*)")?', head)
            assert disp, head
            ptype = re.search(rb"(?i)content-type:\s*([^\r\n]+)", head)
            name = disp.group(1).decode()
            if disp.group(2) is not None:
                value: Any = (disp.group(2).decode(), ptype.group(1).decode() if ptype else "", data)
            else:
                value = data.decode()
            if name in fields:
                prev = fields[name]
                fields[name] = (prev if isinstance(prev, list) else [prev]) + [value]
            else:
                fields[name] = value
        return fields


@dataclass
class Fault:
    """An injected misbehaviour for requests whose path matches `path` (a regex, searched)."""

    path: str
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    malformed: bool = False
    times: int = 1
    method: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and re.search(self.path, path) is not None


class FakeProvider:
    """Base of every provider fake; subclasses set `name`, `auth_ok`, `auth_error` and `base_routes`."""

    name = ""
    public_prefixes: tuple[str, ...] = ("/cdn/",)  # paths served without auth (a CDN)
    # models the real provider has shut down: a request naming one gets `model_missing` (the hub must
    # refuse them with [model_retired] before sending anything)
    retired: tuple[str, ...] = ()

    def __init__(self) -> None:
        # random-looking like a real key: redaction hides any 6-character run of a key, so a key made of
        # words ("openai") would hide those words everywhere
        self.key = "fk-" + hashlib.sha256(self.name.encode()).hexdigest()[:32]
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.state: dict[str, Any] = {}
        self.base_url = ""  # http://127.0.0.1:PORT, set when served
        self.disconnects: list[str] = []  # paths whose client went away mid-response
        self.files: dict[str, tuple[bytes, str]] = {}  # name -> (bytes, content type), served at /cdn/{name}
        cdn = Route("/cdn/{name:path}", self._cdn, methods=["GET"])
        self.router = Router(routes=self.base_routes() + self._capability_routes() + [cdn])

    # --- to override -------------------------------------------------------------------------
    def auth_ok(self, request: Recorded) -> bool:
        raise NotImplementedError

    def auth_error(self) -> Response:
        raise NotImplementedError

    def base_routes(self) -> list[Route]:
        return []

    def hub_env(self) -> dict[str, str]:
        """Environment variables pointing the hub at this fake."""
        raise NotImplementedError

    def model_missing(self, model: str) -> Response:
        """The provider's answer to a request naming a model it no longer serves."""
        return JSONResponse({"error": {"message": f"model {model} not found"}}, 404)

    # --- helpers for tests -------------------------------------------------------------------
    def inject(self, path: str, **kwargs: Any) -> Fault:
        fault = Fault(path=path, **kwargs)
        self.faults.append(fault)
        return fault

    def publish(self, name: str, data: bytes, content_type: str) -> str:
        """Serve `data` at a public (no auth) URL on this fake, as a provider's CDN would."""
        self.files[name] = (data, content_type)
        return self.url(f"/cdn/{name}")

    async def _cdn(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.files:
            return Response(b"not found", 404)
        data, ctype = self.files[name]
        return Response(data, 200, media_type=ctype)

    def reset(self) -> None:
        self.files.clear()
        self.requests.clear()
        self.faults.clear()
        self.state.clear()
        self.disconnects.clear()

    def calls(self, path_regex: str = "", method: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if re.search(path_regex, r.path) and (method is None or r.method == method)
        ]

    def url(self, path: str) -> str:
        return self.base_url + path

    def _capability_routes(self) -> list[Route]:
        routes: list[Route] = []
        package = importlib.import_module("tests.fakes")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.name.startswith(self.name + "_"):
                routes += importlib.import_module(f"tests.fakes.{info.name}").routes(self)
        return routes

    # --- ASGI --------------------------------------------------------------------------------
    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        rec = Recorded(
            scope["method"], scope["path"], parse_qs(scope["query_string"].decode()), headers, body
        )
        self.requests.append(rec)

        fault = next((f for f in self.faults if f.times > 0 and f.matches(rec.method, rec.path)), None)
        if fault:
            fault.times -= 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")],
                    }
                )
                await send({"type": "http.response.body", "body": b'{"partial": ', "more_body": True})
                raise ConnectionAbortedError("fault: dropped connection")
            if fault.malformed:
                await Response(b"{not json", 200, media_type="application/json")(scope, receive, send)
                return
            if fault.status is not None:
                payload = fault.body
                response = (
                    JSONResponse(payload, fault.status, headers=fault.headers)
                    if not isinstance(payload, bytes)
                    else Response(payload, fault.status, headers=fault.headers)
                )
                await response(scope, receive, send)
                return

        if not rec.path.startswith(self.public_prefixes) and not self.auth_ok(rec):
            await self.auth_error()(scope, receive, send)
            return

        model = requested_model(rec)
        if model and model in self.retired:
            await self.model_missing(model)(scope, receive, send)
            return

        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            message = await receive()
            if message.get("type") == "http.disconnect":
                self.disconnects.append(rec.path)
            return message

        async def watch_send(message: dict) -> None:
            try:
                await send(message)
            except Exception:
                self.disconnects.append(rec.path)
                raise

        scope = dict(scope, state={"fake": self, "recorded": rec})
        try:
            await self.router(scope, replay, watch_send)
        except (OSError, asyncio.CancelledError):
            self.disconnects.append(rec.path)
            raise


def requested_model(rec: Recorded) -> str:
    """The model a request names: `model`/`model_id` in a JSON or multipart body, or the path's
    `/models/{model}:method` (Gemini); "" when none."""
    found = re.search(r"/models/([^/:]+):", rec.path)
    if found:
        return found.group(1)
    ctype = rec.headers.get("content-type", "")
    try:
        fields = rec.multipart() if ctype.startswith("multipart/") else rec.json() if rec.body else {}
    except (ValueError, AssertionError):
        return ""
    value = (fields.get("model") or fields.get("model_id")) if isinstance(fields, dict) else None
    return value if isinstance(value, str) else ""


def fake_of(request: Request) -> FakeProvider:
    return request.scope["state"]["fake"]


class ServedApp:
    """Runs an ASGI app with uvicorn on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, app: Any):
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            threading.Event().wait(0.01)
        else:
            raise RuntimeError("fake server did not start")
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
