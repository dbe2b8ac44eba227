"""ElevenLabs voices by name or id: the manifest's `voice_ids` first, then a search of the account's
voices (`GET /v2/voices?search=`), remembered for the life of the process."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from ...errors import InvalidArgument
from ...http import LISTING_TIMEOUT

if TYPE_CHECKING:
    from ...catalog import ModelEntry
    from ...context import ProviderContext

VOICE_ID = re.compile(r"^[A-Za-z0-9]{20}$")
CACHE_SECONDS = 3600.0
MAX_PAGES = 5

# per Hub (one per server process): lowercased name -> (voice id, when it was looked up)
_cache: WeakKeyDictionary[ProviderContext, dict[str, tuple[str, float]]] = WeakKeyDictionary()


def _names_match(wanted: str, name: str) -> bool:
    """`Rachel` matches `Rachel` and `Rachel - calm narrator` (the library's long names)."""
    name = name.strip().lower()
    return name == wanted or name.split(" - ")[0].strip() == wanted


async def _search(hub: ProviderContext, voice: str) -> tuple[str | None, list[str]]:
    """The id of the account voice named `voice` (or with that id), and the names seen on the way."""
    wanted, token, seen = voice.strip().lower(), "", []
    for _ in range(MAX_PAGES):
        params = {"search": voice, "page_size": "100", "include_total_count": "false"}
        if token:
            params["next_page_token"] = token
        client = hub.client("elevenlabs")
        response = await client.request("GET", "/v2/voices", params=params, timeout=LISTING_TIMEOUT)
        data = client.json(response)
        for item in data.get("voices") or []:
            name, voice_id = str(item.get("name") or ""), str(item.get("voice_id") or "")
            seen.append(name)
            if voice_id and (voice_id == voice.strip() or _names_match(wanted, name)):
                return voice_id, seen
        token = data.get("next_page_token") or ""
        if not data.get("has_more") or not token:
            break
    return None, seen


async def resolve(hub: ProviderContext, voice: str, entry: ModelEntry | None) -> str:
    """The voice id for a voice name or id."""
    voice = voice.strip()
    ids = entry.voice_ids if entry else {}
    for name, voice_id in ids.items():
        if name.lower() == voice.lower():
            return voice_id
    if voice in ids.values() or VOICE_ID.match(voice):
        return voice
    cache = _cache.setdefault(hub, {})
    hit = cache.get(voice.lower())
    if hit and time.monotonic() - hit[1] < CACHE_SECONDS:
        return hit[0]
    voice_id, seen = await _search(hub, voice)
    if voice_id is None:
        names = list(dict.fromkeys([*seen, *ids]))[:12]
        raise InvalidArgument(
            f"no ElevenLabs voice named {voice!r} in this account",
            hint=f"Use a voice id or one of: {', '.join(names)}" if names else "Use a voice id",
        )
    cache[voice.lower()] = (voice_id, time.monotonic())
    return voice_id
