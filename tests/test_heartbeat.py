"""While a provider says nothing, clients still hear from the hub: progress notifications at
least every 2 s (a client with a short timeout and reset-on-progress must not give up), checked
over 10 s of a job whose provider reports no change at all."""

from __future__ import annotations

import itertools
import time

import pytest

from mcp_ai_hub.jobs import manager
from mcp_ai_hub.server import progress

pytestmark = pytest.mark.anyio

SILENCE = 10.0


def test_the_heartbeats_are_at_most_two_seconds_apart():
    assert progress.HEARTBEAT_SECONDS <= 2.0 and manager.HEARTBEAT <= 2.0


async def test_a_job_with_ten_silent_seconds_gets_progress_every_two_seconds(connect, hub_env, fakes):
    fakes["fal"].state.update(hold=True, steps=["running"] * 3 + ["done"])  # "running", then nothing new
    arrivals: list[float] = []

    async def on_progress(value, total, message):
        arrivals.append(time.monotonic())

    async with connect(hub_env("fal", AI_HUB_POLL_INTERVAL="0.5")) as client:
        started = time.monotonic()
        result = await client.call_tool(
            "generate_video",
            {"prompt": "waves", "model": "fal/fal-ai/minimax/video-01", "wait_seconds": int(SILENCE)},
            progress_callback=on_progress,
        )
        ended = time.monotonic()
    assert not result.is_error and result.structured_content["status"] == "running"
    statuses = fakes["fal"].calls("/status$", "GET")
    assert len(statuses) >= 5  # polled all along, always the same answer
    gaps = [b - a for a, b in itertools.pairwise([started, *arrivals, ended])]
    assert ended - started >= SILENCE - 0.5
    assert max(gaps) <= progress.HEARTBEAT_SECONDS + 0.5, gaps  # slack for a loaded machine
    assert len(arrivals) >= SILENCE / progress.HEARTBEAT_SECONDS - 1
