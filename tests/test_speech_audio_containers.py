"""Audio containers written and measured without dependencies: PCM behind a WAV header, MP3
durations from frame headers."""

from __future__ import annotations

import wave

import pytest

from mcp_ai_hub.audio import mp3_duration, probe_duration, save_pcm_as_wav, wav_header
from mcp_ai_hub.config import Settings
from mcp_ai_hub.media import MediaStore
from tests.fakes import samples
from tests.fakes.openai_speech import mp3_frames

pytestmark = pytest.mark.anyio


def test_wav_header_matches_what_the_wave_module_writes():
    pcm = samples.pcm(0.2, 16000)
    assert wav_header(len(pcm), 16000) + pcm == samples.wav(0.2, 16000)


async def test_streamed_pcm_becomes_a_wav_with_its_sizes_fixed(workdir):
    store = MediaStore(Settings.load(environ={"HOME": str(workdir)}, cwd=workdir))
    pcm = samples.pcm(0.3, 22050)

    async def chunks():
        for i in range(0, len(pcm), 1000):
            yield pcm[i:i + 1000]

    media = await save_pcm_as_wav(store, chunks(), "test", rate=22050)
    with wave.open(str(media.path), "rb") as w:
        assert (w.getframerate(), w.getnframes()) == (22050, len(pcm) // 2)
    assert media.path.read_bytes() == samples.wav(0.3, 22050)
    assert (media.mime_type, media.duration_seconds) == ("audio/wav", 0.3)


def test_mp3_duration_sums_frames_and_skips_tags_and_leading_junk(tmp_path):
    path = tmp_path / "a.mp3"
    frames = mp3_frames(250)
    path.write_bytes(frames + b"TAG" + bytes(125))  # trailing ID3v1
    assert mp3_duration(path) == round(250 * 1152 / 44100, 3)
    path.write_bytes(b"\x00\x01junk" + frames[10:])  # no ID3v2, junk before the first frame
    assert mp3_duration(path) == round(250 * 1152 / 44100, 3)
    path.write_bytes(b"not an mp3 at all" * 10)
    assert mp3_duration(path) is None


async def test_probe_measures_wav_and_mp3_and_leaves_other_formats_unknown(tmp_path):
    (tmp_path / "a.wav").write_bytes(samples.wav(0.4, 8000))
    (tmp_path / "a.mp3").write_bytes(mp3_frames(10))
    (tmp_path / "a.ogg").write_bytes(b"OggS" + bytes(100))
    assert await probe_duration(tmp_path / "a.wav", "audio/wav") == 0.4
    assert await probe_duration(tmp_path / "a.mp3", "audio/mpeg") == round(10 * 1152 / 44100, 3)
    assert await probe_duration(tmp_path / "a.ogg", "audio/ogg") is None
