"""Settings from the environment and a `.env` file in the working directory (the environment wins).

Owns the contract's configuration table: key variables, base URLs and `AI_HUB_*` settings.
Nothing here touches the network or the disk beyond reading `.env`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

CAPABILITIES = ("text", "image", "speech", "transcription", "video")
PROVIDERS = ("openai", "anthropic", "gemini", "xai", "elevenlabs", "wavespeed", "fal", "together")
TOOLS = (
    "generate_text", "generate_image", "synthesize_speech", "transcribe_audio", "generate_video",
    "list_models", "get_job", "cancel_job", "list_jobs",
)

# provider -> variables that may hold its key, in order of preference
KEY_VARS: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "xai": ("XAI_API_KEY",),
    "elevenlabs": ("ELEVENLABS_API_KEY",),
    "wavespeed": ("WAVESPEED_API_KEY",),
    "fal": ("FAL_KEY",),
    "together": ("TOGETHER_API_KEY",),
}

# base-URL variable -> default (each follows its official SDK's convention)
BASE_URL_DEFAULTS: dict[str, str] = {
    "OPENAI_BASE_URL": "https://api.openai.com/v1",
    "ANTHROPIC_BASE_URL": "https://api.anthropic.com",
    "GEMINI_BASE_URL": "https://generativelanguage.googleapis.com",
    "XAI_BASE_URL": "https://api.x.ai/v1",
    "ELEVENLABS_BASE_URL": "https://api.elevenlabs.io",
    "WAVESPEED_BASE_URL": "https://api.wavespeed.ai",
    "FAL_QUEUE_URL": "https://queue.fal.run",
    "FAL_REST_URL": "https://rest.fal.ai",
    "FAL_API_URL": "https://api.fal.ai/v1",
    "TOGETHER_BASE_URL": "https://api.together.xyz/v1",
}

DEFAULT_INLINE_MAX_BYTES = 1_000_000
DEFAULT_MAX_OUTPUT_BYTES = 2 * 1024**3


def parse_dotenv(text: str) -> dict[str, str]:
    """Parse `.env` text: `KEY=value`, optional `export`, quotes, `#` comments."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, _, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if value[:1] in ("'", '"') and value.endswith(value[0]) and len(value) >= 2:
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if key:
            values[key] = value
    return values


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.replace(os.pathsep, ",").split(",") if part.strip()]


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved once; `env` keeps the raw merged variables."""

    env: dict[str, str] = field(repr=False)
    cwd: Path
    output_dir: Path
    state_dir: Path
    input_dirs: tuple[Path, ...]
    inline_max_bytes: int
    max_output_bytes: int
    providers: tuple[str, ...]
    tools: tuple[str, ...]
    job_retention_days: float

    @classmethod
    def load(cls, environ: dict[str, str] | None = None, cwd: Path | None = None) -> Settings:
        """Read `.env` from `cwd` (if present) under the process environment (or `environ`)."""
        cwd = (cwd or Path.cwd()).resolve()
        env: dict[str, str] = {}
        dotenv = cwd / ".env"
        if dotenv.is_file():
            try:
                env.update(parse_dotenv(dotenv.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                pass
        env.update(os.environ if environ is None else environ)

        def path(var: str, default: Path) -> Path:
            value = env.get(var, "").strip()
            p = Path(value).expanduser() if value else default
            return (cwd / p).resolve() if not p.is_absolute() else p.resolve()

        output_dir = path("AI_HUB_OUTPUT_DIR", cwd / "ai-hub-output")
        xdg_state = env.get("XDG_STATE_HOME", "").strip()
        state_default = (Path(xdg_state) if xdg_state else Path.home() / ".local" / "state") / "mcp-ai-hub"
        state_dir = path("AI_HUB_STATE_DIR", state_default)
        raw_inputs = _split_list(env.get("AI_HUB_INPUT_DIRS", ""))
        input_dirs = tuple(
            ((cwd / Path(p).expanduser()) if not Path(p).expanduser().is_absolute() else Path(p).expanduser()).resolve()
            for p in raw_inputs
        ) or (cwd, output_dir)
        providers = tuple(p for p in _split_list(env.get("AI_HUB_PROVIDERS", "").lower()) if p in PROVIDERS)
        tools = tuple(t for t in _split_list(env.get("AI_HUB_TOOLS", "")) if t in TOOLS)
        return cls(
            env=env,
            cwd=cwd,
            output_dir=output_dir,
            state_dir=state_dir,
            input_dirs=input_dirs,
            inline_max_bytes=_int(env.get("AI_HUB_INLINE_MAX_BYTES"), DEFAULT_INLINE_MAX_BYTES),
            max_output_bytes=_int(env.get("AI_HUB_MAX_OUTPUT_BYTES"), DEFAULT_MAX_OUTPUT_BYTES),
            providers=providers or PROVIDERS,
            tools=tools or TOOLS,
            job_retention_days=_float(env.get("AI_HUB_JOB_RETENTION_DAYS"), 7.0),
        )

    def api_key(self, provider: str) -> str:
        """The provider's key, or "" when none of its variables is set."""
        for var in KEY_VARS[provider]:
            value = self.env.get(var, "").strip()
            if value:
                return value
        return ""

    def has_key(self, provider: str) -> bool:
        return bool(self.api_key(provider)) and provider in self.providers

    def base_url(self, var: str) -> str:
        """A base URL by its variable name, without a trailing slash."""
        return (self.env.get(var, "").strip() or BASE_URL_DEFAULTS[var]).rstrip("/")

    def default_model(self, capability: str) -> str:
        """`AI_HUB_DEFAULT_<CAPABILITY>_MODEL`, or "" when unset."""
        return self.env.get(f"AI_HUB_DEFAULT_{capability.upper()}_MODEL", "").strip()

    def secrets(self) -> list[str]:
        """Every configured key, for redaction."""
        return [v for p in PROVIDERS for var in KEY_VARS[p] if (v := self.env.get(var, "").strip())]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default
