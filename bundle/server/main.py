"""The bundle's entry point: the `mcp-ai-hub` command line (stdio by default)."""

from mcp_ai_hub.cli import main

raise SystemExit(main())
