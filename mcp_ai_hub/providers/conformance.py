"""The type checker's proof that each provider's modules fit their interfaces: every
(provider, capability) module its spec declares, as the capability's Protocol, and every `api`
module, as `ProviderModule`.

Nothing here runs. Under TYPE_CHECKING each module is assigned to a variable of its Protocol type,
so `pyright mcp_ai_hub` fails when a module stops fitting; tests/test_registry.py checks that every
pair a built-in spec declares is listed here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..capabilities.image import ImageGenerator
    from ..capabilities.speech import SpeechSynthesizer
    from ..capabilities.text import TextGenerator
    from ..capabilities.transcription import Transcriber
    from ..capabilities.video import VideoGenerator
    from ..hub import ProviderModule
    from .anthropic import api as anthropic_api
    from .anthropic import text as anthropic_text
    from .elevenlabs import api as elevenlabs_api
    from .elevenlabs import speech as elevenlabs_speech
    from .elevenlabs import transcription as elevenlabs_transcription
    from .endpoint import api as endpoint_api
    from .endpoint import image as endpoint_image
    from .endpoint import text as endpoint_text
    from .fal import api as fal_api
    from .fal import image as fal_image
    from .fal import transcription as fal_transcription
    from .fal import video as fal_video
    from .gemini import api as gemini_api
    from .gemini import image as gemini_image
    from .gemini import speech as gemini_speech
    from .gemini import text as gemini_text
    from .gemini import transcription as gemini_transcription
    from .gemini import video as gemini_video
    from .openai import api as openai_api
    from .openai import image as openai_image
    from .openai import speech as openai_speech
    from .openai import text as openai_text
    from .openai import transcription as openai_transcription
    from .openai import video as openai_video
    from .together import api as together_api
    from .together import image as together_image
    from .together import text as together_text
    from .together import video as together_video
    from .wavespeed import api as wavespeed_api
    from .wavespeed import image as wavespeed_image
    from .wavespeed import speech as wavespeed_speech
    from .wavespeed import video as wavespeed_video
    from .xai import api as xai_api
    from .xai import image as xai_image
    from .xai import speech as xai_speech
    from .xai import text as xai_text
    from .xai import transcription as xai_transcription
    from .xai import video as xai_video

    _openai_api: ProviderModule = openai_api
    _openai_text: TextGenerator = openai_text
    _openai_image: ImageGenerator = openai_image
    _openai_speech: SpeechSynthesizer = openai_speech
    _openai_transcription: Transcriber = openai_transcription
    _openai_video: VideoGenerator = openai_video
    _anthropic_api: ProviderModule = anthropic_api
    _anthropic_text: TextGenerator = anthropic_text
    _gemini_api: ProviderModule = gemini_api
    _gemini_text: TextGenerator = gemini_text
    _gemini_image: ImageGenerator = gemini_image
    _gemini_speech: SpeechSynthesizer = gemini_speech
    _gemini_transcription: Transcriber = gemini_transcription
    _gemini_video: VideoGenerator = gemini_video
    _xai_api: ProviderModule = xai_api
    _xai_text: TextGenerator = xai_text
    _xai_image: ImageGenerator = xai_image
    _xai_speech: SpeechSynthesizer = xai_speech
    _xai_transcription: Transcriber = xai_transcription
    _xai_video: VideoGenerator = xai_video
    _elevenlabs_api: ProviderModule = elevenlabs_api
    _elevenlabs_speech: SpeechSynthesizer = elevenlabs_speech
    _elevenlabs_transcription: Transcriber = elevenlabs_transcription
    _wavespeed_api: ProviderModule = wavespeed_api
    _wavespeed_image: ImageGenerator = wavespeed_image
    _wavespeed_speech: SpeechSynthesizer = wavespeed_speech
    _wavespeed_video: VideoGenerator = wavespeed_video
    _fal_api: ProviderModule = fal_api
    _fal_image: ImageGenerator = fal_image
    _fal_transcription: Transcriber = fal_transcription
    _fal_video: VideoGenerator = fal_video
    _together_api: ProviderModule = together_api
    _together_text: TextGenerator = together_text
    _together_image: ImageGenerator = together_image
    _together_video: VideoGenerator = together_video
    _endpoint_api: ProviderModule = endpoint_api
    _endpoint_text: TextGenerator = endpoint_text
    _endpoint_image: ImageGenerator = endpoint_image
