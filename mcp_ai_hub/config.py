"""Settings from the environment and a `.env` file in the working directory (the environment wins).

Owns the `AI_HUB_*` settings; which key and base-URL variables exist comes from the provider
registry (`providers/registry.py`), extended here by the user's OpenAI-compatible endpoints
(`AI_HUB_OPENAI_COMPATIBLE`). A bad value is a `SettingsError` naming the variable.
Nothing here touches the network or the disk beyond reading `.env`.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .providers.registry import BUILTINS, CAPABILITIES, Registry, RegistryError

__all__ = ["CAPABILITIES", "PROVIDERS", "TOOLS", "Settings", "SettingsError", "parse_dotenv"]

TOOLS = (
    "generate_text", "generate_image", "synthesize_speech", "transcribe_audio", "generate_video",
    "list_models", "get_job", "cancel_job", "list_jobs",
)
PROVIDERS = BUILTINS  # the built-in provider names; every provider of a hub is in `Settings.registry`
ENDPOINTS_VAR = "AI_HUB_OPENAI_COMPATIBLE"

DEFAULT_INLINE_MAX_BYTES = 1_000_000
DEFAULT_MAX_OUTPUT_BYTES = 2 * 1024**3
MAX_PRESIGN_SECONDS = 7 * 86400  # the longest a Signature V4 presigned URL may live
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
FAL_JWKS_URL = "https://rest.alpha.fal.ai/.well-known/jwks.json"  # fal's webhook signing keys


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


class SettingsError(Exception):
    """A setting with a bad value; the message names the variable (or file) and the value."""


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        return parse_dotenv(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read it ({type(exc).__name__}: {exc})") from None


def _subset(env: dict[str, str], var: str, known: tuple[str, ...], *, lower: bool = False) -> tuple[str, ...]:
    """A comma-separated subset of `known`, or all of `known` when unset; a name not in it is an error."""
    raw = env.get(var, "")
    names = _split_list(raw.lower() if lower else raw)
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(map(repr, unknown))
        raise SettingsError(f"{var}: unknown name(s) {listed}; known: {', '.join(known)}")
    return tuple(dict.fromkeys(names)) or known


def _number(env: dict[str, str], var: str, default: float, kind: type, minimum: float) -> float:
    raw = env.get(var, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{var}: {raw!r} is not {'an integer' if kind is int else 'a number'}") from None
    if math.isnan(value) or value < minimum:
        raise SettingsError(f"{var}: {raw!r} must be at least {minimum:g}")
    return value


def _date(env: dict[str, str], var: str) -> date | None:
    raw = env.get(var, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise SettingsError(f"{var}: {raw!r} is not a date (YYYY-MM-DD)") from None


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def _job_store(env: dict[str, str]) -> str:
    """AI_HUB_JOB_STORE: "" (SQLite in the state directory) or a PostgreSQL URL whose driver is installed."""
    raw = env.get("AI_HUB_JOB_STORE", "").strip()
    if raw in ("", "sqlite"):
        return ""
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - parsing the port raises on a bad one
    except ValueError as exc:
        raise SettingsError(f"AI_HUB_JOB_STORE: {_without_password(raw)!r} is not a URL ({exc})") from None
    if parts.scheme not in ("postgresql", "postgres"):
        raise SettingsError(f"AI_HUB_JOB_STORE: {_without_password(raw)!r} is not a postgresql:// URL "
                            "(leave it unset for the SQLite database in AI_HUB_STATE_DIR)")
    if importlib.util.find_spec("psycopg") is None or importlib.util.find_spec("psycopg_pool") is None:
        raise SettingsError("AI_HUB_JOB_STORE: a PostgreSQL job store needs the postgres extra: "
                            "pip install 'mcp-ai-hub[postgres]'")
    return raw


def _media_store(env: dict[str, str]) -> str:
    """AI_HUB_MEDIA_STORE: "" (the output directory) or `s3://bucket/prefix` with AWS credentials set."""
    raw = env.get("AI_HUB_MEDIA_STORE", "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme != "s3" or not BUCKET_NAME.match(parts.netloc) or parts.query or parts.fragment:
        raise SettingsError(f"AI_HUB_MEDIA_STORE: {raw!r} is not an s3://bucket/prefix URL "
                            "(a bucket name of 3-63 lowercase letters, digits, dots and hyphens)")
    missing = [v for v in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if not env.get(v, "").strip()]
    if missing:
        raise SettingsError(f"AI_HUB_MEDIA_STORE: set {' and '.join(missing)} (the S3 credentials)")
    for var in ("AWS_ENDPOINT_URL", "AI_HUB_MEDIA_PUBLIC_ENDPOINT"):
        endpoint = env.get(var, "").strip()
        parts = urlsplit(endpoint)
        if endpoint and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise SettingsError(f"{var}: {endpoint!r} is not an http(s) URL")
    return raw


def _http_url(env: dict[str, str], var: str, default: str = "", *, base: bool = False) -> str:
    """An http(s) URL setting ("" or `default` when unset); `base` ones take no query or fragment and
    lose a trailing slash."""
    raw = env.get(var, "").strip()
    if not raw:
        return default
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - parsing the port raises on a bad one
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.username \
            or parts.password or (base and (parts.query or parts.fragment)):
        what = "an http(s) URL without credentials" + (", query or fragment" if base else "")
        raise SettingsError(f"{var}: {raw!r} is not {what} (e.g. https://hub.example.com)")
    return raw.rstrip("/") if base else raw


def _with_endpoints(registry: Registry, env: dict[str, str]) -> Registry:
    """`registry` plus a provider per user-configured OpenAI-compatible endpoint."""
    raw = env.get(ENDPOINTS_VAR, "").strip()
    if not raw:
        return registry
    from .providers.endpoint.spec import parse_endpoints

    extended = registry.copy()
    try:
        for spec in parse_endpoints(raw):
            extended.register(spec)
    except RegistryError as exc:
        raise SettingsError(f"{ENDPOINTS_VAR}: {exc}") from None
    return extended


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved once; `env` keeps the raw merged variables and `registry`
    every provider (built-ins, providers registered by code, the user's endpoints)."""

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
    listing_ttl_hours: float = 24.0  # how old a cached live listing may get before it is fetched again
    today_override: date | None = None  # AI_HUB_TODAY: the date lifecycles are judged by (tests, what-ifs)
    allow_private_urls: str = ""  # AI_HUB_ALLOW_PRIVATE_URLS: internal addresses input URLs may reach
    read_timeout: float = 0.0  # AI_HUB_READ_TIMEOUT: seconds a provider may stay silent (0: per request kind)
    job_store: str = field(default="", repr=False)  # AI_HUB_JOB_STORE: a postgresql:// URL ("": SQLite)
    media_store: str = ""  # AI_HUB_MEDIA_STORE: an s3://bucket/prefix URL ("": the output directory)
    media_url_ttl: float = 3600.0  # AI_HUB_MEDIA_URL_TTL: seconds a presigned media URL stays valid
    public_url: str = ""  # AI_HUB_PUBLIC_URL: where providers reach this hub's webhooks ("": no webhooks)
    fal_jwks_url: str = FAL_JWKS_URL  # AI_HUB_FAL_JWKS_URL: the keys fal signs its webhooks with
    registry: Registry = field(default_factory=Registry.builtin, repr=False, compare=False)

    @classmethod
    def load(
        cls, environ: dict[str, str] | None = None, cwd: Path | None = None, registry: Registry | None = None
    ) -> Settings:
        """Read `.env` from `cwd` (if present) under the process environment (or `environ`), over the
        providers of `registry` (default: the built-ins). A bad value raises SettingsError."""
        cwd = (cwd or Path.cwd()).resolve()
        env = _read_dotenv(cwd / ".env")
        env.update(os.environ if environ is None else environ)
        registry = _with_endpoints(registry if registry is not None else Registry.builtin(), env)

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
            (
                (cwd / Path(p).expanduser())
                if not Path(p).expanduser().is_absolute()
                else Path(p).expanduser()
            ).resolve()
            for p in raw_inputs
        ) or (cwd, output_dir)
        return cls(
            env=env,
            cwd=cwd,
            output_dir=output_dir,
            state_dir=state_dir,
            input_dirs=input_dirs,
            inline_max_bytes=int(_number(env, "AI_HUB_INLINE_MAX_BYTES", DEFAULT_INLINE_MAX_BYTES, int, 0)),
            max_output_bytes=int(_number(env, "AI_HUB_MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT_BYTES, int, 1)),
            providers=_subset(env, "AI_HUB_PROVIDERS", registry.names, lower=True),
            tools=_subset(env, "AI_HUB_TOOLS", TOOLS),
            job_retention_days=_number(env, "AI_HUB_JOB_RETENTION_DAYS", 7.0, float, 0),
            listing_ttl_hours=_number(env, "AI_HUB_LISTING_TTL", 24.0, float, 0),
            today_override=_date(env, "AI_HUB_TODAY"),
            allow_private_urls=env.get("AI_HUB_ALLOW_PRIVATE_URLS", "").strip(),
            read_timeout=_number(env, "AI_HUB_READ_TIMEOUT", 0.0, float, 0),
            job_store=_job_store(env),
            media_store=_media_store(env),
            media_url_ttl=min(_number(env, "AI_HUB_MEDIA_URL_TTL", 3600.0, float, 1), MAX_PRESIGN_SECONDS),
            public_url=_http_url(env, "AI_HUB_PUBLIC_URL", base=True),
            fal_jwks_url=_http_url(env, "AI_HUB_FAL_JWKS_URL", FAL_JWKS_URL),
            registry=registry,
        )

    @property
    def today(self) -> date:
        """The date model lifecycles are judged by: `AI_HUB_TODAY`, else today in UTC (read per call,
        so a server running past midnight moves on with the calendar)."""
        return self.today_override or datetime.now(UTC).date()

    def api_key(self, provider: str) -> str:
        """The provider's key, or "" when none of its variables is set."""
        for var in self.registry[provider].key_vars:
            value = self.env.get(var, "").strip()
            if value:
                return value
        return ""

    def has_key(self, provider: str) -> bool:
        """The provider is enabled and has its key (or needs none)."""
        spec = self.registry.get(provider)
        if spec is None or provider not in self.providers:
            return False
        return bool(self.api_key(provider)) or not spec.key_required

    def base_url(self, var: str) -> str:
        """A base URL by its variable name, without a trailing slash."""
        default = self.registry.base_url_default(var)
        if default is None:
            raise KeyError(f"no provider declares the base URL variable {var}")
        return (self.env.get(var, "").strip() or default).rstrip("/")

    def default_model(self, capability: str) -> str:
        """`AI_HUB_DEFAULT_<CAPABILITY>_MODEL`, or "" when unset."""
        return self.env.get(f"AI_HUB_DEFAULT_{capability.upper()}_MODEL", "").strip()

    def secrets(self) -> list[str]:
        """Every configured key (the HTTP mode's token, S3 credentials, the database password too), for
        redaction."""
        names = [*self.registry.key_vars(), "AI_HUB_HTTP_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
        found = [v for var in names if (v := self.env.get(var, "").strip())]
        if self.job_store and (password := urlsplit(self.job_store).password):
            found.extend({password, unquote(password)})
        return found
