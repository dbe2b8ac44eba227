"""Input URLs never reach internal addresses: loopback, private, link-local and IPv6 loopback
addresses, names resolving to them and redirects to them are refused with [invalid_argument] and
nothing fetched or sent; AI_HUB_ALLOW_PRIVATE_URLS opens exactly what it names, and a checked name
is connected to at the address that was checked (Host kept)."""

from __future__ import annotations

import ipaddress

import pytest

from mcp_ai_hub.url_guard import UrlPolicy, internal
from tests.fakes import samples

pytestmark = pytest.mark.anyio


def strict(hub_env, *providers: str, allow: str = "") -> dict[str, str]:
    env = hub_env(*providers)
    env["AI_HUB_ALLOW_PRIVATE_URLS"] = allow
    return env


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.5",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::5",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_internal_addresses_are_recognised(address):
    assert internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert not internal(ipaddress.ip_address(address))


def test_the_setting_takes_all_or_a_list_of_hosts_and_networks():
    assert UrlPolicy.parse("1").allow_all and UrlPolicy.parse("all").allow_all
    some = UrlPolicy.parse("cdn.intranet, files.local:8080, 10.0.0.0/8")
    assert some.allows_host("CDN.intranet", 443) and some.allows_host("files.local", 8080)
    assert not some.allows_host("files.local", 80)
    assert some.allows_address(ipaddress.ip_address("10.9.9.9"))
    assert not some.allows_address(ipaddress.ip_address("192.168.1.1"))
    assert UrlPolicy.parse("") == UrlPolicy()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/cdn/x.png",
        "http://10.0.0.7/x.png",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:{port}/cdn/x.png",
        "http://localhost:{port}/cdn/x.png",
        "http://0x7f000001:{port}/cdn/x.png",
    ],
)
async def test_a_url_to_an_internal_address_is_refused_with_nothing_fetched(connect, hub_env, fakes, url):
    # Gemini gets images inline, so the hub fetches them (OpenAI and Anthropic fetch URLs themselves)
    fakes["fal"].publish("x.png", samples.png(), "image/png")
    url = url.format(port=fakes["fal"].base_url.rsplit(":", 1)[1])
    async with connect(strict(hub_env, "gemini")) as client:
        result = await client.call_tool(
            "generate_text", {"prompt": "what is it?", "model": "gemini/gemini-3.8-flash", "images": [url]}
        )
    text = result.content[0].text
    assert result.is_error and text.startswith("[invalid_argument]"), text
    assert "internal address" in text
    assert fakes["fal"].calls("/cdn/") == [] and fakes["gemini"].requests == []


@pytest.mark.parametrize(
    ("url", "code"),
    [("file:///etc/passwd", "[file_not_allowed]"), ("ftp://example.org/x.png", "[invalid_argument]")],
)
async def test_other_schemes_are_refused_before_any_fetch(connect, hub_env, fakes, url, code):
    async with connect(strict(hub_env, "gemini")) as client:
        result = await client.call_tool(
            "generate_text", {"prompt": "x", "model": "gemini/gemini-3.8-flash", "images": [url]}
        )
    assert result.is_error and result.content[0].text.startswith(code)
    assert fakes["gemini"].requests == []


async def test_a_redirect_to_an_internal_address_is_refused(connect, hub_env, fakes, workdir):
    # the first hop is allowed by name (as an intranet CDN would be); it redirects to loopback elsewhere
    source, target = fakes["fal"], fakes["gemini"]
    target.publish("x.wav", samples.wav(0.1), "audio/wav")
    source.inject("/cdn/start.wav", status=302, headers={"location": target.url("/cdn/x.wav")}, times=5)
    host = source.base_url.removeprefix("http://")
    async with connect(strict(hub_env, "openai", allow=host)) as client:
        result = await client.call_tool(
            "transcribe_audio", {"audio": source.url("/cdn/start.wav"), "model": "openai/gpt-transcribe"}
        )
    text = result.content[0].text
    assert result.is_error and text.startswith("[invalid_argument]") and "internal address" in text, text
    assert len(source.calls("/cdn/start.wav")) == 1
    assert target.calls("/cdn/") == [] and fakes["openai"].requests == []


async def test_an_allowed_network_is_fetched_at_the_address_checked_with_the_name_as_host(
    connect, hub_env, fakes
):
    fake = fakes["fal"]
    fake.publish("x.png", samples.png(), "image/png")
    port = fake.base_url.rsplit(":", 1)[1]
    async with connect(strict(hub_env, "gemini", allow="127.0.0.0/8")) as client:
        result = await client.call_tool(
            "generate_text",
            {
                "prompt": "what is it?",
                "model": "gemini/gemini-3.8-flash",
                "images": [f"http://localhost:{port}/cdn/x.png"],
            },
        )
    assert not result.is_error, result.content[0].text
    (fetch,) = fake.calls("/cdn/x.png")
    assert fetch.headers["host"] == f"localhost:{port}"  # connected to 127.0.0.1, named as given
