"""How the hub's tool parameters reach a user-configured OpenAI-compatible endpoint."""

GUIDE = {
    "text": (
        "OpenAI-style chat completions at the configured URL; models from its /models listing. "
        "provider_options reach the body as they are."
    ),
    "image": (
        "/images/generations with size and n; seeds, negative prompts, quality and input images are refused."
    ),
}
