"""fal.ai: who it is (key variables, base URLs, capabilities), read at start-up without its code."""

from ..registry import ProviderSpec

SPEC = ProviderSpec(
    name="fal",
    display_name="fal.ai",
    package="mcp_ai_hub.providers.fal",
    capabilities=("image", "transcription", "video"),
    base_urls={
        "FAL_QUEUE_URL": "https://queue.fal.run",
        "FAL_REST_URL": "https://rest.fal.ai",
        "FAL_API_URL": "https://api.fal.ai/v1",
    },
    key_vars=("FAL_KEY",),
    open_ids=True,  # an aggregator: ids outside the catalog are passed through
    manifest="providers/fal.toml",
)
