"""OpenAI: who it is (key variables, base URLs, capabilities), read at start-up without its code."""

from ..registry import ProviderSpec

SPEC = ProviderSpec(
    name="openai",
    display_name="OpenAI",
    package="mcp_ai_hub.providers.openai",
    capabilities=("text", "image", "speech", "transcription", "video"),
    base_urls={
        "OPENAI_BASE_URL": "https://api.openai.com/v1",
    },
    key_vars=("OPENAI_API_KEY",),
    manifest="providers/openai.toml",
)
