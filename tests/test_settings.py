"""Settings: the contract's key and base-URL tables come from the registry, and a bad value is a
start-up error naming the variable (never a silent fallback), printed by the CLI as one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mcp_ai_hub.config import TOOLS, Settings, SettingsError
from mcp_ai_hub.providers.registry import BUILTINS, Registry

# DESIGN.md's configuration table, plus fal's platform API (model listing)
BASE_URLS = {
    "OPENAI_BASE_URL": "https://api.openai.com/v1",
    "ANTHROPIC_BASE_URL": "https://api.anthropic.com",
    "GEMINI_BASE_URL": "https://generativelanguage.googleapis.com",
    "XAI_BASE_URL": "https://api.x.ai/v1",
    "ELEVENLABS_BASE_URL": "https://api.elevenlabs.io",
    "WAVESPEED_BASE_URL": "https://api.wavespeed.ai",
    "FAL_QUEUE_URL": "https://queue.fal.run",
    "FAL_REST_URL": "https://rest.fal.ai",
    "FAL_API_URL": "https://api.fal.ai/v1",
    "TOGETHER_BASE_URL": "https://api.together.xyz/v1",
}
KEY_VARS = {
    "openai": ("OPENAI_API_KEY",), "anthropic": ("ANTHROPIC_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"), "xai": ("XAI_API_KEY",),
    "elevenlabs": ("ELEVENLABS_API_KEY",), "wavespeed": ("WAVESPEED_API_KEY",), "fal": ("FAL_KEY",),
    "together": ("TOGETHER_API_KEY",),
}


def load(tmp_path: Path, **env: str) -> Settings:
    return Settings.load(environ={"HOME": str(tmp_path), **env}, cwd=tmp_path)


def test_the_registry_holds_the_contracts_providers_keys_and_base_urls(tmp_path):
    settings = load(tmp_path)
    assert settings.registry.names == BUILTINS == tuple(KEY_VARS)
    assert {s.name: s.key_vars for s in settings.registry} == KEY_VARS
    assert {var: settings.base_url(var) for var in BASE_URLS} == BASE_URLS
    assert {var for s in settings.registry for var in s.base_urls} == set(BASE_URLS)
    assert load(tmp_path, FAL_QUEUE_URL="http://127.0.0.1:1/").base_url("FAL_QUEUE_URL") == "http://127.0.0.1:1"
    assert settings.providers == BUILTINS and settings.tools == TOOLS


def test_keys_come_from_each_providers_variables_in_order_and_are_all_secrets(tmp_path):
    settings = load(tmp_path, GOOGLE_API_KEY="g2", FAL_KEY="f1", AI_HUB_PROVIDERS="gemini")
    assert settings.api_key("gemini") == "g2" and settings.has_key("gemini")
    assert settings.api_key("fal") == "f1" and not settings.has_key("fal")  # not enabled
    assert sorted(settings.secrets()) == ["f1", "g2"]


@pytest.mark.parametrize(("var", "value", "named"), [
    ("AI_HUB_PROVIDERS", "openai,opnai", "'opnai'"),
    ("AI_HUB_TOOLS", "generate_text,list_model", "'list_model'"),
    ("AI_HUB_INLINE_MAX_BYTES", "1MB", "'1MB'"),
    ("AI_HUB_INLINE_MAX_BYTES", "-5", "'-5'"),
    ("AI_HUB_MAX_OUTPUT_BYTES", "2GB", "'2GB'"),
    ("AI_HUB_JOB_RETENTION_DAYS", "-1", "'-1'"),
    ("AI_HUB_JOB_RETENTION_DAYS", "nan", "'nan'"),
    ("AI_HUB_OPENAI_COMPATIBLE", "local", "'local'"),
    ("AI_HUB_OPENAI_COMPATIBLE", "local=ftp://host/v1", "'ftp://host/v1'"),
    ("AI_HUB_OPENAI_COMPATIBLE", "Local=http://127.0.0.1:1/v1", "'Local=http://127.0.0.1:1/v1'"),
    ("AI_HUB_OPENAI_COMPATIBLE", "openai=http://127.0.0.1:1/v1", "'openai'"),
    ("AI_HUB_OPENAI_COMPATIBLE", "a=http://h/v1,a=http://g/v1", "'a'"),
    ("AI_HUB_OPENAI_COMPATIBLE", "groq=https://api.groq.com/openai/v1|GROQ KEY", "'GROQ KEY'"),
])
def test_a_bad_value_is_an_error_naming_the_variable_and_the_value(tmp_path, var, value, named):
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, **{var: value})
    assert str(caught.value).startswith(f"{var}: ") and named in str(caught.value)


def test_good_values_are_read(tmp_path):
    settings = load(tmp_path, AI_HUB_PROVIDERS=" FAL, openai ", AI_HUB_TOOLS="list_models",
                    AI_HUB_INLINE_MAX_BYTES="0", AI_HUB_JOB_RETENTION_DAYS="0.5")
    assert settings.providers == ("fal", "openai") and settings.tools == ("list_models",)
    assert settings.inline_max_bytes == 0 and settings.job_retention_days == 0.5


def test_an_unreadable_env_file_is_an_error_naming_the_file(tmp_path):
    (tmp_path / ".env").write_bytes(b"OPENAI_API_KEY=\xff\xfe\n")
    with pytest.raises(SettingsError) as caught:
        load(tmp_path)
    assert str(tmp_path / ".env") in str(caught.value)


def test_a_directory_named_env_is_not_a_dotenv_file(tmp_path):
    (tmp_path / ".env").mkdir()  # a virtualenv is often called .env
    assert load(tmp_path).providers == BUILTINS


def test_user_endpoints_become_providers_with_an_optional_key_variable(tmp_path):
    value = "local=http://127.0.0.1:11434/v1/ , groq=https://api.groq.com/openai/v1|GROQ_API_KEY"
    settings = load(tmp_path, AI_HUB_OPENAI_COMPATIBLE=value, GROQ_API_KEY="gk")
    assert settings.registry.names == (*BUILTINS, "local", "groq")
    local, groq = settings.registry["local"], settings.registry["groq"]
    assert settings.base_url(local.base_var) == "http://127.0.0.1:11434/v1"
    assert (local.key_vars, local.key_required, local.open_ids) == ((), False, True)
    assert (groq.key_vars, groq.key_required) == (("GROQ_API_KEY",), True)
    assert settings.has_key("local") and settings.has_key("groq") and "gk" in settings.secrets()
    assert not load(tmp_path, AI_HUB_OPENAI_COMPATIBLE="groq=https://g/v1|GROQ_API_KEY").has_key("groq")
    only_local = load(tmp_path, AI_HUB_OPENAI_COMPATIBLE="local=http://h/v1", AI_HUB_PROVIDERS="local")
    assert only_local.providers == ("local",)


def test_loading_settings_leaves_the_registry_passed_in_as_it_was(tmp_path):
    registry = Registry.builtin()
    settings = Settings.load(environ={"AI_HUB_OPENAI_COMPATIBLE": "local=http://h/v1"}, cwd=tmp_path,
                             registry=registry)
    assert "local" in settings.registry and "local" not in registry
    assert "local" not in Registry.builtin()


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mcp_ai_hub", *args], capture_output=True, text=True,
                          timeout=60, check=False, cwd=tmp_path, stdin=subprocess.DEVNULL,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env})


@pytest.mark.parametrize("args", [(), ("models",)])
def test_the_cli_prints_a_bad_setting_as_one_line_and_exits_2(tmp_path, args):
    out = run_cli(tmp_path, *args, AI_HUB_TOOLS="generate_txt")
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "AI_HUB_TOOLS" in lines[0] and "'generate_txt'" in lines[0]
