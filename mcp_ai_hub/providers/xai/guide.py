"""How the hub's tool parameters reach xAI (see `catalog://guide`; loaded only when asked for)."""

GUIDE = {
    "text": (
        "Chat completions; the Responses API with web_search (web_search + x_search tools, cited). "
        "reasoning low/medium/high -> reasoning_effort (none and xhigh via provider_options where the model "
        "takes them). provider_options: chat fields (top_p, seed, stop, response_format...)."
    ),
    "image": (
        "Grok Imagine: aspect_ratio (size -> the closest ratio); JPEG only; no quality, seed or "
        "negative_prompt."
    ),
    "speech": (
        "Grok TTS: voices eve, ara, rex, sal, leo (or a custom voice id); mp3, wav, pcm, ulaw; speech tags "
        "such as [laugh] or <whisper> work in the text. No instructions or dialogue."
    ),
    "transcription": (
        "Grok STT: language, diarize (speaker numbers), timed words grouped into segments; key terms via "
        'provider_options {"keyterm": [...]}; no prompt.'
    ),
    "video": (
        "Grok Imagine video: duration 1-15 s, aspect_ratio, resolution 480p/720p, image. No cancel at xAI."
    ),
}
