"""How the hub's tool parameters reach Google Gemini (see `catalog://guide`; loaded only when asked for)."""

GUIDE = {
    "text": (
        "generateContent, streamed. reasoning -> thinkingConfig: thinkingLevel LOW/MEDIUM/HIGH on Gemini 3 "
        "and 4, thinkingBudget 1024/8192/24576 on 2.5 (MINIMAL, XHIGH via provider_options where taken). "
        "web_search -> Google Search grounding, cited. Images go inline. provider_options: generateContent "
        'fields, e.g. {"generationConfig": {"topK": 40, "responseMimeType": "application/json"}, '
        '"safetySettings": [...]}.'
    ),
    "image": (
        "Nano Banana models via generateContent. size and aspect_ratio -> the closest supported aspect "
        "ratio (imageConfig); seed; input_images go inline (edits). No quality, negative_prompt or "
        "output_format choice."
    ),
    "speech": (
        "Gemini TTS: one prebuilt voice, or speakers (up to 2) for a dialogue; instructions steer delivery. "
        "Audio is WAV (or raw pcm). Voices in list_models."
    ),
    "transcription": (
        "Inline audio when small, else the Files API. timestamps/diarize ask for JSON segments. "
        "provider_options join generationConfig."
    ),
    "video": (
        "Gemini Omni through the Interactions API: aspect_ratio 16:9 or 9:16, resolution 360p/720p/1080p/4k, "
        "duration, seed; image goes inline (image-to-video)."
    ),
}
