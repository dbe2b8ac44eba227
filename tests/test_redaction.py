"""A key a provider echoes back (cut, upper-cased, without dashes) shows nowhere: not in result
texts, not in structured content, not in the job database, not in the log."""

from __future__ import annotations

import io
import json
import logging

import pytest

from mcp_ai_hub.errors import redact_logs
from tests.fakes.fal_queue import default_result

pytestmark = [pytest.mark.anyio, pytest.mark.both_generations]


def echo_of(key: str) -> str:
    """How a provider might echo a key: a piece of it, upper-cased, dashes dropped."""
    return key.replace("-", "")[2:16].upper()


def assert_hidden(key: str, blob: str) -> None:
    plain = blob.replace("-", "").replace("_", "").lower()
    for i in range(len(key) - 5):
        piece = key[i:i + 6].replace("-", "").lower()
        assert len(piece) < 6 or piece not in plain, f"{key[i:i + 6]!r} shows in {blob[:300]!r}"


async def test_an_echoed_key_in_a_reply_is_hidden_in_text_and_structured_content(connect, hub_env, fakes):
    fake = fakes["openai"]
    echo = echo_of(fake.key)
    fake.state["text"] = {"reply": f"Your key starts {echo} and that is all."}
    async with connect(hub_env("openai")) as client:
        result = await client.call_tool("generate_text", {"prompt": "hi", "model": "openai/gpt-5.2"})
    assert not result.is_error
    assert (
        "***" in result.structured_content["text"] and "and that is all" in result.structured_content["text"]
    )
    assert_hidden(fake.key, result.content[0].text)
    assert_hidden(fake.key, json.dumps(result.structured_content))


async def test_an_echoed_key_in_a_job_result_never_reaches_the_job_database(connect, hub_env, fakes, workdir):
    fake = fakes["fal"]
    echo = echo_of(fake.key)
    fake.state["results"] = {
        "fal-ai/minimax/video-01": lambda f, job: {**default_result(f, job), "note": echo}
    }
    fake.state["outcome"] = "error"
    async with connect(hub_env("fal", AI_HUB_POLL_INTERVAL="0.03")) as client:
        failed = await client.call_tool("generate_video", {
            "prompt": f"a fox (debug {echo})", "model": "fal/fal-ai/minimax/video-01", "wait_seconds": 20})
    assert failed.is_error
    fake.state["outcome"] = ""
    async with connect(hub_env("fal", AI_HUB_POLL_INTERVAL="0.03")) as client:
        done = await client.call_tool("generate_video", {
            "prompt": "a fox", "model": "fal/fal-ai/minimax/video-01", "wait_seconds": 20})
        listed = await client.call_tool("list_jobs", {})
    assert not done.is_error, done.content[0].text
    for result in (failed, done, listed):
        assert_hidden(fake.key, result.content[0].text + json.dumps(result.structured_content))
    database = b"".join(p.read_bytes() for p in (workdir / "state").rglob("*") if p.is_file())
    assert database, "no job database written"
    assert_hidden(fake.key, database.decode("utf-8", "replace"))


def test_the_log_redacts_messages_arguments_and_tracebacks():
    key = "sk-live-9f8e7d6c5b4a39281706"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        redact_logs(lambda: [key])
        log = logging.getLogger("mcp_ai_hub.test")
        log.warning("provider said %s", f"bad key {key.upper()}")
        try:
            raise RuntimeError(f"echo {key[3:20]}")
        except RuntimeError:
            log.exception("crashed")
    finally:
        root.removeHandler(handler)
    out = stream.getvalue()
    assert "provider said bad key ***" in out and "RuntimeError: echo ***" in out and "Traceback" in out
    assert_hidden(key, out)
