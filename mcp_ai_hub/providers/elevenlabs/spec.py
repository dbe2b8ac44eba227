"""ElevenLabs: who it is (key variables, base URLs, capabilities), read at start-up without its code."""

from ..registry import ProviderSpec

SPEC = ProviderSpec(
    name="elevenlabs",
    display_name="ElevenLabs",
    package="mcp_ai_hub.providers.elevenlabs",
    capabilities=("speech", "transcription"),
    base_urls={
        "ELEVENLABS_BASE_URL": "https://api.elevenlabs.io",
    },
    key_vars=("ELEVENLABS_API_KEY",),
    manifest="providers/elevenlabs.toml",
)
