"""Job statuses (the contract's) and the manager's phases of an active job."""

from __future__ import annotations

from typing import Literal

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
STATUSES: tuple[JobStatus, ...] = ("queued", "running", "succeeded", "failed", "cancelled")
ACTIVE: tuple[JobStatus, ...] = ("queued", "running")
TERMINAL: tuple[JobStatus, ...] = ("succeeded", "failed", "cancelled")

# phases of an active job: "submitting" (no provider id yet), "polling", "downloading"; "done" after
Phase = Literal["submitting", "polling", "downloading", "done"]
PHASES: tuple[Phase, ...] = ("submitting", "polling", "downloading", "done")

# what a provider said to a cancel request
CancelOutcome = Literal["cancelled", "unsupported", "too_late"]
