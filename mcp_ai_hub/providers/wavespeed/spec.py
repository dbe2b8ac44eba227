"""WaveSpeed AI: who it is (key variables, base URLs, capabilities), read at start-up without its code."""

from ..registry import ProviderSpec

SPEC = ProviderSpec(
    name="wavespeed",
    display_name="WaveSpeed AI",
    package="mcp_ai_hub.providers.wavespeed",
    capabilities=("image", "speech", "video"),
    base_urls={
        "WAVESPEED_BASE_URL": "https://api.wavespeed.ai",
    },
    key_vars=("WAVESPEED_API_KEY",),
    open_ids=True,  # an aggregator: ids outside the catalog are passed through
    manifest="providers/wavespeed.toml",
)
