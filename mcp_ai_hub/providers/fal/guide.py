"""How the hub's tool parameters reach fal.ai (see `catalog://guide`; loaded only when asked for)."""

GUIDE = {
    "image": (
        "A queued job (any fal image id works). size/aspect_ratio -> image_size (a named size or "
        "{width, height}); n -> num_images; seed; output_format jpeg/png. input_images: flux/dev -> "
        "image-to-image, Kontext, FLUX.2 .../edit (local files uploaded to fal storage). provider_options: "
        "num_inference_steps, guidance_scale, loras..."
    ),
    "transcription": (
        "Whisper as a queued job (local files uploaded to fal storage): timestamps -> segment chunks, "
        "diarize; provider_options: num_speakers, batch_size, task translate."
    ),
    "video": (
        "Queued jobs on any fal video id (Kling, Seedance, WAN, MiniMax...): duration, aspect_ratio, "
        "resolution, negative_prompt, seed, audio -> generate_audio; image switches text-to-video to "
        "image-to-video."
    ),
}
