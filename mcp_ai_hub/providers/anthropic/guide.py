"""How the hub's tool parameters reach Anthropic (see `catalog://guide`; loaded only when asked for)."""

GUIDE = {
    "text": (
        "Messages API, streamed. max_tokens is always sent (the catalog's default when 0). reasoning: on "
        "Claude 4.7+ and 5.x adaptive thinking plus the effort hint low/medium/high (xhigh, max via "
        'provider_options {"output_config": {"effort": ...}}); on earlier models extended thinking '
        "budgets of 2048/8192/24576 tokens (max_tokens raised to fit). temperature other than 1 is refused "
        "on Claude 4.7+. web_search -> the web_search server tool, cited. provider_options: Messages fields "
        "(top_k, stop_sequences, metadata, service_tier, thinking, tools for the search tool's max_uses)."
    ),
}
