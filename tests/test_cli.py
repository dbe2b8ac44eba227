"""The command line: --version, --help, `models` as a table and as JSON, a bad manifest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mcp_ai_hub import __version__


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mcp_ai_hub", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=cwd,
    )


def test_version_and_help():
    assert run("--version").stdout.strip() == f"mcp-ai-hub {__version__}"
    help_text = run("--help").stdout
    assert "--transport" in help_text and "models" in help_text


def test_models_table_marks_providers_with_keys(tmp_path):
    (tmp_path / ".env").write_text("FAL_KEY=abc123\n# a comment\nexport XAI_API_KEY='xyz'\n")
    out = run("models", cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}).stdout
    header, *rows = out.splitlines()
    assert header.split()[:2] == ["MODEL", "CAPABILITIES"]
    fal_row = next(r for r in rows if r.startswith("fal/fal-ai/flux/dev "))
    openai_row = next(r for r in rows if r.startswith("openai/gpt-5.2 "))
    assert fal_row.split()[-1] == "yes" and openai_row.split()[-1] == "-"
    assert "from 8 providers" in out


def test_models_json_filters(tmp_path):
    out = run("models", "--json", "--capability", "transcription", cwd=tmp_path,
              env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    data = json.loads(out.stdout)
    assert data["models"] and all("transcription" in m["capabilities"] for m in data["models"])
    assert {m["provider"] for m in data["models"]} >= {"openai", "elevenlabs", "gemini", "fal"}


def test_registry_entry_matches_the_package():
    from mcp_ai_hub.catalog import manifests_dir
    from mcp_ai_hub.providers.registry import Registry

    entry = json.loads((manifests_dir() / "server.json").read_text())
    package = entry["packages"][0]
    assert entry["version"] == package["version"] == __version__
    declared = {v["name"] for v in package["environmentVariables"]}
    assert {spec.key_vars[0] for spec in Registry.builtin()} <= declared
    for client in ("cursor.json", "claude-code.json"):
        config = json.loads((manifests_dir() / "clients" / client).read_text())
        assert config["mcpServers"]["ai-hub"]["args"] == ["mcp-ai-hub"]
