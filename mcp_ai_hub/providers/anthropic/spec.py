"""Anthropic: who it is (key variables, base URLs, capabilities), read at start-up without its code."""

from ..registry import ProviderSpec

SPEC = ProviderSpec(
    name="anthropic",
    display_name="Anthropic",
    package="mcp_ai_hub.providers.anthropic",
    capabilities=("text",),
    base_urls={
        "ANTHROPIC_BASE_URL": "https://api.anthropic.com",
    },
    key_vars=("ANTHROPIC_API_KEY",),
    manifest="providers/anthropic.toml",
)
