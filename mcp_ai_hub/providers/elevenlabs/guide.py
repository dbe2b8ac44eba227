"""How the hub's tool parameters reach ElevenLabs (see `catalog://guide`; loaded only when asked for)."""

GUIDE = {
    "speech": (
        "eleven_v3 takes audio tags like [whispers] in the text and speakers (text-to-dialogue). voice: a "
        "voice name or id (list_models shows the defaults). Formats mp3, opus, pcm, ulaw, wav. "
        "provider_options: voice_settings (stability, similarity_boost, clone_strength on v4), seed, "
        "previous_text, output_format."
    ),
    "transcription": (
        "Scribe: diarize labels speakers, timestamps group timed words into segments. provider_options: "
        "num_speakers, tag_audio_events, keyterms; secondary_language_codes and numbers_format on scribe_v3."
    ),
}
