"""Google Gemini: who it is (key variables, base URLs, capabilities), read at start-up without its code."""

from ..registry import ProviderSpec

SPEC = ProviderSpec(
    name="gemini",
    display_name="Google Gemini",
    package="mcp_ai_hub.providers.gemini",
    capabilities=("text", "image", "speech", "transcription", "video"),
    base_urls={
        "GEMINI_BASE_URL": "https://generativelanguage.googleapis.com",
    },
    key_vars=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    manifest="providers/gemini.toml",
)
