"""`mcp-ai-hub doctor` against the fakes: every key good; a key rejected (401, and Gemini's and xAI's
400); a provider unreachable; an unwritable output dir; the catalog models a listing no longer has."""

from __future__ import annotations

import io
import socket
import subprocess
import sys

from mcp_ai_hub.config import Settings
from mcp_ai_hub.doctor import run_doctor

ALL = ("openai", "anthropic", "gemini", "xai", "elevenlabs", "wavespeed", "fal", "together")


def doctor(env: dict[str, str], workdir) -> tuple[int, str]:
    out = io.StringIO()
    status = run_doctor(Settings.load(environ=env, cwd=workdir), out)
    return status, out.getvalue()


def lines_of(text: str) -> dict[str, str]:
    return {line.split()[0]: line for line in text.splitlines() if line.strip()}


def test_every_key_good_passes_and_names_each_provider(hub_env, fakes, workdir):
    status, text = doctor(hub_env(*ALL), workdir)
    lines = lines_of(text)
    assert status == 0, text
    for name in ALL:
        assert lines[name].split()[1] == "ok", lines[name]
    assert "output dir" in text and "writable" in text and text.rstrip().endswith("All checks passed.")
    assert all(len(fakes[name].requests) >= 1 for name in ALL)  # one real, authenticated call each
    assert not any(fake.key in text for fake in fakes.fakes.values())


def test_rejected_keys_fail_with_their_code_and_no_key_shown(hub_env, fakes, workdir):
    env = hub_env("openai", "gemini", "xai", "anthropic")
    env.update(
        OPENAI_API_KEY="sk-wrong-key-1234567890",
        GEMINI_API_KEY="AIza-wrong-0987654321",
        XAI_API_KEY="xai-wrong-key-5555555555",
    )
    status, text = doctor(env, workdir)
    lines = lines_of(text)
    assert status == 1
    for name in ("openai", "gemini", "xai"):  # 401, and 400 for a bad key (Gemini, xAI)
        assert "key rejected: [provider_auth]" in lines[name], lines[name]
    assert lines["anthropic"].split()[1] == "ok"
    for secret in (
        "sk-wrong-key-1234567890",
        "AIza-wrong-0987654321",
        "xai-wrong-key-5555555555",
        "wrong-key",
    ):
        assert secret not in text
    assert text.rstrip().endswith("Some checks failed.")


def test_an_unreachable_provider_fails(hub_env, workdir):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = hub_env("together", TOGETHER_BASE_URL=f"http://127.0.0.1:{port}/v1")
    status, text = doctor(env, workdir)
    assert status == 1
    assert "unreachable: [provider_" in lines_of(text)["together"]


def test_an_unwritable_output_dir_fails_and_no_keys_is_said(hub_env, workdir):
    (workdir / "file").write_text("x")
    status, text = doctor(hub_env(AI_HUB_OUTPUT_DIR=str(workdir / "file" / "out")), workdir)
    assert status == 1
    assert "No provider key is set" in text
    assert "[storage_error]" in text and "AI_HUB_OUTPUT_DIR" in text


def test_models_a_listing_no_longer_has_are_named(hub_env, fakes, workdir, monkeypatch):
    monkeypatch.setattr(fakes["anthropic"], "model_ids", ())
    status, text = doctor(hub_env("anthropic"), workdir)
    assert status == 0  # the key works; the catalog is what is out of date
    assert "no longer listed or retired: anthropic/" in text


def test_the_command_exits_non_zero_when_a_key_fails(hub_env, workdir):
    env = hub_env("openai", OPENAI_API_KEY="sk-wrong-key-1234567890", PATH="/usr/bin:/bin")
    done = subprocess.run(
        [sys.executable, "-m", "mcp_ai_hub", "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=workdir,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "openai" in done.stdout and "key rejected" in done.stdout
