"""generate_video on all six providers through a real MCP client: the exact requests each
provider gets, queued -> running -> succeeded with the MP4 saved and readable as media://,
failures as [job_failed] with the provider's reason, and image-to-video inputs passed the way
each provider takes them."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import samples

pytestmark = pytest.mark.anyio

FAST = {"AI_HUB_POLL_INTERVAL": "0.03"}  # small, yet each state lasts long enough to be seen
# OpenAI shut the Sora API down on 2026-09-24; its wire tests run on a day it still answered
SORA_ERA = {"AI_HUB_TODAY": "2026-09-20"}


def fast(provider: str) -> dict[str, str]:
    return {**FAST, **(SORA_ERA if provider == "openai" else {})}


@dataclass
class Case:
    model: str
    submit: str  # path regex of the submit request
    body: dict[str, Any]  # fields the submit body must carry
    failure: str  # the provider's content-policy reason, as the job reports it


CASES = {
    "fal": Case(
        "fal/fal-ai/minimax/video-01",
        r"/queue/fal-ai/minimax/video-01$",
        {"prompt": "a fox in snow", "duration": "6", "aspect_ratio": "16:9", "seed": 7},
        "fal: content policy violation: The content could not be processed",
    ),
    "wavespeed": Case(
        "wavespeed/google/veo-3.1",
        r"/api/v3/google/veo3.1/text-to-video$",
        {"prompt": "a fox in snow", "duration": 6, "aspect_ratio": "16:9", "seed": 7, "generate_audio": True},
        "wavespeed: content policy: The prompt was flagged",
    ),
    "gemini": Case(
        "gemini/gemini-omni-1.2-flash",
        r"/v1beta/interactions$",
        {
            "model": "gemini-omni-1.2-flash",
            "input": [{"type": "text", "text": "a fox in snow"}],
            "background": True,
            "response_format": {"type": "video", "delivery": "uri", "aspect_ratio": "16:9", "duration": "6s"},
            "generation_config": {"seed": 7},
        },
        "gemini: content policy: Your video couldn't be generated",
    ),
    "xai": Case(
        "xai/grok-imagine-video",
        r"/v1/videos/generations$",
        {"model": "grok-imagine-video", "prompt": "a fox in snow", "duration": 6, "aspect_ratio": "16:9"},
        "xai: Generated video was rejected by content moderation (content_moderated)",
    ),
    "openai": Case(
        "openai/sora-2",
        r"/v1/videos$",
        {"model": "sora-2", "prompt": "a fox in snow", "size": "1280x720"},
        "openai: content policy: Your request was blocked by our moderation system. (moderation_blocked)",
    ),
    "together": Case(
        "together/minimax/video-01-director",
        r"/v2/videos$",
        {
            "model": "minimax/video-01-director",
            "prompt": "a fox in snow",
            "seconds": "6",
            "ratio": "16:9",
            "seed": 7,
        },
        "together: The prompt was flagged by the safety checker",
    ),
}
AUTH = {"fal": ("authorization", "Key {}"), "wavespeed": ("authorization", "Bearer {}"),
        "gemini": ("x-goog-api-key", "{}"), "xai": ("authorization", "Bearer {}"),
        "openai": ("authorization", "Bearer {}"), "together": ("authorization", "Bearer {}")}


def video_args(provider: str, **extra: Any) -> dict[str, Any]:
    args = {
        "prompt": "a fox in snow",
        "model": CASES[provider].model,
        "aspect_ratio": "16:9",
        "wait_seconds": 20,
    }
    if provider != "openai":  # Sora takes 4, 8 or 12 seconds
        args.update(duration_seconds=6)
    if provider in SEEDED:
        args.update(seed=7)
    return {**args, **extra}


SEEDED = {"fal", "wavespeed", "together", "gemini"}  # Sora and xAI video take no seed


@pytest.mark.parametrize(("provider", "param", "value"), [
    ("openai", "seed", 7), ("openai", "negative_prompt", "blur"), ("gemini", "negative_prompt", "blur"),
    ("xai", "seed", 7), ("xai", "negative_prompt", "blur"),
])
async def test_a_parameter_the_video_model_cannot_honour_is_refused_before_anything_is_billed(
    provider, param, value, connect, hub_env, fakes
):
    async with connect(hub_env(provider, **fast(provider))) as client:
        result = await client.call_tool("generate_video", video_args(provider, **{param: value}))
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("[invalid_argument]") and f"(parameter {param}, provider {provider})" in text
    assert "list_models capability=video" in text
    assert fakes[provider].requests == []


@pytest.mark.parametrize("provider", sorted(CASES))
async def test_a_video_job_runs_from_queued_to_a_saved_mp4(provider, connect, hub_env, fakes):
    fake, case = fakes[provider], CASES[provider]
    progress: list[tuple[float, str]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, message or ""))

    async with connect(hub_env(provider, **fast(provider))) as client:
        result = await client.call_tool("generate_video", video_args(provider), progress_callback=on_progress)
        assert not result.is_error, result.content[0].text
        job = result.structured_content
        read = await client.read_resource(job["outputs"][0]["resource_uri"])

    (submit,) = fake.calls(case.submit, "POST")
    header, template = AUTH[provider]
    assert submit.headers[header] == template.format(fake.key)
    assert submit.json() == {**submit.json(), **case.body}, submit.json()
    assert job["status"] == "succeeded" and job["kind"] == "video" and job["provider"] == provider
    assert job["progress"] == 1.0 and job["error"] is None and job["resource_uri"] == f"jobs://{job['job_id']}"
    (media,) = job["outputs"]
    assert media["mime_type"] == "video/mp4" and media["path"].endswith(".mp4")
    assert Path(media["path"]).read_bytes() == samples.mp4(4096)
    assert read.contents[0].mime_type == "video/mp4" and base64.b64decode(
        read.contents[0].blob
    ) == samples.mp4(4096)
    statuses = [m.split(":")[0].split(" ")[0] for _, m in progress]
    # the first report is the job as submitted, unless the poller already saw it start (a busy machine)
    assert statuses[0] in ("queued", "running") and statuses[-1] == "succeeded" and "running" in statuses
    values = [v for v, _ in progress]
    assert values == sorted(values) and len(set(values)) == len(values) and values[-1] == 100
    text = result.content[0].text
    assert media["path"] in text and "succeeded" in text
    assert any(getattr(block, "type", "") == "resource_link" for block in result.content)


@pytest.mark.parametrize("provider", sorted(CASES))
async def test_a_refused_video_is_a_content_policy_error_with_the_providers_reason(provider, connect, hub_env,
                                                                                  fakes):
    fakes[provider].state["outcome"] = "content_policy"
    async with connect(hub_env(provider, **fast(provider))) as client:
        result = await client.call_tool("generate_video", video_args(provider))
        job_id = result.structured_content["job_id"]
        again = await client.call_tool("get_job", {"job_id": job_id})
    assert result.is_error and result.content[0].text.startswith(
        f"[content_policy] {CASES[provider].failure}"
    )
    assert result.structured_content["status"] == "failed" and result.structured_content["outputs"] == []
    assert result.structured_content["error"]["code"] == "content_policy"
    assert again.is_error and again.content[0].text.startswith("[content_policy]")


@pytest.mark.parametrize("provider", sorted(CASES))
async def test_a_failed_video_that_is_no_refusal_stays_job_failed(provider, connect, hub_env, fakes):
    fakes[provider].state["outcome"] = "error"
    async with connect(hub_env(provider, **fast(provider))) as client:
        result = await client.call_tool("generate_video", video_args(provider))
    assert result.is_error and result.content[0].text.startswith("[job_failed]"), result.content[0].text
    assert result.structured_content["error"]["code"] == "job_failed"


async def test_sora_is_marked_deprecated_in_the_result(connect, hub_env):
    async with connect(hub_env("openai", **fast("openai"))) as client:
        result = await client.call_tool(
            "generate_video",
            {"prompt": "x", "model": "openai/sora-2", "wait_seconds": 20, "duration_seconds": 8},
        )
    assert not result.is_error
    assert "openai/sora-2 is deprecated and shuts down on 2026-09-24" in result.content[0].text


async def test_a_provider_error_outcome_is_reported_too(connect, hub_env, fakes):
    fakes["gemini"].state["outcome"] = "error"
    async with connect(hub_env("gemini", **FAST)) as client:
        result = await client.call_tool("generate_video", video_args("gemini"))
    assert result.content[0].text.startswith("[job_failed] gemini: Internal error encountered. (INTERNAL)")


async def test_xai_expired_jobs_fail_with_that_reason(connect, hub_env, fakes):
    fakes["xai"].state["outcome"] = "expired"
    async with connect(hub_env("xai", **FAST)) as client:
        result = await client.call_tool("generate_video", video_args("xai"))
    assert result.content[0].text.startswith("[job_failed] xai: the request expired")


async def test_gemini_video_downloads_with_the_key_and_never_sends_it_to_the_storage_host(
    connect, hub_env, fakes
):
    fake = fakes["gemini"]
    async with connect(hub_env("gemini", **FAST)) as client:
        result = await client.call_tool("generate_video", video_args("gemini"))
    (media,) = result.structured_content["outputs"]
    (file_get,) = fake.calls(r"/v1beta/files/.+:download$", "GET")
    assert file_get.headers["x-goog-api-key"] == fake.key and file_get.param("alt") == "media"
    (storage_get,) = fake.calls(r"^/cdn/.+\.mp4$", "GET")
    assert storage_get.headers["host"].startswith("localhost:")
    assert "x-goog-api-key" not in storage_get.headers and "authorization" not in storage_get.headers
    assert media["source_url"].startswith(fake.url("/v1beta/files/"))


async def test_sora_content_is_downloaded_with_the_key(connect, hub_env, fakes):
    async with connect(hub_env("openai", **fast("openai"))) as client:
        result = await client.call_tool("generate_video", video_args("openai"))
    job = result.structured_content
    (content,) = fakes["openai"].calls(r"/v1/videos/.+/content$", "GET")
    assert content.headers["authorization"] == f"Bearer {fakes['openai'].key}"
    assert job["outputs"][0]["source_url"].endswith("/content")


# --- image-to-video: how each provider gets the image ---------------------------------------------


@pytest.fixture
def still(workdir):
    (workdir / "still.png").write_bytes(samples.png(6, 4))
    return "still.png"


def data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


async def run(connect, env, args):
    async with connect(env) as client:
        result = await client.call_tool("generate_video", args)
    assert not result.is_error, result.content[0].text
    assert result.structured_content["status"] == "succeeded"
    return result.structured_content


async def test_fal_uploads_a_local_image_and_calls_the_image_to_video_endpoint(
    connect, hub_env, fakes, still
):
    fake = fakes["fal"]
    await run(connect, hub_env("fal", **FAST), video_args("fal", image=still))
    (upload,) = fake.state["uploads"]
    assert upload["data"] == samples.png(6, 4) and upload["content_type"] == "image/png"
    (submit,) = fake.calls(r"/queue/fal-ai/minimax/video-01/image-to-video$", "POST")
    assert submit.json()["image_url"] == fake.url("/cdn/uploads/1-still.png")


async def test_fal_passes_an_image_url_as_it_is(connect, hub_env, fakes):
    fake = fakes["fal"]
    url = "https://example.com/still.png"
    args = video_args("fal", model="fal/fal-ai/kling-video/v2.1/standard", image=url, duration_seconds=5)
    await run(connect, hub_env("fal", **FAST), args)
    (submit,) = fake.calls(r"/queue/fal-ai/kling-video/v2.1/standard/image-to-video$", "POST")
    assert submit.json()["image_url"] == url and submit.json()["duration"] == "5"
    assert not fake.calls("/storage/")


async def test_an_image_only_model_without_an_image_is_refused(connect, hub_env, fakes):
    async with connect(hub_env("fal", **FAST)) as client:
        result = await client.call_tool(
            "generate_video", {"prompt": "x", "model": "fal/fal-ai/kling-video/v2.1/standard"}
        )
    assert (
        result.is_error
        and result.content[0].text.startswith("[invalid_argument]")
        and "image" in result.content[0].text
    )
    assert not fakes["fal"].calls("/queue/")


async def test_wavespeed_uploads_the_image_and_switches_to_image_to_video(connect, hub_env, fakes, still):
    fake = fakes["wavespeed"]
    await run(connect, hub_env("wavespeed", **FAST), video_args("wavespeed", image=still))
    (upload,) = fake.calls("/api/v3/media/upload/binary$", "POST")
    assert upload.multipart()["file"] == ("still.png", "image/png", samples.png(6, 4))
    (submit,) = fake.calls(r"/api/v3/google/veo3.1/image-to-video$", "POST")
    assert submit.json()["image"].startswith(fake.url("/cdn/uploads/"))


async def test_gemini_video_gets_the_image_inline_as_base64(connect, hub_env, fakes, still):
    await run(connect, hub_env("gemini", **FAST), video_args("gemini", image=still))
    (submit,) = fakes["gemini"].calls("/v1beta/interactions$", "POST")
    image = submit.json()["input"][1]
    assert image == {
        "type": "image",
        "data": base64.b64encode(samples.png(6, 4)).decode(),
        "mime_type": "image/png",
    }


async def test_xai_gets_a_data_uri_for_a_local_image(connect, hub_env, fakes, still):
    await run(connect, hub_env("xai", **FAST), video_args("xai", image=still))
    (submit,) = fakes["xai"].calls("/v1/videos/generations$", "POST")
    assert submit.json()["image"] == {"url": data_uri(samples.png(6, 4))}


async def test_sora_gets_a_local_image_as_a_multipart_input_reference(connect, hub_env, fakes, still):
    await run(
        connect, hub_env("openai", **fast("openai")), video_args("openai", image=still, duration_seconds=8)
    )
    (submit,) = fakes["openai"].calls("/v1/videos$", "POST")
    form = submit.multipart()
    assert form["input_reference"] == ("still.png", "image/png", samples.png(6, 4))
    assert {k: form[k] for k in ("model", "prompt", "seconds", "size")} == {
        "model": "sora-2",
        "prompt": "a fox in snow",
        "seconds": "8",
        "size": "1280x720",
    }
    assert int(submit.headers["content-length"]) == len(submit.body)


async def test_sora_gets_an_image_url_in_json(connect, hub_env, fakes):
    url = "https://example.com/still.png"
    await run(connect, hub_env("openai", **fast("openai")), video_args("openai", image=url))
    (submit,) = fakes["openai"].calls("/v1/videos$", "POST")
    assert submit.json()["input_reference"] == {"image_url": url}


async def test_together_gets_the_image_as_the_first_frame(connect, hub_env, fakes, still):
    await run(connect, hub_env("together", **FAST), video_args("together", image=data_uri(samples.png(6, 4))))
    (submit,) = fakes["together"].calls("/v2/videos$", "POST")
    assert submit.json()["media"] == {
        "frame_images": [{"input_image": data_uri(samples.png(6, 4)), "frame": "first"}]
    }


async def test_images_outside_the_allowed_directories_are_refused(connect, hub_env, fakes, tmp_path):
    (tmp_path / "secret.png").write_bytes(samples.png())
    async with connect(hub_env("xai", **FAST)) as client:
        result = await client.call_tool(
            "generate_video", video_args("xai", image=str(tmp_path / "secret.png"))
        )
    assert result.is_error and result.content[0].text.startswith("[file_not_allowed]")
    assert not fakes["xai"].calls("/videos")


async def test_a_missing_key_names_the_variable(connect, hub_env):
    async with connect(hub_env()) as client:
        result = await client.call_tool("generate_video", {"prompt": "x", "model": "xai/grok-imagine-video"})
    assert (
        result.is_error
        and result.content[0].text.startswith("[missing_api_key]")
        and "XAI_API_KEY" in result.content[0].text
    )


async def test_bad_durations_are_refused_before_anything_is_sent(connect, hub_env, fakes):
    async with connect(hub_env("openai", **fast("openai"))) as client:
        result = await client.call_tool("generate_video", video_args("openai", duration_seconds=5))
    assert result.is_error and "4, 8, 12 seconds" in result.content[0].text
    assert not fakes["openai"].calls("/videos")


def test_every_video_model_in_the_catalog_has_a_provider_module_and_a_resumable_backend():
    import importlib

    from mcp_ai_hub.catalog import Catalog
    from mcp_ai_hub.jobs.backend import load_backend

    providers = {p for p, e in Catalog.load().entries() if "video" in e.capabilities}
    assert providers == set(CASES)
    for provider in providers:
        module = importlib.import_module(f"mcp_ai_hub.providers.{provider}.video")
        assert callable(module.prepare)
    for ref in (
        "fal.queue",
        "wavespeed.predictions",
        "gemini.video",
        "xai.video",
        "openai.video",
        "together.video",
    ):
        backend = load_backend(ref)
        assert (
            backend.ref == ref
            and backend.poll_interval > 0
            and backend.max_poll_interval >= backend.poll_interval
        )


def test_fal_outputs_are_found_for_every_kind_of_result():
    from mcp_ai_hub.providers.fal.queue import extract_outputs

    def urls(result):
        return [(r.url, r.mime_type) for r in extract_outputs(result)]

    assert urls({"video": {"url": "https://v/a.mp4", "content_type": "video/mp4"}}) == [
        ("https://v/a.mp4", "video/mp4")
    ]
    assert urls({"images": [{"url": "https://v/1.png"}, {"url": "https://v/2.png"}], "seed": 1}) == [
        ("https://v/1.png", ""),
        ("https://v/2.png", ""),
    ]
    assert urls({"audio": {"url": "https://v/s.mp3", "content_type": "audio/mpeg"}}) == [
        ("https://v/s.mp3", "audio/mpeg")
    ]
    assert urls({"audio_url": "https://v/s.wav"}) == [("https://v/s.wav", "")]
    assert urls({"audio_url": {"url": "https://v/s.wav"}}) == [("https://v/s.wav", "")]
    assert urls({"images": [{"url": "data:image/png;base64,AAAA"}]}) == [("data:image/png;base64,AAAA", "")]
    assert urls({"text": "hello", "chunks": []}) == []


async def test_any_fal_or_wavespeed_id_is_called_exactly_as_given(connect, hub_env, fakes, still):
    env = hub_env("fal", "wavespeed", **FAST)
    await run(
        connect, env, {"prompt": "x", "model": "fal/fal-ai/new-lab/video-9/text-to-video", "wait_seconds": 20}
    )
    await run(
        connect,
        env,
        {
            "prompt": "x",
            "model": "wavespeed/acme/new-video/text-to-video",
            "image": still,
            "wait_seconds": 20,
        },
    )
    (fal_submit,) = fakes["fal"].calls("/queue/fal-ai/new-lab/video-9/text-to-video$", "POST")
    assert fal_submit.json() == {"prompt": "x"}
    assert fakes["fal"].calls("/queue/fal-ai/new-lab/requests/.+/status$")  # the returned URLs were followed
    (ws_submit,) = fakes["wavespeed"].calls("/api/v3/acme/new-video/text-to-video$", "POST")
    assert ws_submit.json()["image"].startswith(fakes["wavespeed"].url("/cdn/uploads/"))


async def test_grok_imagine_on_fal_animates_an_image_with_sound(connect, hub_env, fakes):
    url = "https://example.com/still.png"
    await run(
        connect,
        hub_env("fal", **FAST),
        {
            "prompt": "x",
            "model": "fal/xai/grok-imagine-video",
            "image": url,
            "wait_seconds": 20,
            "audio": False,
        },
    )
    (submit,) = fakes["fal"].calls("/queue/xai/grok-imagine-video/image-to-video$", "POST")
    assert submit.json() == {"prompt": "x", "image_url": url, "generate_audio": False}


async def test_provider_options_are_sent_as_given(connect, hub_env, fakes):
    await run(
        connect,
        hub_env("together", **FAST),
        video_args("together", provider_options={"width": 1366, "height": 768, "steps": 20, "seed": 9}),
    )
    body = fakes["together"].calls("/v2/videos$", "POST")[0].json()
    assert (body["width"], body["height"], body["steps"], body["seed"]) == (1366, 768, 20, 9)


async def test_soras_percent_becomes_the_jobs_progress(connect, hub_env, fakes):
    fakes["openai"].state["steps"] = ["queued", "running", "running", "running", "done"]
    messages: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        messages.append(message or "")

    async with connect(hub_env("openai", AI_HUB_POLL_INTERVAL="0.06", **SORA_ERA)) as client:
        await client.call_tool("generate_video", video_args("openai"), progress_callback=on_progress)
    assert [m for m in messages if m.startswith("running") and "saving" not in m] == [
        "running 40%: generating",
        "running 60%: generating",
        "running 80%: generating",
    ]
