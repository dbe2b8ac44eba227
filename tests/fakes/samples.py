"""Tiny synthetic media the fakes return: real headers, a few bytes each."""

from __future__ import annotations

import io
import struct
import wave
import zlib


def png(width: int = 2, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 60)) -> bytes:
    """A valid RGB PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg(width: int = 4, height: int = 5) -> bytes:
    """A JPEG header (SOI, APP0/JFIF, SOF0 with the size) and EOI: enough for sniffing and sizing."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def webp(width: int = 6, height: int = 7) -> bytes:
    """A lossless WebP header (RIFF/WEBP/VP8L with the size) and a few data bytes."""
    bits = (width - 1) | ((height - 1) << 14)
    chunk = b"\x2f" + struct.pack("<I", bits) + b"\x00\x00\x00"
    return (
        b"RIFF"
        + struct.pack("<I", 4 + 8 + len(chunk))
        + b"WEBP"
        + b"VP8L"
        + struct.pack("<I", len(chunk))
        + chunk
    )


def pcm(seconds: float = 0.25, rate: int = 24000) -> bytes:
    """Raw signed 16-bit little-endian mono PCM (a quiet ramp)."""
    frames = int(seconds * rate)
    return b"".join(struct.pack("<h", (i * 37) % 2000 - 1000) for i in range(frames))


def wav(seconds: float = 0.25, rate: int = 24000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm(seconds, rate))
    return buf.getvalue()


def mp3() -> bytes:
    """An ID3 tag followed by one silent MPEG-1 Layer III frame header and padding."""
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 413


def mp4(size: int = 4096) -> bytes:
    """An ISO-BMFF file: an `ftyp` box then an `mdat` box of filler, `size` bytes in all."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2"
    body = bytes((i * 7) % 256 for i in range(size - len(ftyp) - 8))
    return ftyp + struct.pack(">I", len(body) + 8) + b"mdat" + body
