"""Build the Claude Desktop bundle: `python bundle/build.py [OUTPUT_DIR]` writes
`mcp-ai-hub-<version>.mcpb` (default into bundle/dist/) and prints its path.

An MCPB bundle is a zip with `manifest.json` at its root. This one is of server type `uv`
(manifest 0.4): it carries the project's source and pyproject.toml, and the host installs the
dependencies with uv, so one bundle serves every platform. The files are written in a fixed order
with fixed timestamps: the same tree builds the same bytes.
"""

from __future__ import annotations

import json
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bundle"
# (source, name in the bundle); directories are walked
CONTENTS = [
    (HERE / "manifest.json", "manifest.json"),
    (HERE / "server" / "main.py", "server/main.py"),
    (ROOT / "pyproject.toml", "pyproject.toml"),
    (ROOT / "README.md", "README.md"),
    (ROOT / "mcp_ai_hub", "mcp_ai_hub"),
    (ROOT / "manifests", "manifests"),
]
SKIP_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache"}
SKIP_SUFFIXES = {".pyc", ".pyo"}
EPOCH = (1980, 1, 1, 0, 0, 0)


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def files() -> Iterator[tuple[Path, str]]:
    """Every (source file, name in the bundle), sorted by name."""
    found: list[tuple[Path, str]] = []
    for source, name in CONTENTS:
        if source.is_file():
            found.append((source, name))
            continue
        for path in source.rglob("*"):
            rel = path.relative_to(source)
            if path.is_file() and not SKIP_PARTS & set(rel.parts) and path.suffix not in SKIP_SUFFIXES:
                found.append((path, f"{name}/{rel.as_posix()}"))
    yield from sorted(found, key=lambda item: item[1])


def build(out_dir: Path) -> Path:
    manifest = json.loads((HERE / "manifest.json").read_text())
    version = project_version()
    if manifest["version"] != version:
        raise SystemExit(f"bundle/manifest.json has version {manifest['version']}, pyproject.toml {version}")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"mcp-ai-hub-{version}.mcpb"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for source, name in files():
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, source.read_bytes())
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "dist"))
