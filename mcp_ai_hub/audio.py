"""Audio containers without extra dependencies: raw 16-bit PCM saved as a WAV file (the header is
written first and its sizes fixed once the length is known), and durations of PCM and MP3 files
(MP3 by walking its frame headers, so VBR files are measured right too).

WAV durations of saved files come from `media.wav_duration`; this module fills in the rest.
"""

from __future__ import annotations

import os
import struct
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

from .errors import ProviderUnavailable
from .media import wav_duration

if TYPE_CHECKING:
    from .media import Media, MediaStore

UNKNOWN_SIZE = 0xFFFFFFFF  # the streaming-WAV convention for "until the end of the file"

# MPEG audio: (version bits) -> sample rates; Layer III bitrates in kbit/s by version family
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_MP3_BITRATES_V1 = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)
_MP3_BITRATES_V2 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0)


def wav_header(data_bytes: int, rate: int, channels: int = 1, sample_width: int = 2) -> bytes:
    """A canonical 44-byte PCM WAV header for `data_bytes` of sample data."""
    block = channels * sample_width
    riff_size = UNKNOWN_SIZE if data_bytes == UNKNOWN_SIZE else 36 + data_bytes
    return (b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, sample_width * 8)
            + b"data" + struct.pack("<I", data_bytes))


def pcm_seconds(n_bytes: int, rate: int, channels: int = 1, sample_width: int = 2) -> float:
    return round(n_bytes / (rate * channels * sample_width), 3)


def _fix_wav_sizes(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(4)
        f.write(struct.pack("<I", size - 8))
        f.seek(40)
        f.write(struct.pack("<I", size - 44))


async def save_pcm_as_wav(store: MediaStore, chunks: AsyncIterator[bytes], provider: str, *, rate: int,
                          channels: int = 1, sample_width: int = 2) -> Media:
    """Stream raw PCM to disk behind a WAV header, then write the real sizes into the header."""

    async def with_header() -> AsyncIterator[bytes]:
        yield wav_header(UNKNOWN_SIZE, rate, channels, sample_width)
        async for chunk in chunks:
            yield chunk

    media = await store.save_stream(with_header(), provider, mime_hint="audio/wav")
    await anyio.to_thread.run_sync(_fix_wav_sizes, media.path)
    media.duration_seconds = pcm_seconds(media.bytes - 44, rate, channels, sample_width)
    return media


def _id3_size(head: bytes) -> int:
    if head[:3] != b"ID3" or len(head) < 10:
        return 0
    size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F)
    return 10 + size + (10 if head[5] & 0x10 else 0)


def _mp3_frame(header: bytes) -> tuple[int, int, int] | None:
    """(frame length in bytes, samples, sample rate) of a Layer III frame header, or None."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer != 1 or rate_index == 3:  # reserved version, not Layer III, reserved rate
        return None
    bitrate = (_MP3_BITRATES_V1 if version == 3 else _MP3_BITRATES_V2)[bitrate_index] * 1000
    if not bitrate:
        return None
    rate = _MP3_RATES[version][rate_index]
    factor, samples = (144, 1152) if version == 3 else (72, 576)
    return factor * bitrate // rate + padding, samples, rate


def mp3_duration(path: Path) -> float | None:
    """Seconds of audio in an MP3 file, summed over its frames; None if it is not MP3."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        pos = _id3_size(f.read(10))
        seconds, frames = 0.0, 0
        while pos + 4 <= size:
            f.seek(pos)
            frame = _mp3_frame(f.read(4))
            if frame is None:
                if frames:
                    break  # trailing tags (ID3v1, APE) or junk
                pos += 1  # resync within leading junk
                if pos > 64 * 1024:
                    return None
                continue
            length, samples, rate = frame
            seconds += samples / rate
            frames += 1
            pos += length
    return round(seconds, 3) if frames else None


def _probe(path: Path, mime_type: str) -> float | None:
    if mime_type == "audio/mpeg":
        return mp3_duration(path)
    if mime_type == "audio/wav":
        with open(path, "rb") as f:
            head = f.read(64 * 1024)
        return wav_duration(head, os.path.getsize(path))
    return None


async def probe_duration(path: Path, mime_type: str) -> float | None:
    """Duration of a WAV or MP3 file on disk (off the event loop), or None for other formats."""
    try:
        return await anyio.to_thread.run_sync(_probe, path, mime_type)
    except (OSError, struct.error):
        return None


async def fill_duration(media: Media, *, pcm_rate: int | None = None) -> Media:
    """Set `duration_seconds` where the format allows: WAV (already set), raw PCM of a known rate, MP3."""
    if media.duration_seconds is None:
        if media.mime_type == "audio/pcm" and pcm_rate:
            media.duration_seconds = pcm_seconds(media.bytes, pcm_rate)
        else:
            media.duration_seconds = await probe_duration(media.path, media.mime_type)
    return media


# the first bytes of each container a speech request can ask for (raw pcm, ulaw and alaw have none)
MAGIC: dict[str, tuple[bytes, ...]] = {"mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xe3"),
                                       "wav": (b"RIFF",), "flac": (b"fLaC",), "opus": (b"OggS",),
                                       "ogg": (b"OggS",), "aac": (b"\xff\xf1", b"\xff\xf9", b"ADIF")}
NOT_AUDIO = ("application/json", "application/problem+json", "text/")


def _looks_like(head: bytes, fmt: str) -> bool:
    if fmt == "mp3" and len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return True  # any MPEG audio frame sync
    return head.startswith(MAGIC[fmt])


async def checked_audio(chunks: AsyncIterator[bytes], content_type: str, fmt: str,
                        provider: str) -> AsyncIterator[bytes]:
    """The chunks of a speech response, refused before anything is saved when the body is not audio
    of the requested format: a JSON or text Content-Type, or a container whose first bytes do not match
    (`MAGIC`). The provider's first words go into the error, never a file named .mp3."""
    ctype = content_type.split(";")[0].strip().lower()
    head, started = b"", False
    async for chunk in chunks:
        if started:
            yield chunk
            continue
        head += chunk
        if len(head) < 8 and fmt in MAGIC:
            continue
        started = True
        if ctype.startswith(NOT_AUDIO) or (fmt in MAGIC and not _looks_like(head, fmt)):
            said = head[:200].decode("utf-8", "replace").strip()
            raise ProviderUnavailable(
                f"{provider} answered the speech request with {ctype or 'an unknown type'}, not {fmt} audio"
                + (f" ({said!r})" if ctype.startswith(NOT_AUDIO) else ""),
                provider=provider, hint="Try again; report it if it persists")
        yield head
    if not started and head:  # a body shorter than a header
        if ctype.startswith(NOT_AUDIO) or (fmt in MAGIC and not _looks_like(head, fmt)):
            raise ProviderUnavailable(
                f"{provider} answered the speech request with {len(head)} bytes that are not {fmt} audio",
                provider=provider,
                hint="Try again",
            )
        yield head
