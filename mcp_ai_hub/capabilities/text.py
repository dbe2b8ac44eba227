"""Text generation: the request and result types, the `TextGenerator` protocol every
`providers/<name>/text.py` module follows, the checks that turn a caller's arguments into a
`TextRequest`, and `Draft`, the vendor-neutral accumulator a provider fills from its stream.

Conventions shared by every provider (the tool description repeats them for callers):
- `max_tokens` 0 means the model's default (Anthropic, which requires the field, gets the
  manifest's `default_max_tokens`).
- `temperature` is None when unset (the tool's sentinel -1).
- `reasoning` "off" sends no reasoning setting at all, so the model's own default applies
  (Anthropic: no extended thinking; OpenAI/xAI reasoning models: their default effort; Gemini:
  its default dynamic thinking). "low"/"medium"/"high" map to each vendor's knob.
- Images go with the last user message.
- `usage.output_tokens` counts every billed output token, reasoning included;
  `usage.reasoning_tokens` is the part spent reasoning, None when the provider does not say.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InvalidArgument, UnsupportedCapability
from ..inputs import InputFile, resolve_input
from ..shapes import CitationOut, GenerateTextOut, UsageOut
from . import caller_options

if TYPE_CHECKING:
    from ..catalog import Catalog, ModelEntry, Resolved
    from ..config import Settings
    from ..context import ProviderContext

REASONING_LEVELS = ("off", "low", "medium", "high")
FINISH_REASONS = ("stop", "length", "content_filter", "tool_calls", "other")
ROLES = ("user", "assistant")
TEMPERATURE_UNSET = -1.0
MAX_IMAGES = 20
IMAGE_MAX_BYTES = 20 * 1024 * 1024

# (text characters so far, reasoning characters so far); awaited after each provider event
OnProgress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class Message:
    role: str  # "user" | "assistant"
    content: str


@dataclass
class TextRequest:
    """A validated generation request, vendor-neutral."""

    messages: list[Message]
    system: str = ""
    max_tokens: int = 0  # 0: the model's default
    temperature: float | None = None
    reasoning: str = "off"
    images: list[InputFile] = field(default_factory=list)  # attached to the last user message
    web_search: bool = False
    provider_options: dict[str, Any] = field(default_factory=dict)
    stream: bool = True  # False (provider_options {"stream": false}): one plain JSON response

    @property
    def last_user_index(self) -> int:
        return max((i for i, m in enumerate(self.messages) if m.role == "user"), default=-1)


@dataclass(frozen=True)
class Citation:
    url: str
    title: str = ""


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int | None = 0
    reported: bool = True  # False until the provider's answer carries usage (then cost_usd is null)


@dataclass
class TextResult:
    text: str
    model: str  # the hub id, provider/model
    provider: str
    finish_reason: str  # one of FINISH_REASONS
    usage: Usage
    citations: list[Citation] = field(default_factory=list)
    cost_usd: float | None = None
    provider_model: str = ""  # the model (version) the provider reports having used

    def to_dict(self) -> dict[str, Any]:
        return GenerateTextOut(
            text=self.text, citations=[CitationOut(url=c.url, title=c.title) for c in self.citations],
            model=self.model, provider=self.provider, finish_reason=self.finish_reason,  # type: ignore[arg-type]
            usage=UsageOut(input_tokens=self.usage.input_tokens, output_tokens=self.usage.output_tokens,
                           reasoning_tokens=self.usage.reasoning_tokens),
            cost_usd=self.cost_usd,
        ).model_dump(exclude={"results", "text_file"})


class TextGenerator(Protocol):
    """What `mcp_ai_hub.providers.<provider>.text` offers."""

    async def generate_text(
        self,
        hub: ProviderContext,
        resolved: Resolved,
        request: TextRequest,
        on_progress: OnProgress | None = None,
    ) -> TextResult: ...


class Draft:
    """A response being assembled from a provider's stream or plain body."""

    def __init__(self, resolved: Resolved, on_progress: OnProgress | None = None):
        self.resolved = resolved
        self._parts: list[str] = []
        self.text_chars = 0
        self.thinking_chars = 0
        self._citations: dict[str, Citation] = {}
        self.usage = Usage(reported=False)
        self.finish_reason = ""
        self.provider_model = ""
        self._on_progress = on_progress
        self._reported = (0, 0)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def add_text(self, text: str) -> None:
        if text:
            self._parts.append(text)
            self.text_chars += len(text)

    def add_thinking(self, text: str) -> None:
        self.thinking_chars += len(text or "")

    def cite(self, url: str, title: str = "") -> None:
        """Record a cited source once (a later title fills an empty one)."""
        if not url:
            return
        known = self._citations.get(url)
        if known is None or (title and not known.title):
            self._citations[url] = Citation(url, title or "")

    async def flush(self) -> None:
        """Tell the progress listener what arrived since the last call."""
        now = (self.text_chars, self.thinking_chars)
        if self._on_progress is not None and now != self._reported:
            self._reported = now
            await self._on_progress(*now)

    def result(self) -> TextResult:
        return TextResult(
            text=self.text, model=self.resolved.full_id, provider=self.resolved.provider,
            finish_reason=self.finish_reason or "other", usage=self.usage,
            citations=list(self._citations.values()), cost_usd=cost_usd(self.resolved.entry, self.usage),
            provider_model=self.provider_model,
        )


def cost_usd(entry: ModelEntry | None, usage: Usage) -> float | None:
    """Token cost from the manifest's per-million prices; None when a price is unknown."""
    pricing = entry.pricing if entry else None
    if pricing is None or pricing.input_per_mtok is None or pricing.output_per_mtok is None:
        return None
    if not usage.reported:  # no usage in the answer: the cost is unknown, not zero
        return None
    cost = (usage.input_tokens * pricing.input_per_mtok + usage.output_tokens * pricing.output_per_mtok) / 1e6
    return round(cost, 8)


def build_request(
    catalog: Catalog,
    settings: Settings,
    *,
    prompt: str,
    messages: list[dict[str, Any]],
    system: str,
    model: str,
    max_tokens: int,
    temperature: float,
    reasoning: str,
    images: list[str],
    web_search: bool,
    provider_options: dict[str, Any],
) -> tuple[Resolved, TextRequest]:
    """Check a caller's arguments, resolve the model, and build the request (raises HubError)."""
    turns = _messages(messages)
    if prompt.strip():
        turns.append(Message("user", prompt))
    if not turns:
        raise InvalidArgument("nothing to answer: give prompt or messages",
                              hint='Pass prompt="..." or messages=[{"role": "user", "content": "..."}]')
    if max_tokens < 0:
        raise InvalidArgument("max_tokens must be 0 (model default) or positive")
    temp: float | None = None
    if temperature != TEMPERATURE_UNSET:
        if not (0 <= temperature <= 2) or math.isnan(temperature):
            raise InvalidArgument(f"temperature {temperature} is out of range",
                                  hint="Use 0 to 2, or -1 for the model's default")
        temp = float(temperature)
    reasoning = (reasoning or "off").strip().lower()
    if reasoning not in REASONING_LEVELS:
        raise InvalidArgument(f"reasoning {reasoning!r} is not one of {', '.join(REASONING_LEVELS)}")
    options = caller_options(provider_options)
    stream = options.pop("stream", True)
    if not isinstance(stream, bool):
        raise InvalidArgument("provider_options.stream must be true or false")
    if len(images) > MAX_IMAGES:
        raise InvalidArgument(f"at most {MAX_IMAGES} images per call")

    resolved = catalog.resolve(model, "text", settings)
    entry = resolved.entry
    hint = "Pick another model: list_models capability=text"
    if web_search and not resolved.has_feature("web_search"):
        raise UnsupportedCapability(
            f"{resolved.full_id} has no server-side web search",
            hint=hint + " (models with the web_search feature) or set web_search=false")
    if reasoning != "off" and entry is not None and "reasoning" not in entry.features:
        raise UnsupportedCapability(f"{resolved.full_id} does not take a reasoning setting",
                                    hint=hint + " (models with the reasoning feature) or set reasoning=off")
    if images and entry is not None and "vision" not in entry.features:
        raise UnsupportedCapability(f"{resolved.full_id} does not accept images",
                                    hint=hint + " (models with the vision feature)")
    files = [resolve_input(value, settings, what="image") for value in images]
    for file in files:
        if not file.is_url and not file.mime_type.startswith("image/"):
            raise InvalidArgument(f"image {file.source} is not an image ({file.mime_type})",
                                  hint="Give PNG, JPEG, WebP or GIF images")
        if file.size is not None and file.size > IMAGE_MAX_BYTES:
            raise InvalidArgument(f"image {file.source} is larger than {IMAGE_MAX_BYTES // (1024 * 1024)} MB")
    if files and all(m.role != "user" for m in turns):
        raise InvalidArgument("images need a user message to go with")
    request = TextRequest(
        messages=turns, system=system, max_tokens=max_tokens, temperature=temp, reasoning=reasoning,
        images=files, web_search=web_search, provider_options=options, stream=stream,
    )
    return resolved, request


def _messages(raw: list[dict[str, Any]]) -> list[Message]:
    turns = []
    for i, item in enumerate(raw or []):
        if not isinstance(item, dict):
            raise InvalidArgument(f"messages[{i}] must be an object {{role, content}}")
        role = str(item.get("role", "")).strip().lower()
        content = item.get("content")
        if role not in ROLES:
            system = role in ("system", "developer")
            hint = "Put system instructions in the system parameter" if system else ""
            raise InvalidArgument(f"messages[{i}].role is {role!r}; use user or assistant", hint=hint)
        if not isinstance(content, str) or not content.strip():
            raise InvalidArgument(f"messages[{i}].content must be non-empty text")
        turns.append(Message(role, content))
    return turns
