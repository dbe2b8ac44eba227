"""A wheel built from the repository works from a fresh virtual environment, away from the checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("mcp_ai_hub-*.whl"))


def test_wheel_ships_every_manifest(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for provider in ("openai", "anthropic", "gemini", "xai", "elevenlabs", "wavespeed", "fal", "together"):
        assert f"mcp_ai_hub/manifests/providers/{provider}.toml" in names
    assert "mcp_ai_hub/manifests/presets.toml" in names


def test_installed_wheel_lists_all_eight_providers(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)  # this environment's pip installs into it (no ensurepip run)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # dependencies come from this environment's site-packages; the project itself only from the wheel
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = subprocess.run(
        [str(env_dir / "bin" / "mcp-ai-hub"), "models", "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=work,
        env={"PATH": "/usr/bin:/bin", "HOME": str(work)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {m["provider"] for m in data["models"]} == {
        "openai", "anthropic", "gemini", "xai", "elevenlabs", "wavespeed", "fal", "together"}
    where = subprocess.run([str(py), "-c", "import mcp_ai_hub, sys; print(mcp_ai_hub.__file__)"], cwd=work,
                           capture_output=True, text=True, check=True).stdout
    assert str(ROOT) not in where and "site-packages" in where
