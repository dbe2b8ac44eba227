"""Webhook deliveries of the fakes, as a provider's callback service makes them.

A job submitted with a webhook URL (fal's `fal_webhook`, WaveSpeed's `webhook`) gets an
`on_finish` callback: when the job ends (at the poll that sees it end, or on its own with
`state["finish_after"]`), the fake POSTs the provider's body, signed as the provider signs, from a
background thread. Each answer is recorded in `state["deliveries"]` as {url, status, body, headers}.

`state["finish_after"] = seconds`: jobs end that long after their submit without being polled
(polls before then see them running), so a test can tell a webhook from a poll.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from .base import FakeProvider
from .jobscript import ScriptedJob

Signed = Callable[[FakeProvider, ScriptedJob], tuple[bytes, dict[str, str]]]


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST `body` to `url`; the HTTP status of the answer (0 when none came)."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"content-type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def deliver(fake: FakeProvider, url: str, body: bytes, headers: dict[str, str]) -> int:
    status = post(url, body, headers)
    fake.state.setdefault("deliveries", []).append(
        {"url": url, "status": status, "body": body, "headers": headers}
    )
    return status


def expect_webhook(fake: FakeProvider, job: ScriptedJob, url: str, signed: Signed) -> None:
    """Deliver `signed(fake, job)` to `url` when `job` ends (see the module docstring)."""

    def on_finish() -> None:
        body, headers = signed(fake, job)
        threading.Thread(target=deliver, args=(fake, url, body, headers), daemon=True).start()

    job.extra["webhook"] = url
    job.extra["on_finish"] = on_finish
    ready_at = job.extra.get("ready_at")
    if ready_at is not None:  # ends on its own: the provider calls back without being polled
        timer = threading.Timer(max(0.0, ready_at - time.monotonic()), job.finish)
        timer.daemon = True
        timer.start()
