"""An output or state directory that cannot be written: [storage_error] before anything billed is
sent; a job whose directory breaks after the provider finished keeps the provider's result URLs
and saves them once the directory is back; an unusable state dir leaves the other tools working
and the server shutting down without a traceback."""

from __future__ import annotations

import logging
import shutil

import anyio
import pytest

from mcp_ai_hub.errors import StorageError
from mcp_ai_hub.jobs.sqlite_store import SqliteJobStore
from tests.test_jobs_manager import fal_spec, make_hub

pytestmark = pytest.mark.anyio

CALLS = [
    ("openai", "generate_image", {"prompt": "a cat", "model": "openai/gpt-image-2.6-sunburst"}),
    ("openai", "synthesize_speech", {"text": "Hello.", "model": "openai/gpt-4o-mini-tts"}),
    ("fal", "generate_video", {"prompt": "a fox", "model": "fal/fal-ai/minimax/video-01", "wait_seconds": 0}),
]


@pytest.mark.parametrize(("provider", "tool", "args"), CALLS, ids=[c[1] for c in CALLS])
async def test_an_output_dir_under_a_regular_file_is_a_storage_error_with_nothing_sent(
        provider, tool, args, connect, hub_env, fakes, workdir):
    (workdir / "blocker").write_text("a file, not a directory")
    bad = workdir / "blocker" / "out"  # cannot be created, even by root
    async with connect(hub_env(provider, AI_HUB_OUTPUT_DIR=str(bad))) as client:
        result = await client.call_tool(tool, args)
        models = await client.call_tool("list_models", {})
    text = result.content[0].text
    assert result.is_error and text.startswith("[storage_error]"), text
    assert str(bad) in text and "AI_HUB_OUTPUT_DIR" in text
    assert fakes[provider].requests == []  # nothing billed
    assert not models.is_error  # the server keeps answering


def test_a_read_only_output_dir_fails_the_check(workdir):
    """The same check on a read-only directory (skipped where the user ignores permissions: root)."""
    import os

    from mcp_ai_hub.config import Settings
    from mcp_ai_hub.media import MediaStore

    out = workdir / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        settings = Settings.load(environ={"AI_HUB_OUTPUT_DIR": str(out), "HOME": str(workdir)}, cwd=workdir)
        with pytest.raises(StorageError, match="AI_HUB_OUTPUT_DIR"):
            MediaStore(settings).check_writable()
    finally:
        out.chmod(0o700)


async def test_a_job_whose_output_dir_breaks_keeps_the_result_urls_and_saves_when_it_is_back(
        hub_env, fakes, workdir):
    out = workdir / "out"
    hub = make_hub(hub_env("fal", AI_HUB_POLL_INTERVAL="0.01", AI_HUB_OUTPUT_DIR=str(out)), workdir)
    try:
        async with hub.jobs.running():
            job = await hub.jobs.start("image", "fal", "fal-ai/flux/dev", fal_spec(num_images=1))
            shutil.rmtree(out, ignore_errors=True)
            out.write_text("the directory is gone")  # no await since start: nothing saved yet
            with anyio.fail_after(10):
                while "saving failed" not in (job := await hub.jobs.wait(job.job_id, 0.05)).message:
                    pass
            assert job.status == "running" and "[storage_error]" in job.message
            assert fakes['fal'].base_url + "/" in job.message  # the paid result's URL
            assert job.pending and not job.outputs

            out.unlink()
            out.mkdir()
            done = await hub.jobs.wait(job.job_id, 5)  # get_job's wait retries the save at once
            assert done.status == "succeeded", done.message
            assert [p.parent for p in out.iterdir()] == [out] and len(done.outputs) == 1
            assert len(fakes["fal"].calls("/queue/fal-ai/flux/dev$", "POST")) == 1  # never resubmitted
    finally:
        await hub.aclose()


async def test_an_unusable_state_dir_says_so_once_and_job_tools_answer_storage_error(
        connect, hub_env, fakes, workdir, caplog):
    (workdir / "blocker").write_text("x")
    state = workdir / "blocker" / "state"
    with pytest.raises(StorageError, match="AI_HUB_STATE_DIR"):
        SqliteJobStore(state / "jobs.sqlite3").check_writable()
    caplog.set_level(logging.WARNING)
    async with connect(hub_env("fal", AI_HUB_STATE_DIR=str(state))) as client:
        started = await client.call_tool("generate_video", CALLS[2][2])
        listed = await client.call_tool("list_jobs", {})
        models = await client.call_tool("list_models", {})
    for result in (started, listed):
        assert result.is_error and result.content[0].text.startswith("[storage_error]"), result.content[
            0
        ].text
        assert "AI_HUB_STATE_DIR" in result.content[0].text
    assert fakes["fal"].requests == [] and not models.is_error
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("jobs cannot be stored" in r.getMessage() for r in problems)
    assert all(r.exc_info is None for r in problems)  # one line each, no traceback (shutdown included)
