"""Images on a user-configured OpenAI-compatible endpoint: `POST /images/generations` with
`{model, prompt, n, response_format: "b64_json", size?}`; an endpoint that serves no such route
answers with its own error. Seeds, negative prompts, quality and input images are refused (the
OpenAI shape has no common field for them); `provider_options` reach the body as they are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...capabilities import merge_options
from ...capabilities.image import GENERATE_TIMEOUT, ImageRequest, ImageResult, refuse_unsupported, save_image
from ...errors import ProviderBadRequest

if TYPE_CHECKING:
    from ...context import ProviderContext


def request_body(request: ImageRequest) -> dict[str, Any]:
    refuse_unsupported(request, "quality", "seed", "negative_prompt", "input_images", "output_format",
                       hint="An OpenAI-compatible endpoint takes a prompt, n and size (or provider_options)")
    body: dict[str, Any] = {"model": request.model, "prompt": request.prompt, "n": request.n,
                            "response_format": "b64_json"}
    if request.size is not None:
        body["size"] = f"{request.size[0]}x{request.size[1]}"
    elif request.aspect_ratio is not None:
        refuse_unsupported(request, "aspect_ratio", hint="Give size as WIDTHxHEIGHT instead")
    return merge_options(body, request.provider_options)


async def generate(hub: ProviderContext, request: ImageRequest) -> ImageResult:
    client = hub.client(request.provider)
    body = request_body(request)
    response = await client.request("POST", "/images/generations", retry="generate", json=body,
                                    timeout=GENERATE_TIMEOUT)
    items = [i for i in client.json(response).get("data") or [] if isinstance(i, dict)]
    items = [i for i in items if i.get("b64_json") or i.get("url")]
    if not items:
        raise ProviderBadRequest(f"{client.name} returned no images", provider=client.name,
                                 hint="Check that the endpoint serves /images/generations")
    images = [await save_image(hub, client.name, b64=i.get("b64_json") or "", url=i.get("url") or "")
              for i in items]
    revised = next((i["revised_prompt"] for i in items if i.get("revised_prompt")), None)
    return ImageResult(images, revised, list(request.notes))
