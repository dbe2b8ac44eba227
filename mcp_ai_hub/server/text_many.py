"""`generate_text` with `models`: the same request to several models at once (second opinions).

Every model is resolved and asked concurrently; one failing (an unknown id, a missing key, a
provider error) becomes an `error` in its entry and the call fails only when all fail. Progress
counts answers done, with a heartbeat while all are still out; cancelling the call cancels every
request (the task group closes each upstream stream).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import anyio

from ..capabilities import text as text_capability
from ..errors import HubError, InvalidArgument
from ..hub import Hub
from . import progress as progress_module
from .progress import CallProgress

MAX_MODELS = 6

# build_request's arguments other than the model
Ask = Callable[[str], tuple[Any, text_capability.TextRequest]]


def check_models(models: list[str], model: str) -> list[str]:
    """The ids to ask, in order; [invalid_argument] for an empty, repeated or excess entry."""
    ids = [m.strip() for m in models]
    if model.strip():
        raise InvalidArgument("give model or models, not both", hint="Put every model in models")
    if any(not m for m in ids):
        raise InvalidArgument("models has an empty entry", hint="Use provider/model ids or preset names")
    if len(ids) > MAX_MODELS:
        raise InvalidArgument(f"at most {MAX_MODELS} models per call (got {len(ids)})")
    if len(set(ids)) != len(ids):
        twice = sorted({m for m in ids if ids.count(m) > 1})
        raise InvalidArgument(f"models lists {', '.join(twice)} more than once")
    return ids


def failed_entry(name: str, exc: HubError) -> dict[str, Any]:
    return {
        "model": name,
        "provider": exc.provider,
        "text": "",
        "citations": [],
        "finish_reason": None,
        "usage": None,
        "cost_usd": None,
        "error": exc.render(),
    }


async def ask_all(
    hub: Hub, progress: CallProgress, ids: list[str], build: Ask
) -> tuple[list[dict[str, Any]], list[HubError]]:
    """Every model's entry, in the order given, and the errors of those that failed."""
    entries: list[dict[str, Any] | None] = [None] * len(ids)
    errors: list[HubError] = []
    total = float(len(ids))
    done = 0

    async def one(index: int, name: str) -> None:
        nonlocal done
        shown = name
        try:
            resolved, request = build(name)
            shown = resolved.full_id
            generator = hub.capability(resolved.provider, "text")
            result = await generator.generate_text(hub, resolved, request, None)
            entry = {**result.to_dict(), "error": None}
        except HubError as exc:
            errors.append(exc)
            entry = failed_entry(shown, exc)
        entries[index] = entry
        done += 1
        state = "failed" if entry["error"] else "answered"
        message = f"{done}/{len(ids)} answers ({entry['model']} {state})"
        await progress.report_progress(float(done), total, message)

    async def heartbeat() -> None:
        beats = 0
        while True:
            await anyio.sleep(progress_module.HEARTBEAT_SECONDS)
            beats += 1
            # creeps up within the current count, so it always increases and never reaches the next
            await progress.report_progress(
                done + min(0.9, beats * 0.01), total, f"{done}/{len(ids)} answers; waiting for the rest"
            )

    await progress.report_progress(0.0, total, f"asking {len(ids)} models")
    async with anyio.create_task_group() as outer:
        outer.start_soon(heartbeat)
        async with anyio.create_task_group() as tg:
            for index, name in enumerate(ids):
                tg.start_soon(one, index, name)
        outer.cancel_scope.cancel()
    return [e for e in entries if e is not None], errors


def all_failed(entries: list[dict[str, Any]], errors: list[HubError]) -> HubError:
    """One error for a call whose every model failed: the first one's code, every model's reason."""
    first = copy.copy(errors[0])
    first.message = f"all {len(entries)} models failed: " + "; ".join(
        f"{e['model']}: {e['error']}" for e in entries
    )
    first.hint, first.provider, first.status = "", "", None
    return first


def combined(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The structured result: the entries and the total cost (null when an answer's is unknown)."""
    answered = [e for e in entries if not e["error"]]
    costs = [e["cost_usd"] for e in answered]
    total = None if not answered or any(c is None for c in costs) else round(sum(costs), 8)
    return {"results": entries, "cost_usd": total}


def summary(entries: list[dict[str, Any]], answer: Callable[[dict[str, Any]], str]) -> str:
    """Each answer under its model's name."""
    parts = []
    for entry in entries:
        body = entry["error"] if entry["error"] else answer(entry)
        parts.append(f"## {entry['model']}\n{body}")
    return "\n\n".join(parts)
