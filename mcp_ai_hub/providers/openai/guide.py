"""How the hub's tool parameters reach OpenAI (shown by `catalog://guide` and full `list_models`
entries; loaded only when asked for)."""

GUIDE = {
    "text": (
        "Chat Completions, or the Responses API when web_search is on or the model is served only there "
        "(Codex, -pro). reasoning low/medium/high -> reasoning_effort (reasoning.effort); other efforts "
        '(none, minimal, xhigh, max) via provider_options {"reasoning_effort": ...}, where the model takes '
        "them. web_search -> the Responses web_search tool, url citations. provider_options: Chat "
        "Completions fields (top_p, seed, stop, response_format, verbosity, service_tier...) or, on the "
        "Responses API, its fields (text, include, tool settings)."
    ),
    "image": (
        "size: any WIDTHxHEIGHT in multiples of 16 on gpt-image-2 (1024x1024, 1536x1024, 1024x1536 on "
        "gpt-image-1); aspect_ratio -> the closest size. quality low/medium/high/auto (gpt-image-2.5 also "
        "xhigh, max). output_format png/jpeg/webp. input_images -> /images/edits. provider_options: "
        "background (transparent needs png/webp), moderation, output_compression."
    ),
    "speech": (
        "instructions (tone, emotion, pace) on gpt-4o-mini-tts; voices per model in list_models; formats "
        "mp3, opus, aac, flac, wav, pcm; speed 0.25-4. No multi-speaker dialogue."
    ),
    "transcription": (
        "timestamps -> verbose_json segments (whisper-1); diarize -> gpt-4o-transcribe-diarize speaker "
        "segments (a preset or default switches to the model that can; a named model is refused). "
        "prompt guides spelling. provider_options: form fields (temperature, chunking_strategy...)."
    ),
    "video": (
        "Sora (shutting down): duration 4, 8 or 12 s; aspect_ratio/resolution -> size 1280x720, 720x1280 "
        "(1792x1024, 1024x1792 on sora-2-pro); image -> input_reference. No cancel at OpenAI."
    ),
}
