"""The specs of user-configured OpenAI-compatible endpoints, read from `AI_HUB_OPENAI_COMPATIBLE`.

The value is a comma-separated list of `name=URL`, each optionally followed by `|KEY_VARIABLE`,
the variable holding the endpoint's key, e.g.
`local=http://127.0.0.1:11434/v1,groq=https://api.groq.com/openai/v1|GROQ_API_KEY`.
URL is the API root that `/models`, `/chat/completions` and `/images/generations` hang from. An
endpoint without a key variable is called without authentication (local servers); one with a key
variable needs it set, as a built-in provider does.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..registry import NAME, VARIABLE, ProviderSpec, RegistryError

PACKAGE = "mcp_ai_hub.providers.endpoint"
CAPABILITIES = ("text", "image")
SYNTAX = "name=URL or name=URL|KEY_VARIABLE, separated by commas"


def endpoint_spec(name: str, url: str, key_var: str = "") -> ProviderSpec:
    """One endpoint as a provider; its URL sits under a pseudo-variable no shell can export."""
    return ProviderSpec(
        name=name,
        display_name=f"{name} (OpenAI-compatible endpoint)",
        package=PACKAGE,
        capabilities=CAPABILITIES,
        base_urls={f"AI_HUB_OPENAI_COMPATIBLE[{name}]": url.rstrip("/")},
        key_vars=(key_var,) if key_var else (),
        key_required=bool(key_var),
        open_ids=True,  # models come from the endpoint's own listing, not the catalog
    )


def parse_endpoints(value: str) -> list[ProviderSpec]:
    """Every endpoint of the variable's value; a malformed entry is a RegistryError naming it."""
    specs: list[ProviderSpec] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        name, sep, rest = entry.partition("=")
        url, _, key_var = rest.partition("|")
        name, url, key_var = name.strip(), url.strip(), key_var.strip()
        if not sep or not name or not url:
            raise RegistryError(f"entry {entry!r}: expected {SYNTAX}")
        if not NAME.fullmatch(name):
            raise RegistryError(f"entry {entry!r}: the name must be lowercase letters, digits, '-' or '_'")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RegistryError(f"entry {entry!r}: {url!r} is not an http(s) URL")
        if key_var and not VARIABLE.fullmatch(key_var):
            raise RegistryError(f"entry {entry!r}: {key_var!r} is not a variable name")
        specs.append(endpoint_spec(name, url, key_var))
    return specs
