"""Media in MCP terms: the `media://{name}` resource (a blob with the file's own MIME type) and the
content blocks of a media result (a resource_link per file, plus inline image/audio under the cap)."""

from __future__ import annotations

import base64
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.resources.templates import ResourceTemplate
from mcp.server.mcpserver.resources.types import FunctionResource
from mcp.types import AudioContent, ContentBlock, ImageContent, ResourceLink

from ..hub import Hub
from ..media import Media


class _MediaTemplate(ResourceTemplate):
    """`media://{name}` whose reads carry each file's sniffed MIME type, not one fixed type."""

    hub: Any = None

    async def create_resource(self, uri: str, params: dict[str, Any], context: Any) -> FunctionResource:
        media = await self.hub.media.lookup(params["name"])  # the output dir, or the S3 media store

        async def read() -> bytes:
            return await self.hub.media.read(media)

        return FunctionResource(uri=uri, name=media.name, mime_type=media.mime_type, fn=read)


def register(mcp: MCPServer, hub: Hub) -> None:
    @mcp.resource("media://{name}", name="media", title="Saved output", mime_type="application/octet-stream",
                  description="A file the hub saved (image, audio, video), as a blob with its MIME type")
    async def media_resource(name: str) -> bytes:  # replaced below; kept for the template's schema
        return await hub.media.read(await hub.media.lookup(name))

    manager = mcp._resource_manager  # the SDK has no public hook for per-read MIME types
    plain = manager._templates["media://{name}"]
    manager._templates["media://{name}"] = _MediaTemplate(**{**plain.__dict__, "hub": hub})


def media_blocks(items: list[Media], hub: Hub) -> list[ContentBlock]:
    """A resource_link per file, and the inline image/audio block for small images and audio."""
    blocks: list[ContentBlock] = []
    for media in items:
        blocks.append(ResourceLink(type="resource_link", uri=media.resource_uri, name=media.name,
                                   mime_type=media.mime_type, size=media.bytes,
                                   description=f"saved at {media.path}"))
        # inline only what this server has on disk (another replica's output is in the media store)
        small = media.bytes <= hub.settings.inline_max_bytes and media.path.is_file()
        if small and media.mime_type.startswith(("image/", "audio/")):
            data = base64.b64encode(media.path.read_bytes()).decode("ascii")
            cls = ImageContent if media.mime_type.startswith("image/") else AudioContent
            blocks.append(cls(type=cls.model_fields["type"].default, data=data, mime_type=media.mime_type))
    return blocks
