"""Start-up stays light: building the server reads the provider registry (each vendor's spec
module) but loads no provider code and touches no network."""

from __future__ import annotations

import json
import subprocess
import sys

from mcp_ai_hub.providers.registry import BUILTINS

CODE = (
    "import sys, json; from mcp_ai_hub.server import build_server; build_server(); "
    "print(json.dumps(sorted(m for m in sys.modules if m.startswith('mcp_ai_hub.providers') "
    "or m in ('sqlite3',))))"
)


def _loaded(tmp_path, **env: str) -> set[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env}
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60,
                         check=False, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout))


def test_building_the_server_imports_only_the_registry_and_spec_modules(tmp_path):
    specs = {f"mcp_ai_hub.providers.{name}{part}" for name in BUILTINS for part in ("", ".spec")}
    assert _loaded(tmp_path) == {"mcp_ai_hub.providers", "mcp_ai_hub.providers.registry"} | specs


def test_user_endpoints_add_only_their_spec_module_at_start_up(tmp_path):
    loaded = _loaded(tmp_path, AI_HUB_OPENAI_COMPATIBLE="local=http://127.0.0.1:9/v1")
    assert {m for m in loaded if "endpoint" in m} == {"mcp_ai_hub.providers.endpoint",
                                                      "mcp_ai_hub.providers.endpoint.spec"}
    assert not any(m.endswith((".api", ".text", ".image", "openai_compat")) for m in loaded)
