"""How the hub's tool parameters reach Together AI (see `catalog://guide`; loaded only when asked for)."""

GUIDE = {
    "text": (
        "OpenAI-style chat completions on open models (any Together id works). reasoning -> "
        "reasoning_effort where the model takes it. provider_options: top_k, repetition_penalty, min_p, "
        'safety_model, reasoning {"enabled": ...}.'
    ),
    "image": (
        "FLUX: size/aspect_ratio -> width/height (~1 MP for a ratio); seed; negative_prompt; output_format "
        "png/jpeg; input_images -> image_url and reference_images. provider_options: steps."
    ),
    "video": (
        "duration -> seconds, aspect_ratio -> ratio, resolution, negative_prompt, seed, audio; image as the "
        "first frame; width, height, steps, fps via provider_options. No cancel at Together."
    ),
}
