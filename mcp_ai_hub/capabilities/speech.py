"""Speech synthesis: the request and result every provider's `speech` module speaks, the Protocol
those modules follow, and the checks that depend only on the catalog (formats, dialogue,
delivery instructions), so each provider refuses the same things the same way.

A provider module `mcp_ai_hub.providers.<name>.speech` has
`async def synthesize(hub, request: SpeechRequest) -> SpeechOutcome`: a `SpeechResult` once the
audio is saved, or, where speech is an asynchronous queue job (WaveSpeed), a `SpeechJob` that the
tool runs through the hub's job manager (the job saves the audio; the tool waits for it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InvalidArgument

if TYPE_CHECKING:
    from ..catalog import Catalog, Resolved
    from ..context import ProviderContext
    from ..jobs.backend import JobSpec
    from ..media import Media


@dataclass(frozen=True)
class Turn:
    """One line of a dialogue: who speaks it, with which voice ("" = the provider picks)."""

    speaker: str
    voice: str
    text: str


@dataclass
class SpeechRequest:
    text: str
    model: Resolved
    voice: str = ""
    format: str = ""  # "" = the provider's default
    speed: float = 0.0  # 0 = the provider's default
    instructions: str = ""
    turns: list[Turn] = field(default_factory=list)
    language: str = ""
    provider_options: dict[str, Any] = field(default_factory=dict)

    @property
    def characters(self) -> int:
        return sum(len(t.text) for t in self.turns) if self.turns else len(self.text)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers in order of first appearance."""
        return list(dict.fromkeys(t.speaker for t in self.turns))


@dataclass
class SpeechResult:
    audio: Media
    model: str  # provider/model as used
    provider: str
    characters: int
    voice: str  # the voice used, or "speaker=voice, ..." for a dialogue
    format: str


@dataclass
class SpeechJob:
    """Speech made by a provider-side job: `spec` is submitted as a hub job whose single output is
    the audio; the rest describes the result the finished job becomes."""

    spec: JobSpec
    model: str  # provider/model as used
    provider: str
    characters: int
    voice: str  # "" when the model has no voices (music)
    format: str  # the format asked for; "" when the provider chooses (the saved file tells)


# What `synthesize` gives back: the saved audio, or the job that will make it.
SpeechOutcome = SpeechResult | SpeechJob


class SpeechSynthesizer(Protocol):
    async def synthesize(self, hub: ProviderContext, request: SpeechRequest) -> SpeechOutcome: ...


def turns_from(speakers: list[dict[str, str]]) -> list[Turn]:
    """Dialogue turns from the tool's `speakers`; a speaker's voice carries over to its later turns."""
    turns, voices = [], {}
    for i, raw in enumerate(speakers):
        text = (raw.get("text") or "").strip()
        speaker = (raw.get("speaker") or "").strip() or (raw.get("voice") or "").strip()
        if not text:
            raise InvalidArgument(f"speakers[{i}] has no text", hint="Every turn needs text")
        if not speaker:
            raise InvalidArgument(f"speakers[{i}] names neither a speaker nor a voice",
                                  hint="Give each turn a speaker name (and a voice on its first turn)")
        voice = (raw.get("voice") or "").strip() or voices.get(speaker, "")
        if voice and voices.setdefault(speaker, voice) != voice:
            raise InvalidArgument(f"speaker {speaker!r} has two voices ({voices[speaker]} and {voice})",
                                  hint="Use one voice per speaker")
        turns.append(Turn(speaker, voice, text))
    return [Turn(t.speaker, t.voice or voices.get(t.speaker, ""), t.text) for t in turns]


def assign_voices(request: SpeechRequest, choices: list[str]) -> dict[str, str]:
    """speaker -> voice, giving speakers without one distinct voices from `choices` not yet used."""
    chosen = {t.speaker: t.voice for t in request.turns if t.voice}
    spare = [v for v in choices if v not in chosen.values()]
    for speaker in request.speakers:
        if speaker not in chosen:
            if not spare:
                raise InvalidArgument(f"no voice for speaker {speaker!r}", hint="Give each speaker a voice")
            chosen[speaker] = spare.pop(0)
    return chosen


def _models_with(catalog: Catalog, feature: str) -> str:
    ids = [f"{p}/{e.id}" for p, e in catalog.entries()
           if "speech" in e.capabilities and feature in e.features and not e.deprecated]
    return ", ".join(ids[:4])


def check_request(request: SpeechRequest, catalog: Catalog) -> None:
    """Refuse what the model's manifest entry says it cannot do, before any call is made."""
    if request.turns and request.text.strip():
        raise InvalidArgument("give either text or speakers, not both",
                              hint="For a dialogue, put every line in speakers")
    if not request.turns and not request.text.strip():
        raise InvalidArgument("text is empty", hint="Pass the text to speak, or speakers for a dialogue")
    if request.speed < 0:
        raise InvalidArgument("speed must be positive (1 is normal; 0 leaves the provider's default)")
    entry, model = request.model.entry, request.model.full_id
    if entry is None:  # an aggregator id outside the catalog: the provider decides
        return
    if request.turns and "dialogue" not in entry.features:
        raise InvalidArgument(f"{model} cannot voice a multi-speaker dialogue",
                              hint=f"Use a model with dialogue: {_models_with(catalog, 'dialogue')}")
    if request.instructions.strip() and "instructions" not in entry.features:
        extra = (
            " or write audio tags such as [whispers] into the text" if "audio_tags" in entry.features else ""
        )
        raise InvalidArgument(
            f"{model} takes no delivery instructions",
            hint=f"Use a model with instructions ({_models_with(catalog, 'instructions')}){extra}",
        )
    if request.format and entry.formats and request.format not in entry.formats:
        raise InvalidArgument(f"{model} cannot produce {request.format!r} audio",
                              hint=f"Use one of: {', '.join(entry.formats)}")
