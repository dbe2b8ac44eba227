"""Figure 4, large media through the installed server: a 500 MiB job output downloaded, and audio
uploaded for transcription by OpenAI multipart, xAI multipart (the same multipart body code, at
200 MiB), the Gemini Files API (resumable, 200 MiB) and fal storage. OpenAI and fal take at most
25 MiB and 100 MiB per file, so they are measured just under those limits.

For each: the server process's RSS growth (sampled from /proc every 5 ms, over its RSS just before
the call) and the transfer's throughput, against a plain streaming copy of the same bytes over the
same loopback (plain_copy.py in its own process), alternating, medians. Transfers are timed by the
sink (sink.py) that generates or consumes the bodies on the fly.
"""

from __future__ import annotations

import itertools
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import HUB, HarnessError, RpcProcess, RssSampler, hub_env, median
from sink import Sink

MIB = 2**20
PLAIN = str(Path(__file__).resolve().parent / "plain_copy.py")
VIDEO_MODEL = "fal-ai/minimax/video-01"
_names = itertools.count(1)


def write_wav(path: Path, size: int) -> Path:
    """A silent 16 kHz mono WAV of exactly `size` bytes, written 1 MiB at a time."""
    data = size - 44
    header = (
        b"RIFF"
        + struct.pack("<I", size - 8)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
        + b"data"
        + struct.pack("<I", data)
    )
    with open(path, "wb") as f:
        f.write(header)
        zeros = bytes(MIB)
        left = data
        while left:
            f.write(zeros[: min(MIB, left)])
            left -= min(MIB, left)
    return path


@dataclass
class Case:
    name: str
    size: int
    target_mib: int = 64


class LargeMedia:
    def __init__(self, cloud: Any, workdir: Path):
        self.cloud, self.workdir = cloud, workdir
        self.sink = Sink().start()
        gemini, fal = cloud["gemini"], cloud["fal"]
        self.sink.route(
            "/v1/audio/transcriptions",
            lambda m, p, n: (200, {}, {"text": "hello", "usage": {"type": "duration", "seconds": 1}}),
        )
        self.sink.route("/v1/stt", lambda m, p, n: (200, {}, {"text": "hello", "duration": 1.0}))
        self.sink.route(
            "/fal-cdn/files/upload", lambda m, p, n: (200, {}, {"access_url": fal.url("/cdn/bench.wav")})
        )

        def gemini_file(method: str, path: str, size: int) -> tuple[int, dict[str, str], Any]:
            name = f"files/bench{next(_names)}"
            file = {
                "name": name,
                "displayName": "bench.wav",
                "mimeType": "audio/wav",
                "sizeBytes": str(size),
                "uri": gemini.url(f"/v1beta/{name}"),
                "state": "ACTIVE",
                "source": "UPLOADED",
            }
            gemini.state.setdefault("files", {})[name] = {**file, "data": b""}  # generateContent finds it
            return 200, {"x-goog-upload-status": "final"}, {"file": file}

        self.sink.route("/gemini-upload/", gemini_file)

    # --- the calls ----------------------------------------------------------------------------------
    def _fault_redirects(self, case: str) -> None:
        """Send the upload itself to the sink: the fake's first step answers with the sink's address."""
        if case == "gemini":
            self.cloud["gemini"].inject(
                r"^/upload/v1beta/files$",
                method="POST",
                status=200,
                body=b"",
                headers={
                    "x-goog-upload-url": self.sink.url("/gemini-upload/1"),
                    "x-goog-upload-status": "active",
                },
            )
        elif case == "fal":
            self.cloud["fal"].inject(
                r"^/rest/storage/auth/token$",
                status=200,
                body={"token": "cdn-bench", "token_type": "Bearer", "base_url": self.sink.url("/fal-cdn")},
            )

    def hub_call(self, hub: RpcProcess, case: str, size: int, audio: Path | None) -> None:
        fal = self.cloud["fal"]
        fal.state["steps"] = ("done",)
        if case == "download":
            fal.state["results"] = {
                VIDEO_MODEL: {
                    "video": {
                        "url": self.sink.url(f"/big/{size}"),
                        "content_type": "video/mp4",
                        "file_name": "out.mp4",
                        "file_size": size,
                    }
                }
            }
            result = hub.call_tool(
                "generate_video",
                {"prompt": "waves", "model": f"fal/{VIDEO_MODEL}", "wait_seconds": 120},
                timeout=300,
            )
            job = result["structuredContent"]
            if job.get("status") != "succeeded" or job["outputs"][0]["bytes"] != size:
                raise HarnessError(f"the download job did not succeed: {str(job)[:300]}")
            Path(job["outputs"][0]["path"]).unlink()
            return
        self._fault_redirects(case)
        model = {
            "openai": "openai/gpt-transcribe",
            "xai": "xai/grok-stt",
            "gemini": "gemini/gemini-3.5-flash-lite",
            "fal": "fal/fal-ai/whisper",
        }[case]
        result = hub.call_tool("transcribe_audio", {"audio": str(audio), "model": model}, timeout=300)
        if not result["structuredContent"].get("text"):
            raise HarnessError(f"{case} transcription gave no text: {str(result)[:300]}")

    def plain_call(self, case: str, size: int, audio: Path | None) -> None:
        if case == "download":
            dest = self.workdir / "plain.mp4"
            subprocess.run(
                [sys.executable, PLAIN, "download", self.sink.url(f"/big/{size}"), str(dest)], check=True
            )
            dest.unlink()
        else:
            subprocess.run([sys.executable, PLAIN, "upload", self.sink.url("/plain"), str(audio)], check=True)

    def _last_transfer(self, before: int) -> float:
        new = self.sink.transfers[before:]
        if not new:
            raise HarnessError("the sink saw no transfer")
        biggest = max(new, key=lambda t: t.bytes)
        return biggest.mib_per_s

    def measure(self, runs: int = 7, download_mib: int = 500, upload_mib: int = 200) -> dict[str, dict]:
        cases = {
            "download": download_mib * MIB,
            "openai": 25 * MIB - 4096,
            "xai": upload_mib * MIB,
            "gemini": upload_mib * MIB,
            "fal": 100 * MIB - 4096,
        }
        files = {
            size: write_wav(self.workdir / f"audio-{size}.wav", size)
            for size in {s for c, s in cases.items() if c != "download"}
        }
        small = write_wav(self.workdir / "audio-small.wav", MIB)
        env = hub_env(
            self.cloud,
            self.workdir,
            "openai",
            "xai",
            "gemini",
            "fal",
            OPENAI_BASE_URL=self.sink.url("/v1"),
            XAI_BASE_URL=self.sink.url("/v1"),
        )
        out: dict[str, dict] = {}
        with RpcProcess([HUB], env, self.workdir) as hub:
            hub.initialize()
            for case in cases:  # warm up each path (imports, connections) with a small body
                self.hub_call(hub, case, 4 * MIB, small if case != "download" else None)
            for case, size in cases.items():
                audio = files.get(size) if case != "download" else None
                growth, hub_speed, plain_speed = [], [], []
                for _ in range(runs):
                    before = len(self.sink.transfers)
                    self.plain_call(case, size, audio)
                    plain_speed.append(self._last_transfer(before))
                    before = len(self.sink.transfers)
                    with RssSampler(hub.pid, 0.005) as rss:
                        self.hub_call(hub, case, size, audio)
                    hub_speed.append(self._last_transfer(before))
                    growth.append(rss.growth / MIB)
                out[case] = {
                    "mib": size / MIB,
                    "growth_mib": median(growth),
                    "growth_max_mib": max(growth),
                    "hub_mib_s": median(hub_speed),
                    "plain_mib_s": median(plain_speed),
                    "rss_mib": hub.rss() / MIB,
                    "runs": runs,
                }
        for path in [*files.values(), small]:
            path.unlink()
        return out
