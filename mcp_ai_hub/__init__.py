"""mcp-ai-hub: one MCP server for eight AI clouds (text, images, speech, transcription, video)."""

__version__ = "0.1.0"
