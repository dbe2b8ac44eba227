"""Google Gemini (generativelanguage v1beta): `x-goog-api-key` auth, `{"error":{code,message,status,
details}}` bodies with RetryInfo, `GET /v1beta/models` pages. Capabilities in sibling modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...capabilities import LiveModel
from ...errors import ContentPolicy, HubError, ProviderAuth, ProviderRateLimited
from ...http import LISTING_TIMEOUT, ProviderApi, json_body, make_error

if TYPE_CHECKING:
    from ...config import Settings
    from ...http import ProviderClient

STATUS_CLASSES = {"UNAUTHENTICATED": ProviderAuth, "PERMISSION_DENIED": ProviderAuth,
                  "RESOURCE_EXHAUSTED": ProviderRateLimited}

# generation method -> hub capabilities it implies
METHOD_CAPABILITIES = {"generateContent": "text", "predict": "image", "predictLongRunning": "video"}


def auth(key: str) -> dict[str, str]:
    return {"x-goog-api-key": key}


def parse_error(status: int, body: bytes, headers: Mapping[str, str]) -> HubError:
    data = json_body(body)
    err = data.get("error") if isinstance(data, dict) else None
    if isinstance(data, list) and data and isinstance(data[0], dict):  # streamed-array error shape
        err = data[0].get("error")
    if not isinstance(err, dict):
        return make_error(status, body.decode("utf-8", "replace")[:500])
    message = str(err.get("message") or "")
    cls = STATUS_CLASSES.get(str(err.get("status")))
    if status == 400 and "API key not valid" in message:
        cls = ProviderAuth
    if "safety" in message.lower() and status == 400:
        cls = ContentPolicy
    result = make_error(status, message, cls=cls)
    for detail in err.get("details") or []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            delay = str(detail.get("retryDelay", "")).rstrip("s")
            try:
                result.retry_after = float(delay)
            except ValueError:
                pass
    return result


API = ProviderApi("gemini", auth, parse_error)
# capabilities whose models all appear in the listing (a catalog model missing from it is unlisted)
LISTING_COVERS: tuple[str, ...] = ("text", "image", "speech", "transcription", "video")


def base_url(settings: Settings) -> str:
    """The API root including the version segment, e.g. `https://…googleapis.com/v1beta`."""
    return settings.base_url("GEMINI_BASE_URL") + "/v1beta"


def model_path(model: str) -> str:
    return model if model.startswith("models/") else f"models/{model}"


async def list_models(client: ProviderClient) -> list[LiveModel]:
    models, token = [], ""
    for _ in range(20):
        params = {"pageSize": "1000", **({"pageToken": token} if token else {})}
        response = await client.request("GET", "/v1beta/models", params=params, timeout=LISTING_TIMEOUT,
                                        retry="none")
        data = client.json(response)
        for m in data.get("models", []):
            caps = sorted({METHOD_CAPABILITIES[x] for x in m.get("supportedGenerationMethods", [])
                           if x in METHOD_CAPABILITIES})
            name = str(m.get("name", "")).removeprefix("models/")
            models.append(LiveModel(name, caps, m.get("inputTokenLimit")))
        token = data.get("nextPageToken") or ""
        if not token:
            break
    return models
