"""What clients install from: the Claude Desktop bundle (bundle/manifest.json, validated against the
MCPB 0.4 schema stored beside it, then built and served from its own files), the registry's
manifests/server.json (validated against the registry schema in manifests/schemas/), and the
VS Code example .vscode/mcp.json. Each must name every provider key, marked secret."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
import zipfile
from pathlib import Path

import jsonschema
import pytest

from mcp_ai_hub.providers.registry import Registry
from tests.node_clients import install, run
from tests.test_stdio import child_env

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "bundle"
_spec = importlib.util.spec_from_file_location("bundle_build", BUNDLE / "build.py")
assert _spec and _spec.loader
bundle_build = importlib.util.module_from_spec(_spec)  # bundle/build.py, a script
_spec.loader.exec_module(bundle_build)

KEY_VARS = [spec.key_vars[0] for spec in Registry.builtin()]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def schema_errors(document: dict, schema_path: Path) -> list[str]:
    schema = load(schema_path)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_bundle_manifest_validates_against_the_mcpb_schema():
    manifest = load(BUNDLE / "manifest.json")
    assert schema_errors(manifest, BUNDLE / "mcpb-manifest-v0.4.schema.json") == []
    assert manifest["manifest_version"] == "0.4" and manifest["version"] == VERSION
    assert (BUNDLE / manifest["server"]["entry_point"]).is_file()


def test_the_bundle_asks_for_every_provider_key_as_a_secret():
    manifest = load(BUNDLE / "manifest.json")
    env, config = manifest["server"]["mcp_config"]["env"], manifest["user_config"]
    for var in KEY_VARS:
        (option,) = re.fullmatch(r"\$\{user_config\.(\w+)\}", env[var]).groups()
        assert config[option]["sensitive"] is True and config[option]["required"] is False
    referenced = {m for value in env.values() for m in re.findall(r"\$\{user_config\.(\w+)\}", value)}
    assert referenced == set(config)  # nothing asked for that is not used, nothing used that is not asked
    assert not [o for o in config.values() if o["type"] == "string" and not o.get("sensitive")]


async def test_the_bundle_lists_the_tools_the_server_has(workdir):
    from mcp import Client

    from mcp_ai_hub.config import Settings
    from mcp_ai_hub.server import build_server

    server = build_server(Settings.load(environ={"HOME": str(workdir)}, cwd=workdir))
    async with Client(server) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
    assert {tool["name"] for tool in load(BUNDLE / "manifest.json")["tools"]} == names


def substitute(value: str, user_config: dict[str, str], dirname: Path) -> str:
    """What the host does to an mcp_config value before it starts the server."""
    value = value.replace("${__dirname}", str(dirname))
    return re.sub(r"\$\{user_config\.(\w+)\}", lambda m: user_config.get(m.group(1), ""), value)


async def test_the_built_bundle_serves_from_its_own_files(tmp_path, workdir, hub_env):
    from mcp import Client, StdioServerParameters

    built = bundle_build.build(tmp_path / "dist")
    assert built.name == f"mcp-ai-hub-{VERSION}.mcpb"
    assert bundle_build.build(tmp_path / "again").read_bytes() == built.read_bytes()  # reproducible
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(built) as bundle:
        names = set(bundle.namelist())
        bundle.extractall(unpacked)
    assert {
        "manifest.json",
        "server/main.py",
        "pyproject.toml",
        "README.md",
        "mcp_ai_hub/cli.py",
        "manifests/presets.toml",
        "manifests/providers/openai.toml",
    } <= names
    assert not [
        n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith((".venv", "tests/"))
    ]

    manifest = load(unpacked / "manifest.json")
    fake_env = hub_env("openai")
    answers = {
        "openai_api_key": fake_env["OPENAI_API_KEY"],
        "output_dir": str(workdir / "out"),
        "input_dir": str(workdir),
    }
    server_env = {
        k: substitute(v, answers, unpacked) for k, v in manifest["server"]["mcp_config"]["env"].items()
    }
    base_urls = {k: v for k, v in fake_env.items() if "KEY" not in k}
    # the host runs `uv run server/main.py` in the bundle; here the test's interpreter runs it, with the
    # bundle's own copy of the package first on the path
    env = child_env(workdir, {**base_urls, **server_env, "PYTHONPATH": str(unpacked)})
    origin = run(
        [sys.executable, "-c", "import mcp_ai_hub; print(mcp_ai_hub.__file__)"], env=env, cwd=workdir
    )
    assert Path(origin.stdout.strip()).is_relative_to(unpacked), origin.stdout + origin.stderr
    params = StdioServerParameters(
        command=sys.executable,
        args=[str(unpacked / manifest["server"]["entry_point"])],
        env=env,
        cwd=str(workdir),
    )
    async with Client(params) as client:
        result = await client.call_tool("list_models", {"capability": "text"})
    available = set(result.structured_content["keys_set"])
    assert available == {"openai"}  # the one key answered; the empty ones count as unset


def test_mcpb_validates_and_reads_the_built_bundle(tmp_path):
    clients = install()
    built = bundle_build.build(tmp_path)
    validated = run([*clients.bin("mcpb"), "validate", str(BUNDLE / "manifest.json")], env={}, cwd=tmp_path)
    assert validated.returncode == 0 and "validation passes" in validated.stdout, (
        validated.stdout + validated.stderr
    )
    info = run([*clients.bin("mcpb"), "info", str(built)], env={}, cwd=tmp_path)
    assert info.returncode == 0 and built.name in info.stdout, info.stdout + info.stderr


def test_server_json_validates_against_the_registry_schema():
    server = load(ROOT / "manifests" / "server.json")
    schema_path = ROOT / "manifests" / "schemas" / "server.schema.json"
    assert server["$schema"] == load(schema_path)["$id"]
    assert schema_errors(server, schema_path) == []
    assert server["version"] == VERSION and {p["version"] for p in server["packages"]} == {VERSION}
    secrets = {v["name"] for p in server["packages"] for v in p["environmentVariables"] if v.get("isSecret")}
    assert secrets == set(KEY_VARS)


def test_the_vscode_example_prompts_for_every_key_as_a_password():
    config = load(ROOT / ".vscode" / "mcp.json")
    inputs = {i["id"]: i for i in config["inputs"]}
    server = config["servers"]["ai-hub"]
    assert server["type"] == "stdio" and server["command"] == "uvx" and server["args"] == ["mcp-ai-hub"]
    for var in KEY_VARS:
        (input_id,) = re.fullmatch(r"\$\{input:([\w-]+)\}", server["env"][var]).groups()
        assert inputs[input_id]["type"] == "promptString" and inputs[input_id]["password"] is True
