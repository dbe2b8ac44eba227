"""generate_image on fal and WaveSpeed, run as hub jobs, through a real MCP client (both protocol
generations): the exact submit each model gets, files saved byte for byte with their MIME type and
dimensions, local input images uploaded first, returning the job when wait_seconds runs out,
refusals as [content_policy], and parameters a model cannot take refused before any request."""

from __future__ import annotations

import base64
import itertools
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp_ai_hub.catalog import Catalog
from mcp_ai_hub.jobs.backend import load_backend
from tests.fakes import samples

pytestmark = pytest.mark.anyio

FAST = {"AI_HUB_POLL_INTERVAL": "0.02"}
AUTH = {"fal": "Key {}", "wavespeed": "Bearer {}"}
SUBMIT = {"fal": "/queue/{}", "wavespeed": "/api/v3/{}"}


def submits(fake, provider: str) -> list:
    """Every submit the fake received (not the polls, uploads or CDN reads)."""
    if provider == "fal":
        return [r for r in fake.calls("^/queue/", "POST")]
    return [r for r in fake.calls("^/api/v3/", "POST") if not r.path.startswith("/api/v3/media/")]


async def until(predicate, timeout: float = 5.0) -> None:
    with anyio.fail_after(timeout):
        while not await predicate():
            await anyio.sleep(0.01)


# --- a job from submit to saved files -------------------------------------------------------------

RUNS = {
    "fal": (
        {"model": "fal/fal-ai/flux/dev", "aspect_ratio": "4:3", "n": 2, "seed": 7, "output_format": "jpeg"},
        "fal-ai/flux/dev",
        {
            "prompt": "a red fox",
            "image_size": "landscape_4_3",
            "num_images": 2,
            "seed": 7,
            "output_format": "jpeg",
        },
        samples.jpeg(1024, 768),
        "image/jpeg",
    ),
    "wavespeed": (
        {
            "model": "wavespeed/wavespeed-ai/flux-dev",
            "size": "1024x768",
            "n": 2,
            "seed": 7,
            "output_format": "png",
        },
        "wavespeed-ai/flux-dev",
        {"prompt": "a red fox", "size": "1024*768", "num_images": 2, "seed": 7, "output_format": "png"},
        samples.png(1024, 768),
        "image/png",
    ),
}


@pytest.mark.parametrize("provider", sorted(RUNS))
async def test_an_image_job_is_submitted_once_and_its_images_saved_as_the_provider_made_them(
        provider, connect, hub_env, fakes):
    fake = fakes[provider]
    args, endpoint, body, made, mime = RUNS[provider]
    progress: list[tuple[float, float | None, str]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message or ""))

    async with connect(hub_env(provider, **FAST)) as client:
        result = await client.call_tool("generate_image", {"prompt": "a red fox", **args, "wait_seconds": 20},
                                        progress_callback=on_progress)
        assert not result.is_error, result.content[0].text
        out = result.structured_content
        read = await client.read_resource(out["images"][0]["resource_uri"])

    (submit,) = submits(fake, provider)
    assert submit.path == SUBMIT[provider].format(endpoint)
    assert submit.headers["authorization"] == AUTH[provider].format(fake.key)
    assert submit.json() == body
    assert out["model"] == args["model"] and out["provider"] == provider and out["revised_prompt"] is None
    assert len(out["images"]) == 2
    for media in out["images"]:
        assert Path(media["path"]).read_bytes() == made
        assert (media["mime_type"], media["width"], media["height"], media["bytes"]) == (
            mime,
            1024,
            768,
            len(made),
        )
        assert media["source_url"].startswith(fake.url("/cdn/")) and media["path"] in result.content[0].text
    job = out["job"]
    assert job["status"] == "succeeded" and job["kind"] == "image" and job["provider"] == provider
    assert job["outputs"] == out["images"] and job["model"] == args["model"].split("/", 1)[1]
    assert read.contents[0].mime_type == mime and base64.b64decode(read.contents[0].blob) == made
    kinds = [block.type for block in result.content]
    assert kinds == ["text", "resource_link", "image", "resource_link", "image"]
    assert f"(job {job['job_id']})" in result.content[0].text
    values = [value for value, _, _ in progress]
    assert all(b > a for a, b in itertools.pairwise(values)) and values[-1] == progress[-1][1]
    assert any(m.startswith("queued") for _, _, m in progress) and progress[-1][2].startswith("succeeded")


async def test_inline_previews_only_under_the_size_cap(connect, hub_env, fakes):
    env = hub_env("fal", AI_HUB_INLINE_MAX_BYTES="100", **FAST)
    async with connect(env) as client:
        result = await client.call_tool("generate_image", {"prompt": "x", "model": "fal/fal-ai/flux/schnell",
                                                           "size": "64x48"})
    assert not result.is_error, result.content[0].text
    assert [block.type for block in result.content] == ["text", "resource_link"]
    assert result.structured_content["images"][0]["bytes"] > 100


# --- what each model is sent ------------------------------------------------------------------------

URL_A, URL_B = "https://example.com/a.png", "https://example.com/b.png"
MAPPINGS = [
    ("fal", {"model": "fal/fal-ai/flux/dev"}, "fal-ai/flux/dev", {"num_images": 1}),
    (
        "fal",
        {"model": "fal/fal-ai/flux/schnell", "size": "1024x640"},
        "fal-ai/flux/schnell",
        {"image_size": {"width": 1024, "height": 640}, "num_images": 1},
    ),
    (
        "fal",
        {"model": "fal/fal-ai/flux-pro/v1.1", "aspect_ratio": "21:9", "n": 4},
        "fal-ai/flux-pro/v1.1",
        {"image_size": {"width": 1568, "height": 672}, "num_images": 4},
    ),
    (
        "fal",
        {"model": "fal/fal-ai/flux-2-max", "seed": 3, "output_format": "png"},
        "fal-ai/flux-2-max",
        {"seed": 3, "output_format": "png"},
    ),
    (
        "fal",
        {"model": "fal/fal-ai/flux-2/flash", "output_format": "webp", "aspect_ratio": "9:16"},
        "fal-ai/flux-2/flash",
        {"image_size": "portrait_16_9", "num_images": 1, "output_format": "webp"},
    ),
    (
        "fal",
        {"model": "fal/fal-ai/flux-kontext", "aspect_ratio": "16:9", "input_images": [URL_A]},
        "fal-ai/flux-kontext/dev",
        {"resolution_mode": "16:9", "num_images": 1, "image_url": URL_A},
    ),
    (
        "fal",
        {"model": "fal/fal-ai/flux-2-max", "input_images": [URL_A, URL_B]},
        "fal-ai/flux-2-max/edit",
        {"image_urls": [URL_A, URL_B]},
    ),
    (
        "fal",
        {
            "model": "fal/fal-ai/flux-lora",
            "input_images": [URL_A],
            "provider_options": {"loras": [{"path": "https://x/l.safetensors", "scale": 1}], "strength": 0.7},
        },
        "fal-ai/flux-lora/image-to-image",
        {
            "num_images": 1,
            "image_url": URL_A,
            "loras": [{"path": "https://x/l.safetensors", "scale": 1}],
            "strength": 0.7,
        },
    ),
    (
        "fal",
        {"model": "fal/fal-ai/hidream-i1-full", "negative_prompt": "blur", "seed": 1, "quality": "high"},
        "fal-ai/hidream-i1-full",
        {"seed": 1, "negative_prompt": "blur", "quality": "high"},
    ),
    (
        "wavespeed",
        {"model": "wavespeed/bytedance/seedream-4.5", "aspect_ratio": "16:9"},
        "bytedance/seedream-v4.5",
        {"size": "2736*1536"},
    ),
    (
        "wavespeed",
        {"model": "wavespeed/bytedance/seedream-4.5", "input_images": [URL_A, URL_B]},
        "bytedance/seedream-v4.5/edit",
        {"images": [URL_A, URL_B]},
    ),
    (
        "wavespeed",
        {"model": "wavespeed/google/gemini-3-pro-image", "size": "1600x900", "output_format": "png"},
        "google/nano-banana-pro/text-to-image",
        {"aspect_ratio": "16:9", "resolution": "2k", "output_format": "png"},
    ),
    (
        "wavespeed",
        {"model": "wavespeed/openai/gpt-image-2", "aspect_ratio": "3:2", "quality": "high"},
        "openai/gpt-image-2/text-to-image",
        {"size": "1536*1024", "quality": "high"},
    ),
    (
        "wavespeed",
        {"model": "wavespeed/openai/gpt-image-2", "input_images": [URL_A]},
        "openai/gpt-image-2/edit",
        {"images": [URL_A]},
    ),
    (
        "wavespeed",
        {"model": "wavespeed/wavespeed-ai/flux-dev", "aspect_ratio": "21:9", "input_images": [URL_A]},
        "wavespeed-ai/flux-dev",
        {"size": "1536*656", "num_images": 1, "image": URL_A},
    ),
    (
        "wavespeed",
        {"model": "wavespeed/acme/new-image", "size": "512x512", "n": 2, "negative_prompt": "blur"},
        "acme/new-image",
        {"size": "512*512", "num_images": 2, "negative_prompt": "blur"},
    ),
]


@pytest.mark.parametrize("provider, args, endpoint, fields", MAPPINGS,
                         ids=[f"{p}-{e}-{i}" for i, (p, _, e, _) in enumerate(MAPPINGS)])
async def test_each_model_gets_its_own_fields(provider, args, endpoint, fields, connect, hub_env, fakes):
    async with connect(hub_env(provider, **FAST)) as client:
        result = await client.call_tool("generate_image", {"prompt": "a red fox", "wait_seconds": 0, **args})
    assert not result.is_error, result.content[0].text
    (submit,) = submits(fakes[provider], provider)
    assert submit.path == SUBMIT[provider].format(endpoint)
    assert submit.json() == {"prompt": "a red fox", **fields}
    notes = result.structured_content["notes"]
    if args.get("input_images") and endpoint != args["model"].split("/", 1)[1] and "kontext" not in endpoint:
        assert any(f"input images sent to {endpoint}" in n for n in notes), notes
    if "hidream" in endpoint or "acme" in endpoint:
        assert any("is not one the hub knows" in n for n in notes), notes
    assert not fakes[provider].calls("/storage/|/media/upload")  # URLs are passed as they are


REFUSALS = [
    ("fal", {"model": "fal/fal-ai/flux/dev", "quality": "high"}, "parameter quality, provider fal"),
    (
        "fal",
        {"model": "fal/fal-ai/flux/dev", "negative_prompt": "blur"},
        "parameter negative_prompt, provider fal",
    ),
    (
        "fal",
        {"model": "fal/fal-ai/flux/dev", "n": 5},
        "makes at most 4 images a request (parameter n, provider fal)",
    ),
    (
        "fal",
        {"model": "fal/fal-ai/flux-2-max", "n": 2},
        "makes one image a request (parameter n, provider fal)",
    ),
    ("fal", {"model": "fal/fal-ai/flux/dev/image-to-image"}, "input_images is required"),
    (
        "fal",
        {"model": "fal/fal-ai/flux/dev/image-to-image", "size": "512x512", "input_images": [URL_A]},
        "keeps the input image's size (parameter size, provider fal)",
    ),
    (
        "fal",
        {"model": "fal/fal-ai/flux-kontext", "input_images": [URL_A, URL_B]},
        "takes one input image, not 2",
    ),
    ("fal", {"model": "fal/fal-ai/flux/schnell", "output_format": "webp"}, "makes jpeg or png, not webp"),
    ("fal", {"model": "fal/fal-ai/flux/schnell", "input_images": [URL_A]}, "does not edit images"),
    (
        "wavespeed",
        {"model": "wavespeed/bytedance/seedream-4.5", "seed": 5},
        "parameter seed, provider wavespeed",
    ),
    (
        "wavespeed",
        {"model": "wavespeed/openai/gpt-image-2", "size": "1000x1000"},
        "makes only 1024x1024, 1536x1024 or 1024x1536 images (parameter size, provider wavespeed)",
    ),
    (
        "wavespeed",
        {"model": "wavespeed/openai/gpt-image-2", "output_format": "png"},
        "has no output_format",
    ),
    (
        "wavespeed",
        {"model": "wavespeed/wavespeed-ai/flux-dev", "size": "2048x2048"},
        "sides of 512 to 1536 px",
    ),
    ("wavespeed", {"model": "wavespeed/google/gemini-3-pro-image", "n": 2}, "makes one image a request"),
    (
        "wavespeed",
        {"model": "wavespeed/google/gemini-3-pro-image", "aspect_ratio": "5:1"},
        "has no shape close to 5:1 (parameter aspect_ratio, provider wavespeed)",
    ),
]


@pytest.mark.parametrize("provider, args, expected", REFUSALS, ids=[str(i) for i in range(len(REFUSALS))])
async def test_parameters_a_model_cannot_take_are_refused_before_any_request(
        provider, args, expected, connect, hub_env, fakes, workdir):
    (workdir / "in.png").write_bytes(samples.png(8, 8))
    async with connect(hub_env(provider, **FAST)) as client:
        result = await client.call_tool("generate_image", {"prompt": "a red fox", **args})
    text = result.content[0].text
    assert result.is_error and text.startswith("[invalid_argument]") and expected in text, text
    assert fakes[provider].requests == []  # no upload, no submit


# --- input images -------------------------------------------------------------------------------------


async def test_fal_image_to_image_uploads_a_local_file_and_passes_its_cdn_url(
    connect, hub_env, fakes, workdir
):
    fake = fakes["fal"]
    source = samples.png(40, 30, rgb=(1, 2, 3))
    (workdir / "start.png").write_bytes(source)
    async with connect(hub_env("fal", **FAST)) as client:
        result = await client.call_tool(
            "generate_image",
            {
                "prompt": "make it blue",
                "model": "fal/fal-ai/flux/dev",
                "input_images": ["start.png"],
                "seed": 9,
            },
        )
    assert not result.is_error, result.content[0].text
    (token,) = fake.calls("^/rest/storage/auth/token$", "POST")
    assert token.param("storage_type") == "fal-cdn-v3" and token.headers["authorization"] == f"Key {fake.key}"
    (upload,) = fake.calls("^/cdn/v3/files/upload$", "POST")
    assert upload.body == source and upload.headers["content-type"] == "image/png"
    assert (
        upload.headers["authorization"] == "Bearer cdn-token-1"
        and upload.headers["x-fal-file-name"] == "start.png"
    )
    assert fake.state["uploads"][0]["data"] == source
    (submit,) = submits(fake, "fal")
    assert submit.path == "/queue/fal-ai/flux/dev/image-to-image"
    assert submit.json() == {"prompt": "make it blue", "num_images": 1, "seed": 9,
                             "image_url": fake.url("/cdn/uploads/1-start.png")}
    out = result.structured_content
    assert out["notes"] == [
        "input images sent to fal-ai/flux/dev/image-to-image, where fal-ai/flux/dev edits"
    ]
    (media,) = out["images"]
    assert Path(media["path"]).read_bytes() == samples.png(4, 3) and media["mime_type"] == "image/png"


async def test_wavespeed_edits_upload_local_files_and_pass_their_urls(connect, hub_env, fakes, workdir):
    fake = fakes["wavespeed"]
    (workdir / "a.jpg").write_bytes(samples.jpeg(20, 10))
    data_uri = "data:image/png;base64," + base64.b64encode(samples.png(5, 5)).decode()
    async with connect(hub_env("wavespeed", **FAST)) as client:
        result = await client.call_tool("generate_image", {
            "prompt": "put them together", "model": "wavespeed/bytedance/seedream-4.5",
            "input_images": ["a.jpg", data_uri], "size": "2048x2048"})
    assert not result.is_error, result.content[0].text
    uploads = fake.calls("^/api/v3/media/upload/binary$", "POST")
    assert len(uploads) == 2 and all(u.headers["authorization"] == f"Bearer {fake.key}" for u in uploads)
    assert [u["data"] for u in fake.state["uploads"]] == [samples.jpeg(20, 10), samples.png(5, 5)]
    assert fake.state["uploads"][0]["content_type"] == "image/jpeg"
    (submit,) = submits(fake, "wavespeed")
    assert submit.path == "/api/v3/bytedance/seedream-v4.5/edit"
    assert submit.json() == {
        "prompt": "put them together",
        "size": "2048*2048",
        "images": [fake.url("/cdn/uploads/1-a.jpg"), fake.url("/cdn/uploads/2-input.png")],
    }
    (media,) = result.structured_content["images"]
    assert (media["width"], media["height"]) == (2048, 2048)
    assert Path(media["path"]).read_bytes() == samples.png(2048, 2048)


# --- jobs that outlast the wait, refusals, failures -------------------------------------------------


@pytest.mark.parametrize("provider, model", [("fal", "fal/fal-ai/flux/dev"),
                                             ("wavespeed", "wavespeed/wavespeed-ai/flux-dev")])
async def test_wait_seconds_zero_returns_the_job_and_get_job_finishes_it(
    provider, model, connect, hub_env, fakes
):
    fake = fakes[provider]
    fake.state["hold"] = True
    async with connect(hub_env(provider, **FAST)) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "a fox", "model": model, "wait_seconds": 0}
        )
        assert not result.is_error, result.content[0].text
        out = result.structured_content
        job = out["job"]
        assert out["images"] == [] and out["model"] == model and job["status"] in ("queued", "running")
        assert f'get_job with job_id="{job["job_id"]}"' in result.content[0].text
        assert [block.type for block in result.content] == ["text"]
        fake.state["hold"] = False
        done = await client.call_tool("get_job", {"job_id": job["job_id"], "wait_seconds": 10})
        read = await client.read_resource(done.structured_content["outputs"][0]["resource_uri"])
    assert not done.is_error and done.structured_content["status"] == "succeeded"
    (media,) = done.structured_content["outputs"]
    assert Path(media["path"]).read_bytes() == samples.png(4, 3) and (media["width"], media["height"]) == (
        4,
        3,
    )
    assert base64.b64decode(read.contents[0].blob) == samples.png(4, 3)
    assert len(submits(fake, provider)) == 1


REFUSED = {
    "fal": (
        "fal/fal-ai/flux/dev",
        (
            "[content_policy] fal: content policy violation: The content could not be "
            "processed because it contained material flagged by a content checker."
        ),
    ),
    "wavespeed": (
        "wavespeed/wavespeed-ai/flux-dev",
        "[content_policy] wavespeed: content policy: The prompt was flagged as sensitive content",
    ),
}


@pytest.mark.parametrize("provider", sorted(REFUSED))
async def test_a_safety_refusal_is_content_policy_with_the_providers_reason(
    provider, connect, hub_env, fakes
):
    fakes[provider].state["outcome"] = "content_policy"
    model, expected = REFUSED[provider]
    async with connect(hub_env(provider, **FAST)) as client:
        result = await client.call_tool("generate_image", {"prompt": "something", "model": model})
        job = result.structured_content
        again = await client.call_tool("get_job", {"job_id": job["job_id"]})
    assert result.is_error and result.content[0].text.startswith(expected), result.content[0].text
    assert job["status"] == "failed" and job["outputs"] == [] and job["error"]["code"] == "content_policy"
    assert again.is_error and again.content[0].text.startswith(expected)


@pytest.mark.parametrize(
    "provider, model, reason",
    [
        (
            "fal",
            "fal/fal-ai/flux/dev",
            "[job_failed] fal: Runner crashed: CUDA out of memory (runner_server_error)",
        ),
        (
            "wavespeed",
            "wavespeed/wavespeed-ai/flux-dev",
            "[job_failed] wavespeed: Internal error: inference failed",
        ),
    ],
)
async def test_other_failures_are_job_failed_with_the_providers_reason(
    provider, model, reason, connect, hub_env, fakes
):
    fakes[provider].state["outcome"] = "error"
    async with connect(hub_env(provider, **FAST)) as client:
        result = await client.call_tool("generate_image", {"prompt": "something", "model": model})
    assert result.is_error and result.content[0].text.startswith(reason), result.content[0].text


async def test_images_blanked_by_the_safety_checker_are_saved_and_named_in_a_note(connect, hub_env, fakes):
    fake = fakes["fal"]

    def flagged(fake, job) -> dict[str, Any]:
        urls = [
            fake.publish(f"{job.id}-{i}.png", samples.png(4, 3, rgb=(0, 0, 0)), "image/png") for i in range(2)
        ]
        return {
            "images": [{"url": u, "content_type": "image/png"} for u in urls],
            "has_nsfw_concepts": [False, True],
        }

    fake.state["results"] = {"fal-ai/flux/dev": flagged}
    async with connect(hub_env("fal", **FAST)) as client:
        result = await client.call_tool(
            "generate_image", {"prompt": "x", "model": "fal/fal-ai/flux/dev", "n": 2}
        )
    assert not result.is_error and len(result.structured_content["images"]) == 2
    note = "fal's safety checker flagged image 2 (has_nsfw_concepts): likely blank; rephrase the prompt"
    assert result.structured_content["notes"] == [note] and f"Note: {note}" in result.content[0].text


async def test_a_missing_key_names_the_variable_before_any_request(connect, hub_env, fakes):
    async with connect(hub_env(**FAST)) as client:
        fal = await client.call_tool("generate_image", {"prompt": "x", "model": "fal/fal-ai/flux/dev"})
        ws = await client.call_tool(
            "generate_image", {"prompt": "x", "model": "wavespeed/wavespeed-ai/flux-dev"}
        )
    assert (
        fal.is_error
        and fal.content[0].text.startswith("[missing_api_key]")
        and "FAL_KEY" in fal.content[0].text
    )
    assert ws.is_error and "WAVESPEED_API_KEY" in ws.content[0].text
    assert fakes["fal"].requests == [] and fakes["wavespeed"].requests == []


async def test_cancelling_the_call_cancels_the_fal_job(connect, hub_env, fakes):
    fake = fakes["fal"]
    fake.state["hold"] = True
    async with connect(hub_env("fal", **FAST)) as client:
        async with anyio.create_task_group() as tg:
            async def call() -> None:
                await client.call_tool("generate_image", {"prompt": "x", "model": "fal/fal-ai/flux/dev"})

            tg.start_soon(call)

            async def polled() -> bool:
                return len(fake.calls("/status$")) >= 4

            await until(polled)
            tg.cancel_scope.cancel()

        async def cancelled() -> bool:
            return bool(fake.calls("/cancel$", "PUT"))

        await until(cancelled)
    (put,) = fake.calls("/cancel$", "PUT")
    assert put.path.startswith("/queue/fal-ai/flux/requests/")


# --- the catalog and the modules agree ---------------------------------------------------------------


def test_every_fal_and_wavespeed_catalog_image_model_is_one_its_module_knows():
    from mcp_ai_hub.providers.fal import image as fal_image
    from mcp_ai_hub.providers.wavespeed import image as ws_image

    modules = {"fal": fal_image, "wavespeed": ws_image}
    for provider, entry in Catalog.load().entries():
        if provider in modules and "image" in entry.capabilities:
            known = modules[provider].ENDPOINTS.get(entry.wire_id)
            assert known is not None, entry.id
            edits = bool(known.edit or known.images)
            assert edits == ("edit" in entry.features), entry.id
    for ref in ("fal.image", "wavespeed.image"):
        backend = load_backend(ref)
        assert backend.ref == ref and backend.poll_interval > 0


async def test_a_calls_progress_keeps_increasing_from_the_request_phase_into_the_job_wait():
    from mcp_ai_hub.server.progress import CallProgress

    class Recorder:
        def __init__(self) -> None:
            self.sent: list[tuple[float, float | None, str | None]] = []

        async def report_progress(
            self, progress: float, total: float | None = None, message: str | None = None
        ):
            self.sent.append((progress, total, message))

    ctx = Recorder()
    progress = CallProgress(ctx)  # type: ignore[arg-type]
    await progress.report_progress(0, None, "request sent")
    await progress.report_progress(12.0, None, "uploading (12s)")  # a slow upload before the job
    progress.next_phase()
    for value in (0, 0.1, 50, 100):
        await progress.report_progress(value, 100, f"job {value}")
    await progress.report_progress(40, 100, "stale")  # never goes back
    assert ctx.sent == [(0, None, "request sent"), (12.0, None, "uploading (12s)"), (13.0, 113.0, "job 0"),
                        (13.1, 113.0, "job 0.1"), (63.0, 113.0, "job 50"), (113.0, 113.0, "job 100")]
