"""Loopback fakes of the eight providers' real wire protocols. `FakeCloud` serves them all on real
sockets and gives the environment that points the hub at them."""

from __future__ import annotations

from .anthropic import FakeAnthropic
from .base import FakeProvider, ServedApp
from .elevenlabs import FakeElevenLabs
from .fal import FakeFal
from .gemini import FakeGemini
from .openai import FakeOpenAI
from .together import FakeTogether
from .wavespeed import FakeWaveSpeed
from .xai import FakeXai

FAKES: dict[str, type[FakeProvider]] = {
    "openai": FakeOpenAI, "anthropic": FakeAnthropic, "gemini": FakeGemini, "xai": FakeXai,
    "elevenlabs": FakeElevenLabs, "wavespeed": FakeWaveSpeed, "fal": FakeFal, "together": FakeTogether,
}


class FakeCloud:
    """All provider fakes, each on its own loopback port."""

    def __init__(self) -> None:
        self.fakes = {name: cls() for name, cls in FAKES.items()}
        self._served: list[ServedApp] = []

    def __getitem__(self, name: str) -> FakeProvider:
        return self.fakes[name]

    def start(self) -> FakeCloud:
        for fake in self.fakes.values():
            served = ServedApp(fake)
            fake.base_url = served.start()
            self._served.append(served)
        return self

    def stop(self) -> None:
        for served in self._served:
            served.stop()

    def reset(self) -> None:
        for fake in self.fakes.values():
            fake.reset()

    def env(self, *providers: str) -> dict[str, str]:
        """Base URLs for every fake, and keys only for `providers` (all when none are named)."""
        env: dict[str, str] = {}
        for name, fake in self.fakes.items():
            for var, value in fake.hub_env().items():
                if "KEY" in var and providers and name not in providers:
                    continue
                env[var] = value
        return env
