"""Start-up stays light: building the server loads no provider code and touches no network."""

from __future__ import annotations

import json
import subprocess
import sys


def test_building_the_server_imports_no_provider_module(tmp_path):
    code = (
        "import sys, json; from mcp_ai_hub.server import build_server; build_server(); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('mcp_ai_hub.providers') "
        "or m in ('sqlite3',))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
