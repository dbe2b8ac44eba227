"""Transcription: the request and the one result shape every provider's `transcription` module
returns (text, language, duration, segments [{start, end, text, speaker}]), the Protocol those
modules follow, and what providers share: words grouped into segments, and language names or
ISO 639-3 codes turned into ISO 639-1.

A provider module `mcp_ai_hub.providers.<name>.transcription` has `MAX_INPUT_BYTES` (its upload
limit when the manifest gives none) and
`async def transcribe(hub, request: TranscriptionRequest) -> TranscriptionOutcome`: a
`TranscriptionResult`, or, where transcription is an asynchronous queue job (fal), a
`TranscriptionJob` that the tool runs through the hub's job manager and whose `parse` turns the
provider's final JSON (kept with the job) into the same result shape. Such a module also has
`transcript_from_job(job) -> TranscriptionResult | None`: the transcript of a finished job read
later (get_job), from its result and the request details its `meta` keeps
(`TranscriptionJob.meta`, stored in the job's meta when the job starts).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..catalog import Resolved
    from ..context import ProviderContext
    from ..inputs import InputFile
    from ..jobs.backend import JobSpec

Progress = Callable[[str], Awaitable[None]]


@dataclass
class TranscriptionRequest:
    audio: InputFile
    model: Resolved
    language: str = ""
    prompt: str = ""
    timestamps: bool = False
    diarize: bool = False
    provider_options: dict[str, Any] = field(default_factory=dict)
    progress: Progress | None = None

    @property
    def wants_segments(self) -> bool:
        return self.timestamps or self.diarize

    async def report(self, message: str) -> None:
        if self.progress is not None:
            await self.progress(message)


@dataclass
class Segment:
    start: float | None
    end: float | None
    text: str
    speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "speaker": self.speaker}


@dataclass
class TranscriptionResult:
    text: str
    model: str  # provider/model as used
    provider: str
    language: str | None = None
    duration_seconds: float | None = None
    segments: list[Segment] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "duration_seconds": self.duration_seconds,
            "segments": [s.to_dict() for s in self.segments],
            "model": self.model,
            "provider": self.provider,
        }


@dataclass
class TranscriptionJob:
    """A transcription made by a provider-side job: `spec` is submitted as a hub job; `parse` turns
    the job's result (the provider's final JSON) into the one result shape."""

    spec: JobSpec
    model: str  # provider/model as used
    provider: str
    parse: Callable[[Any], TranscriptionResult]
    meta: dict[str, Any] = field(default_factory=dict)  # JSON kept in the job's meta for a later parse


TranscriptionOutcome = TranscriptionResult | TranscriptionJob


class Transcriber(Protocol):
    @property
    def MAX_INPUT_BYTES(self) -> int:  # a module constant, read-only here
        """The upload limit when the manifest gives none."""
        ...

    async def transcribe(
        self, hub: ProviderContext, request: TranscriptionRequest
    ) -> TranscriptionOutcome: ...


@dataclass(frozen=True)
class Word:
    """A timed token as word-level providers report it; `spacing` tokens carry the blanks between."""

    text: str
    start: float | None
    end: float | None
    speaker: str | None = None
    spacing: bool = False


PAUSE_SECONDS = 1.0  # a silence this long starts a new segment
MAX_SEGMENT_SECONDS = 30.0  # a long monologue is cut at the next sentence end past this


def _starts_segment(current: Segment, text: str, word: Word) -> bool:
    if word.speaker != current.speaker:
        return True
    if word.start is None or current.end is None:
        return False
    if word.start - current.end >= PAUSE_SECONDS:
        return True
    long = current.start is not None and current.end - current.start >= MAX_SEGMENT_SECONDS
    return long and text.rstrip()[-1:] in (".", "?", "!")


def group_words(words: Iterable[Word]) -> list[Segment]:
    """Segments from timed words: a new one when the speaker changes, after a pause, or at a
    sentence end once a segment is long."""
    segments: list[Segment] = []
    current: Segment | None = None
    parts: list[str] = []

    def close() -> None:
        if current is not None:
            current.text = "".join(parts).strip()
            if current.text:
                segments.append(current)

    for word in words:
        if word.spacing:
            if current is not None:
                parts.append(word.text)
            continue
        if current is None or _starts_segment(current, "".join(parts), word):
            close()
            current, parts = Segment(word.start, word.end, "", word.speaker), []
        parts.append(word.text)
        if word.end is not None:
            current.end = word.end
        if current.start is None:
            current.start = word.start
    close()
    return segments


# ISO 639-1 code, ISO 639-3 / 639-2 codes, English name (as Whisper reports it)
_LANGUAGES = """
af afr afrikaans|am amh amharic|ar ara arabic|as asm assamese|az aze azerbaijani|be bel belarusian|
bg bul bulgarian|bn ben bengali|bs bos bosnian|ca cat catalan|cs ces,cze czech|cy cym,wel welsh|da dan danish|
de deu,ger german|el ell,gre greek|en eng english|es spa spanish|et est estonian|eu eus,baq basque|
fa fas,per persian|fi fin finnish|fil fil filipino|fr fra,fre french|ga gle irish|gl glg galician|
gu guj gujarati|
ha hau hausa|he heb hebrew|hi hin hindi|hr hrv croatian|hu hun hungarian|hy hye,arm armenian|
id ind indonesian|
is isl,ice icelandic|it ita italian|ja jpn japanese|jv jav javanese|ka kat,geo georgian|kk kaz kazakh|
km khm khmer|kn kan kannada|ko kor korean|la lat latin|lb ltz luxembourgish|lo lao lao|lt lit lithuanian|
lv lav latvian|mi mri,mao maori|mk mkd,mac macedonian|ml mal malayalam|mn mon mongolian|mr mar marathi|
ms msa,may malay|mt mlt maltese|my mya,bur burmese|ne nep nepali|nl nld,dut dutch|no nor,nob norwegian|
pa pan punjabi|pl pol polish|ps pus pashto|pt por portuguese|ro ron,rum romanian|ru rus russian|sd snd sindhi|
si sin sinhala|sk slk,slo slovak|sl slv slovenian|so som somali|sq sqi,alb albanian|sr srp serbian|
sv swe swedish|sw swa swahili|ta tam tamil|te tel telugu|tg tgk tajik|th tha thai|tk tuk turkmen|
tl tgl tagalog|tr tur turkish|uk ukr ukrainian|ur urd urdu|uz uzb uzbek|vi vie vietnamese|yi yid yiddish|
yo yor yoruba|yue yue cantonese|zh zho,chi,cmn chinese|zu zul zulu
"""


def _language_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for row in _LANGUAGES.replace("\n", "").split("|"):
        code, others, name = row.split()
        table[code] = code
        table[name] = code
        for other in others.split(","):
            table[other] = code
    table.update({"mandarin": "zh", "valencian": "ca", "flemish": "nl", "castilian": "es", "moldavian": "ro"})
    return table


LANGUAGE_CODES = _language_table()


def language_code(value: str | None) -> str | None:
    """ISO 639-1 for a language name, a 639-1/639-2/639-3 code or a tag like `en-US`; else the value."""
    if not value:
        return None
    text = value.strip().lower()
    base = text.replace("_", "-").split("-")[0]
    return LANGUAGE_CODES.get(text) or LANGUAGE_CODES.get(base) or text
