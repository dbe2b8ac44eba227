"""`mcp-ai-hub doctor`: is this installation ready? For each provider with a key, one cheap
authenticated call (its model listing) and the verdict (ok / key rejected / unreachable, with the
error code); the catalog models that provider no longer lists or calls retired; whether the output
and state directories can be written. Exit status 1 when a configured key fails or a directory
cannot be written, 2 for a bad setting or manifest, else 0. Nothing printed contains a key.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

import anyio

from .catalog import Catalog, ManifestError
from .config import Settings, SettingsError
from .errors import HubError, ProviderAuth, StorageError, redact
from .hub import Hub
from .jobs.stores import open_job_store
from .listing import refresh, retired_by_listing

# the verdict for a failed listing, by the error's code
VERDICTS = {
    ProviderAuth.code: "key rejected",
    "provider_timeout": "unreachable",
    "provider_unavailable": "unreachable",
    "provider_rate_limited": "rate limited (key accepted)",
}


@dataclass(frozen=True)
class ProviderCheck:
    provider: str
    verdict: str  # "ok", "key rejected", "unreachable", ...
    detail: str = ""  # the error text ([code] first) when not ok
    gone: tuple[str, ...] = ()  # catalog models its listing leaves out or calls retired

    @property
    def key_failed(self) -> bool:
        return self.verdict in ("key rejected", "unreachable", "error")


def verdict_of(message: str) -> str:
    code = message[1 : message.index("]")] if message.startswith("[") and "]" in message else ""
    if code == "provider_bad_request" and "key" in message.lower():
        return "key rejected"  # Gemini and xAI answer a bad key with 400
    return VERDICTS.get(code, "error")


async def check_providers(hub: Hub) -> list[ProviderCheck]:
    """Fetch every configured provider's listing at once (bounded time) and judge each."""
    names = [p for p in hub.settings.registry.names if hub.settings.has_key(p)]
    errors = await refresh(hub, only=names) if names else {}
    today = hub.settings.today
    checks = []
    for name in names:
        if name in errors:
            checks.append(ProviderCheck(name, verdict_of(errors[name]), errors[name]))
        else:
            checks.append(ProviderCheck(name, "ok", gone=tuple(retired_by_listing(hub, name, today))))
    return checks


def check_dirs(hub: Hub) -> list[tuple[str, str]]:
    """(what, "" when writable else the error) for the output and the state directory."""
    results = []
    store = open_job_store(hub.settings)  # SQLite in the state dir, or AI_HUB_JOB_STORE's database
    job_store = "job database" if hub.settings.job_store else "state dir"
    for what, check in (("output dir", hub.media.check_writable), (job_store, store.check_writable)):
        try:
            check()
            results.append((what, ""))
        except StorageError as exc:
            results.append((what, exc.render()))
    return results


def report(hub: Hub, checks: list[ProviderCheck], dirs: list[tuple[str, str]], out: TextIO) -> int:
    secrets = hub.settings.secrets()

    def say(line: str) -> None:
        print(redact(line, secrets), file=out)

    if not checks:
        say("No provider key is set: the server starts, and every call says which key it needs.")
    for c in checks:
        say(f"{c.provider:<11} {c.verdict}" + (f": {c.detail}" if c.detail else ""))
        if c.gone:
            say(f"{'':<11} no longer listed or retired: {', '.join(c.gone)}")
    missing = [p for p in hub.settings.providers if not hub.settings.has_key(p)]
    if missing:
        say(f"no key: {', '.join(missing)}")
    for what, problem in dirs:
        where = hub.settings.output_dir if what == "output dir" else hub.settings.state_dir
        say(f"{what:<11} {'writable' if not problem else problem} ({where})")
    failed = any(c.key_failed for c in checks) or any(problem for _, problem in dirs)
    say("Some checks failed." if failed else "All checks passed.")
    return 1 if failed else 0


def run_doctor(settings: Settings | None = None, out: TextIO | None = None) -> int:
    """Run every check and print the report (to stdout unless `out`); return the exit status."""
    stream = out or sys.stdout
    try:
        settings = settings or Settings.load()
        hub = Hub(settings, Catalog.load(registry=settings.registry))
    except (ManifestError, SettingsError, HubError) as exc:
        print(f"mcp-ai-hub: {exc}", file=sys.stderr)
        return 2

    async def main() -> int:
        try:
            checks = await check_providers(hub)
            return report(hub, checks, check_dirs(hub), stream)
        finally:
            await hub.aclose()

    return anyio.run(main)
