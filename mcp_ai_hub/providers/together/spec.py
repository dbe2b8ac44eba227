"""Together AI: who it is (key variables, base URLs, capabilities), read at start-up without its code."""

from ..registry import ProviderSpec

SPEC = ProviderSpec(
    name="together",
    display_name="Together AI",
    package="mcp_ai_hub.providers.together",
    capabilities=("text", "image", "video"),
    base_urls={
        "TOGETHER_BASE_URL": "https://api.together.xyz/v1",
    },
    key_vars=("TOGETHER_API_KEY",),
    open_ids=True,  # an aggregator: ids outside the catalog are passed through
    manifest="providers/together.toml",
)
