"""xAI: who it is (key variables, base URLs, capabilities), read at start-up without its code."""

from ..registry import ProviderSpec

SPEC = ProviderSpec(
    name="xai",
    display_name="xAI",
    package="mcp_ai_hub.providers.xai",
    capabilities=("text", "image", "speech", "transcription", "video"),
    base_urls={
        "XAI_BASE_URL": "https://api.x.ai/v1",
    },
    key_vars=("XAI_API_KEY",),
    manifest="providers/xai.toml",
)
