"""`python -m mcp_ai_hub` runs the same command line as `mcp-ai-hub`."""

from .cli import main

raise SystemExit(main())
