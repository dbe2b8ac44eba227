"""The provider registry: each spec agrees with its package, its manifest and the type check, and
a registry rejects specs it cannot hold."""

from __future__ import annotations

import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mcp_ai_hub.providers as providers_package
from mcp_ai_hub.catalog import Catalog, ManifestError, manifests_dir
from mcp_ai_hub.providers.endpoint.spec import CAPABILITIES as ENDPOINT_CAPABILITIES
from mcp_ai_hub.providers.registry import BUILTINS, CAPABILITIES, ProviderSpec, Registry, RegistryError

PROVIDERS_DIR = Path(providers_package.__file__).parent
CONFORMANCE = PROVIDERS_DIR / "conformance.py"


def declared_pairs() -> set[tuple[str, str]]:
    pairs = {(s.name, c) for s in Registry.builtin() for c in ("api", *s.capabilities)}
    return pairs | {("endpoint", c) for c in ("api", *ENDPOINT_CAPABILITIES)}


@pytest.mark.parametrize("name", BUILTINS)
def test_each_builtin_package_has_exactly_the_capability_modules_its_spec_declares(name):
    spec = Registry.builtin()[name]
    assert spec.package == f"mcp_ai_hub.providers.{name}"
    present = {p.stem for p in (PROVIDERS_DIR / name).glob("*.py")} & set(CAPABILITIES)
    assert present == set(spec.capabilities)
    api = importlib.import_module(f"{spec.package}.api")
    assert api.API.name == name and callable(api.list_models)


def test_the_type_check_module_assigns_every_declared_module_to_its_protocol():
    tree = ast.parse(CONFORMANCE.read_text())
    imported = {(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.level == 1 and node.module for alias in node.names}
    assigned = {node.value.id for node in ast.walk(tree) if isinstance(node, ast.AnnAssign)
                and isinstance(node.value, ast.Name)}
    assert imported == declared_pairs()
    assert assigned == {f"{provider}_{module}" for provider, module in declared_pairs()}


@pytest.mark.skipif(not (Path(sys.executable).parent / "pyright").exists() and not shutil.which("pyright"),
                    reason="pyright is not installed (pip install 'pyright[nodejs]')")
def test_pyright_finds_every_module_fitting_its_protocol():
    pyright = Path(sys.executable).parent / "pyright"
    command = [str(pyright) if pyright.exists() else "pyright", str(CONFORMANCE)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                         cwd=PROVIDERS_DIR.parent.parent)
    assert out.returncode == 0, out.stdout


def copy_manifests(tmp_path: Path) -> Path:
    target = tmp_path / "m"
    shutil.copytree(manifests_dir(), target)
    return target


def test_a_manifest_model_with_a_capability_the_spec_lacks_fails_at_load(tmp_path):
    directory = copy_manifests(tmp_path)
    path = directory / "providers" / "anthropic.toml"
    text = path.read_text().replace('capabilities = ["text"]', 'capabilities = ["text", "video"]', 1)
    path.write_text(text)
    with pytest.raises(ManifestError, match=r"anthropic\.toml: field models\.0\.capabilities: .*video"):
        Catalog.load(directory)


def test_a_manifest_no_provider_claims_fails_at_load(tmp_path):
    directory = copy_manifests(tmp_path)
    (directory / "providers" / "stray.toml").write_text('provider = "stray"\n')
    with pytest.raises(ManifestError, match=r"stray\.toml: no registered provider"):
        Catalog.load(directory)


def test_a_manifest_with_other_key_variables_than_its_spec_fails_at_load(tmp_path):
    directory = copy_manifests(tmp_path)
    path = directory / "providers" / "fal.toml"
    path.write_text(path.read_text().replace('key_env = ["FAL_KEY"]', 'key_env = ["FAL_API_KEY"]'))
    with pytest.raises(ManifestError, match=r"fal\.toml: field key_env: expected \['FAL_KEY'\]"):
        Catalog.load(directory)


def spec(name: str = "extra", **fields) -> ProviderSpec:
    values = {"display_name": name, "package": "extra_pkg", "capabilities": ("text",),
              "base_urls": {f"{name.upper()}_BASE_URL": "http://127.0.0.1:9"}, "key_vars": ("EXTRA_KEY",)}
    return ProviderSpec(name=name, **{**values, **fields})


def test_a_registry_rejects_duplicates_and_malformed_specs():
    registry = Registry.builtin()
    with pytest.raises(RegistryError, match="'openai' is already registered"):
        registry.register(spec("openai"))
    with pytest.raises(RegistryError, match="OPENAI_BASE_URL belongs to openai"):
        registry.register(spec(base_urls={"OPENAI_BASE_URL": "http://x"}))
    for bad in ({"capabilities": ("text", "music")}, {"base_urls": {}}, {"key_vars": ()},
                {"key_vars": ("NOT A VAR",)}, {"package": ""}):
        with pytest.raises(RegistryError):
            spec(**bad)
    with pytest.raises(RegistryError, match="lowercase"):
        spec("Extra/1")
    assert spec(key_vars=(), key_required=False).key_required is False
    registry.register(spec())
    assert registry.names[-1] == "extra" and "extra" not in Registry.builtin()


def test_a_catalog_accepts_ids_outside_it_only_for_open_providers(tmp_path):
    from mcp_ai_hub.config import Settings
    from mcp_ai_hub.errors import UnknownModel

    registry = Registry.builtin()
    registry.register(spec("openbox", open_ids=True))
    settings = Settings.load(environ={"HOME": str(tmp_path)}, cwd=tmp_path, registry=registry)
    catalog = Catalog.load(registry=settings.registry)
    assert catalog.resolve("openbox/any/model:1", "text", settings).full_id == "openbox/any/model:1"
    with pytest.raises(UnknownModel):
        catalog.resolve("anthropic/claude-unheard-of", "text", settings)
