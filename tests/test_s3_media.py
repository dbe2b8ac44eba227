"""The S3 media store against moto's S3 server (moto[server], pure Python from PyPI, so CI needs no
container or binary): Signature V4 identical to botocore's, outputs uploaded (one PUT, or multipart
in parts), presigned URLs and media:// reads giving the same bytes, another replica reading an
output it does not have on disk, failed uploads leaving nothing behind, settings checked loudly."""

from __future__ import annotations

import base64
import socket
import time
from pathlib import Path

import httpx2
import pytest

from mcp_ai_hub.config import Settings, SettingsError
from mcp_ai_hub.errors import StorageError
from mcp_ai_hub.s3 import EMPTY_SHA256, S3Config, Signer
from mcp_ai_hub.s3_media import S3MediaStore
from tests.fakes import samples

pytestmark = pytest.mark.anyio
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIDTEST",
    "AWS_SECRET_ACCESS_KEY": "secret/key+test",
    "AWS_REGION": "eu-west-1",
}


@pytest.fixture(scope="module")
def s3_endpoint():
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed (the test extra)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint) -> str:
    import boto3

    name = f"hub-{time.monotonic_ns()}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-west-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return name


def settings_for(workdir: Path, endpoint: str, bucket: str, out: str = "out", **extra: str) -> Settings:
    env = {
        **CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint,
        "AI_HUB_MEDIA_STORE": f"s3://{bucket}/team/outputs",
        "AI_HUB_OUTPUT_DIR": str(workdir / out),
        **extra,
    }
    return Settings.load(environ=env, cwd=workdir)


def _epoch(stamp: str) -> float:
    import calendar

    return float(calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ")))


def test_signatures_match_botocores_for_headers_and_presigned_urls():
    from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    config = S3Config("AKIDTEST", "secret/key+test", "eu-west-1", "http://127.0.0.1:9000", "session/token=")
    signer = Signer(config)
    url = "http://127.0.0.1:9000/bucket/team/a%20b%2Bc.png"
    creds = Credentials("AKIDTEST", "secret/key+test", "session/token=")

    request = AWSRequest(
        "PUT", url + "?partNumber=2&uploadId=a%2Fb%3Dc", headers={"Content-Type": "image/png"}
    )
    S3SigV4Auth(creds, "s3", "eu-west-1").add_auth(request)
    now = _epoch(request.headers["X-Amz-Date"])
    ours = signer.headers(
        "PUT",
        url,
        {"partNumber": "2", "uploadId": "a/b=c"},
        EMPTY_SHA256,
        {"Content-Type": "image/png"},
        now=now,
    )
    assert ours["authorization"] == request.headers["Authorization"]

    query = AWSRequest("GET", url)
    S3SigV4QueryAuth(creds, "s3", "eu-west-1", expires=600).add_auth(query)
    theirs = dict(p.split("=", 1) for p in query.url.split("?", 1)[1].split("&"))
    presigned = signer.presign(url, 600, now=_epoch(theirs["X-Amz-Date"]))
    mine = dict(p.split("=", 1) for p in presigned.split("?", 1)[1].split("&"))
    assert mine == theirs and presigned.split("?")[0] == url


async def test_an_output_is_uploaded_and_read_back_the_same_through_a_presigned_url_and_media(
    workdir, s3_endpoint, bucket
):
    store = S3MediaStore(settings_for(workdir, s3_endpoint, bucket))
    png = samples.png(5, 4)
    try:
        media = await store.save_bytes(png, "fal")
        assert media.url and media.url.startswith(f"{s3_endpoint}/{bucket}/team/outputs/{media.name}?")
        assert media.to_dict()["url"] == media.url and media.to_dict()["url_expires_at"].endswith("Z")
        async with httpx2.AsyncClient(timeout=10) as client:
            fetched = await client.get(media.url)
            unsigned = await client.get(media.url.split("?")[0])
        assert fetched.status_code == 200 and fetched.content == png
        assert unsigned.status_code == 403  # nothing is public without the signature
        found = await store.lookup(media.name)
        assert (found.mime_type, found.width, await store.read(found)) == ("image/png", 5, png)
    finally:
        await store.aclose()

    # another replica, with an empty output directory of its own
    other = S3MediaStore(settings_for(workdir, s3_endpoint, bucket, out="other"))
    try:
        found = await other.lookup(media.name)
        assert (found.mime_type, found.bytes) == ("image/png", len(png)) and not found.path.exists()
        assert await other.read(found) == png
        presented = other.present(media.to_dict())
        assert presented["url"] != media.url or presented["url_expires_at"]  # signed afresh on every read
        with pytest.raises(Exception, match="no such media"):
            await other.lookup("20260101-000000-fal-0000.png")
    finally:
        await other.aclose()


async def test_a_large_output_goes_up_in_parts_and_comes_back_whole(
    workdir, s3_endpoint, bucket, monkeypatch
):
    from mcp_ai_hub import s3

    monkeypatch.setattr(s3, "PART_SIZE", 5 * 1024 * 1024)  # S3's smallest part; 3 parts below
    store = S3MediaStore(settings_for(workdir, s3_endpoint, bucket))
    body = samples.mp4(12 * 1024 * 1024)

    async def chunks():
        for start in range(0, len(body), 1 << 20):
            yield body[start : start + (1 << 20)]

    try:
        media = await store.save_stream(chunks(), "fal")
        assert media.mime_type == "video/mp4" and media.bytes == len(body)
        async with httpx2.AsyncClient(timeout=30) as client:
            fetched = await client.get(media.url)
        assert fetched.content == body
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=s3_endpoint,
            region_name="eu-west-1",
            aws_access_key_id="x",
            aws_secret_access_key="y",
        )
        head = client.head_object(Bucket=bucket, Key=f"team/outputs/{media.name}")
        assert head["ETag"].strip('"').endswith("-3")  # a multipart object of three parts
        assert head["ContentType"] == "video/mp4"
    finally:
        await store.aclose()


async def test_a_streamed_wav_is_uploaded_with_its_real_sizes(workdir, s3_endpoint, bucket):
    from mcp_ai_hub.audio import save_pcm_as_wav

    store = S3MediaStore(settings_for(workdir, s3_endpoint, bucket))

    async def pcm():
        yield b"\x01\x00" * 8000

    try:
        media = await save_pcm_as_wav(store, pcm(), "gemini", rate=8000)
        assert await store.bucket.get(store.key(media.name)) == media.path.read_bytes()
        assert media.duration_seconds == 1.0
    finally:
        await store.aclose()


async def test_a_failed_upload_is_a_storage_error_and_leaves_no_file(workdir, s3_endpoint):
    store = S3MediaStore(settings_for(workdir, s3_endpoint, "no-such-bucket-here"))
    try:
        with pytest.raises(StorageError) as err:
            await store.save_bytes(b"data", "fal")
        assert "NoSuchBucket" in err.value.render() and "secret" not in err.value.render()
        assert list((workdir / "out").iterdir()) == []
        with pytest.raises(StorageError):
            store.check_writable()
    finally:
        await store.aclose()


def test_the_bucket_write_check_runs_before_billed_calls(workdir, s3_endpoint, bucket):
    store = S3MediaStore(settings_for(workdir, s3_endpoint, bucket))
    store.check_writable()  # a probe object written and deleted
    assert store._checked


@pytest.mark.parametrize(
    "env, says",
    [
        ({"AI_HUB_MEDIA_STORE": "s3://"}, "AI_HUB_MEDIA_STORE: 's3://' is not an s3://bucket/prefix URL"),
        ({"AI_HUB_MEDIA_STORE": "https://bucket/x"}, "AI_HUB_MEDIA_STORE:"),
        ({"AI_HUB_MEDIA_STORE": "s3://Bad_Bucket/x", **CREDENTIALS}, "is not an s3://bucket/prefix URL"),
        ({"AI_HUB_MEDIA_STORE": "s3://bucket/x"}, "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        (
            {"AI_HUB_MEDIA_STORE": "s3://bucket/x", **CREDENTIALS, "AWS_ENDPOINT_URL": "minio:9000"},
            "AWS_ENDPOINT_URL:",
        ),
        ({"AI_HUB_MEDIA_URL_TTL": "0"}, "AI_HUB_MEDIA_URL_TTL:"),
    ],
)
def test_bad_media_store_settings_are_start_up_errors_naming_the_variable(env, says, workdir):
    with pytest.raises(SettingsError, match=says.replace("?", r"\?")):
        Settings.load(environ=env, cwd=workdir)


def test_s3_credentials_are_redacted_like_keys(workdir):
    settings = Settings.load(environ={**CREDENTIALS, "AWS_SESSION_TOKEN": "tok123"}, cwd=workdir)
    assert {"secret/key+test", "tok123"} <= set(settings.secrets())


@pytest.mark.both_generations
async def test_a_job_output_in_s3_is_read_through_media_on_another_replica(
    connect, hub_env, fakes, workdir, s3_endpoint, bucket
):
    s3 = {
        **CREDENTIALS,
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AI_HUB_MEDIA_STORE": f"s3://{bucket}/hub",
        "AI_HUB_POLL_INTERVAL": "0.01",
    }
    async with connect(hub_env("fal", AI_HUB_OUTPUT_DIR=str(workdir / "a"), **s3)) as first:
        done = await first.call_tool(
            "generate_image", {"prompt": "a fox", "model": "fal/fal-ai/flux/dev", "wait_seconds": 20}
        )
    assert not done.is_error, done.content[0].text
    image = done.structured_content["images"][0]
    assert image["url"].startswith(f"{s3_endpoint}/{bucket}/hub/")
    async with connect(hub_env("fal", AI_HUB_OUTPUT_DIR=str(workdir / "b"), **s3)) as second:
        read = await second.read_resource(image["resource_uri"])
    blob = read.contents[0]
    assert blob.mime_type == "image/png"
    assert base64.b64decode(blob.blob) == Path(image["path"]).read_bytes()


def test_presigned_urls_name_the_public_endpoint_when_one_is_set(workdir):
    settings = settings_for(
        workdir, "http://minio:9000", "team-bucket", AI_HUB_MEDIA_PUBLIC_ENDPOINT="https://media.example.com"
    )
    store = S3MediaStore(settings)
    assert store.bucket.url("k") == "http://minio:9000/team-bucket/k"  # where the hub uploads
    url = store.bucket.presign("team/outputs/a.png", 60)
    assert url.startswith("https://media.example.com/team-bucket/team/outputs/a.png?X-Amz-Algorithm=")
    assert "X-Amz-Expires=60&" in url
