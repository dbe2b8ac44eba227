"""Shared fixtures: the no-internet guard, the loopback fake cloud, and MCP clients of the hub
in both protocol generations."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.fakes import FakeCloud


class NetworkGuardError(RuntimeError):
    pass


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple):  # unix sockets and the like
        return True
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(address):
        raise NetworkGuardError(f"test tried to reach a non-loopback address: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_loopback(address):
        raise NetworkGuardError(f"test tried to reach a non-loopback address: {address!r}")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def cloud() -> FakeCloud:
    cloud = FakeCloud().start()
    yield cloud
    cloud.stop()


@pytest.fixture
def fakes(cloud: FakeCloud) -> FakeCloud:
    cloud.reset()
    yield cloud
    cloud.reset()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A working directory for the hub with its own output and state dirs."""
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


@pytest.fixture
def hub_env(fakes: FakeCloud, workdir: Path) -> Callable[..., dict[str, str]]:
    """`hub_env("openai", ...)`: an environment pointing at the fakes with keys for those providers."""

    def make(*providers: str, **extra: str) -> dict[str, str]:
        env = fakes.env(*providers) if providers else {k: v for k, v in fakes.env().items() if "KEY" not in k}
        # no background listing fetch: it would add requests to the fakes' logs (tests/test_lifecycle.py
        # turns it on where it is under test); input URLs may reach the fakes, which are all on loopback
        # (tests/test_url_guard.py runs without this)
        env.update(
            {
                "AI_HUB_STATE_DIR": str(workdir / "state"),
                "HOME": str(workdir),
                "AI_HUB_LISTING_TTL": "0",
                "AI_HUB_ALLOW_PRIVATE_URLS": "1",
            }
        )
        env.update(extra)
        return env

    return make


GENERATIONS = ("auto", "legacy")  # 2026-07-28 (auto) and the initialize handshake (legacy)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`mode` is the protocol generation of the `connect` client: both generations for tests marked
    `both_generations` (where the MCP layer is under test), the current one for the rest (provider
    wire tests, whose protocol generation does not matter)."""
    if "mode" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_generations") is not None
        metafunc.parametrize("mode", GENERATIONS if both else GENERATIONS[:1])


@pytest.fixture
def connect(workdir: Path, mode: str):
    """`async with connect(env) as client`: an in-memory MCP client of a hub built from `env` (over
    `registry`, when given: the built-in providers plus any registered on it)."""
    from mcp import Client

    from mcp_ai_hub.config import Settings
    from mcp_ai_hub.server import build_server

    @asynccontextmanager
    async def open_client(env: dict[str, str], registry=None, **client_kwargs) -> AsyncIterator[Client]:
        server = build_server(Settings.load(environ=env, cwd=workdir, registry=registry))
        async with Client(server, mode=mode, **client_kwargs) as client:
            yield client

    return open_client
