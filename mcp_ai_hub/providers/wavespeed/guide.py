"""How the hub's tool parameters reach WaveSpeed AI (see `catalog://guide`; loaded only when asked for)."""

GUIDE = {
    "image": (
        "A queued prediction (any WaveSpeed image id works). size -> W*H; n -> num_images; seed; "
        "output_format; quality on GPT Image. input_images: FLUX on the same endpoint, others at .../edit "
        "(local files uploaded first)."
    ),
    "speech": (
        "A queued prediction. MiniMax Speech: MiniMax voice ids, speed 0.5-2, mp3; provider_options emotion, "
        "volume, pitch. ACE-Step music: text is the style tags; provider_options lyrics, duration (5-240 s)."
    ),
    "video": (
        "Queued predictions on any WaveSpeed video id (Seedance, WAN, Kling, Veo...): duration, "
        "aspect_ratio, resolution, negative_prompt, seed, audio -> generate_audio; image switches to "
        "image-to-video. "
        "No cancel at WaveSpeed."
    ),
}
