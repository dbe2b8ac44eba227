"""The transcript in MCP terms: its output models (segments in one shape for every provider) and
its text block (a header, then one timed line per segment with the speaker), shared by
`transcribe_audio` and by `get_job` / `jobs://` for a finished transcription job."""

from __future__ import annotations

from typing import Any

TRANSCRIPT_FIELDS = ("text", "language", "duration_seconds", "segments")


def _stamp(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes):02d}:{secs:04.1f}"


def transcript_text(out: dict[str, Any], model: str) -> str:
    """`Transcript (model, language en, 1.5 s):` then `[00:00.0-00:01.5] SPEAKER_00: text` lines
    (or the plain text when there are no segments)."""
    head = f"Transcript ({model}"
    if out["language"]:
        head += f", language {out['language']}"
    if out["duration_seconds"] is not None:
        head += f", {out['duration_seconds']:.1f} s"
    lines = [head + "):"]
    if out["segments"]:
        for s in out["segments"]:
            who = f" {s['speaker']}:" if s["speaker"] else ""
            lines.append(f"[{_stamp(s['start'])}-{_stamp(s['end'])}]{who} {s['text']}")
    else:
        lines.append(out["text"])
    return "\n".join(lines)
