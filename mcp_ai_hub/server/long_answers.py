"""Answers longer than a client passes on whole: saved and linked rather than cut.

Claude Code caps a tool result at 25,000 tokens by default and drops the rest. An answer longer
than LONG_ANSWER_CHARS (well under that, since a result carries the text twice: the text block
and the structured content) is saved as a text file; the result keeps its opening, says where the
whole answer is, and carries the file as `text_file` and a resource_link.
"""

from __future__ import annotations

from typing import Any

from mcp.types import ContentBlock

from ..hub import Hub
from .media_blocks import media_blocks

LONG_ANSWER_CHARS = 40_000
PREVIEW_CHARS = 8_000


async def keep(hub: Hub, answers: list[dict[str, Any]]) -> list[ContentBlock]:
    """Save each answer over the limit (its `text` becomes a preview); the files' content blocks."""
    blocks: list[ContentBlock] = []
    for answer in answers:
        text = answer.get("text") or ""
        if len(text) <= LONG_ANSWER_CHARS:
            continue
        media = await hub.media.save_bytes(
            text.encode("utf-8"), answer.get("provider") or "hub", mime_hint="text/plain"
        )
        answer["text"] = (
            f"{text[:PREVIEW_CHARS]}\n\n[... {len(text) - PREVIEW_CHARS} more characters: the "
            f"whole answer ({len(text)} characters) is saved at {media.path} "
            f"({media.resource_uri})]"
        )
        answer["text_file"] = media.to_dict()
        blocks += media_blocks([media], hub)
    return blocks
