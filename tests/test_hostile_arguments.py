"""Property-based: random and malformed arguments to every tool, through the MCP client, against
the fakes. Every answer is a valid result or an error with a stable `[code]` (never
`internal_error`), in bounded time, and the server keeps answering.

Hypothesis generates the argument sets (a seeded, derandomized run, so CI sees the same ones); they
are then sent over one session, since the MCP client lives in the event loop (shrinking is traded
for that; a failure prints the exact arguments)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes import samples

pytestmark = pytest.mark.anyio
EXAMPLES = 60  # per tool, half typed, half anything
CALL_SECONDS = 30
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "../../etc/passwd",
            "a.wav",
            "still.png",
            "http://127.0.0.1:1/x",
            "data:image/png;base64,@@",
            "best-image",
            "openai/gpt-6.2-sol",
            "fal/../../x",
            "-1",
            "1e309",
        ]
    ),
    st.lists(st.one_of(st.text(max_size=10), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.integers(), st.text(max_size=6)), max_size=3),
)


HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "../../etc/passwd",
            "/etc/shadow",
            "a.wav",
            "still.png",
            "http://127.0.0.1:1/x",
            "http://169.254.169.254/latest",
            "data:image/png;base64,@@",
            "data:audio/wav;base64,",
            "best-image",
            "openai/gpt-6.2-sol",
            "gemini/imagen-4",
            "fal/../../x",
            "wavespeed/a?b=c",
            "-1",
            "1e309",
            "16:9",
            "99999x1",
            "0x0",
            "wav",
            "pcm",
            "ulaw",
            "job_" + "0" * 32,
            "x" * 5000,
        ]
    ),
)
TYPED = {
    "string": HOSTILE_TEXT,
    "integer": st.one_of(st.integers(-(10**6), 10**6), st.sampled_from([0, -1, 2**63, -(2**63)])),
    "number": st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-1000, 1000)),
    "boolean": st.booleans(),
    "array": st.lists(HOSTILE_TEXT, max_size=4),
    "object": st.dictionaries(
        st.sampled_from(["model", "stream", "n", "voice", "x", "__proto__"]),
        st.one_of(st.integers(), HOSTILE_TEXT, st.booleans()),
        max_size=3,
    ),
}


def value_for(schema: dict[str, Any], typed_only: bool) -> st.SearchStrategy[Any]:
    """A value of the parameter's own JSON type (hostile within it), or, for schema-level runs, anything."""
    if not typed_only:
        return JUNK
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type") or next((s.get("type") for s in schema.get("anyOf", []) if s.get("type")), None)
    return TYPED.get(kind, JUNK)


def argument_sets(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Hypothesis-made argument sets for a tool's input schema: half with every value of its
    parameter's type (so the tool's own checks are reached), half with anything (schema checks);
    required parameters present, the others sometimes, an unknown one now and then."""
    found: list[dict[str, Any]] = []
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    for typed_only in (True, False):
        fields = {name: value_for(spec, typed_only) for name, spec in props.items()}
        optional = {name: strategy for name, strategy in fields.items() if name not in required}
        if not typed_only:
            optional["unknown_param"] = JUNK

        @settings(
            max_examples=EXAMPLES // 2,
            database=None,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.fixed_dictionaries({k: v for k, v in fields.items() if k in required}, optional=optional))
        def collect(args: dict[str, Any]) -> None:
            found.append(args)

        collect()
    return found


async def test_hostile_arguments_get_a_stable_code_or_a_result(connect, hub_env, fakes, workdir):
    (workdir / "a.wav").write_bytes(samples.wav(0.1))
    (workdir / "still.png").write_bytes(samples.png(4, 4))
    env = hub_env(
        "openai",
        "anthropic",
        "gemini",
        "xai",
        "elevenlabs",
        "wavespeed",
        "fal",
        "together",
        AI_HUB_POLL_INTERVAL="0.02",
    )
    bad: list[str] = []
    sent = 0
    async with connect(env) as client:
        tools = (await client.list_tools()).tools
        for tool in tools:
            for args in argument_sets(tool.input_schema):
                if tool.name in ("generate_video", "generate_image", "synthesize_speech", "transcribe_audio"):
                    args.setdefault("wait_seconds", 5)  # a job the fakes run is waited on briefly
                sent += 1
                with anyio.fail_after(CALL_SECONDS):
                    result = await client.call_tool(tool.name, args)
                text = result.content[0].text if result.content else ""
                if result.is_error and (not text.startswith("[") or text.startswith("[internal_error]")):
                    bad.append(f"{tool.name} {args!r}: {text[:200]}")
        alive = await client.call_tool("list_models", {"capability": "text"})
    print(f"{sent} hostile argument sets over {len(tools)} tools")
    assert not alive.is_error
    assert not bad, "\n".join(bad)
