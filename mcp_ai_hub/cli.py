"""The `mcp-ai-hub` command: serve MCP over stdio (default) or Streamable HTTP, or print the catalog.

Imports stay lazy: `models` and `--help` never load the MCP SDK, and serving loads no provider code.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from . import __version__
from .providers.registry import CAPABILITIES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcp-ai-hub",
        description="MCP server for eight AI clouds. With no command it serves MCP over stdio.",
    )
    parser.add_argument("--version", action="version", version=f"mcp-ai-hub {__version__}")
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio",
                        help="stdio (default) or http (Streamable HTTP at /mcp)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="HTTP bind address (default 127.0.0.1); any other needs AI_HUB_HTTP_TOKEN")
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    sub = parser.add_subparsers(dest="command")
    models = sub.add_parser("models", help="print the model catalog")
    models.add_argument("--capability", choices=CAPABILITIES)
    models.add_argument("--provider")
    models.add_argument("--json", action="store_true", help="print JSON instead of a table")
    models.add_argument("--available-only", action="store_true", help="only providers with a key set")
    models.add_argument("--include-retired", action="store_true", help="also models that are shut down")
    sub.add_parser("doctor", help="check each configured key with one cheap call, the catalog against the "
                                  "providers' listings, and the output and state directories")
    return parser


def _print_models(args: argparse.Namespace) -> int:
    from .catalog import Catalog, ManifestError
    from .config import Settings, SettingsError
    from .errors import HubError
    from .hub import Hub
    from .listing import list_models, load_cached, status_label

    try:
        settings = Settings.load()
        hub = Hub(settings, Catalog.load(registry=settings.registry))
        load_cached(hub)  # what the last listings said (no network here)
        out = list_models(hub, args.capability or "", args.provider or "", args.available_only,
                          args.include_retired)
    except (ManifestError, SettingsError, HubError) as exc:
        print(f"mcp-ai-hub: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    rows = [("MODEL", "CAPABILITIES", "CONTEXT", "PRICE", "KEY")]
    for m in out["models"]:
        price = m["pricing"] or {}
        if "input_per_mtok" in price:
            cost = f"${price['input_per_mtok']:g}/${price.get('output_per_mtok', 0):g} per Mtok"
        else:
            cost = next(
                (f"${v:g} {k.replace('_', ' ')}" for k, v in price.items() if k.startswith("per_")), ""
            )
        ctx = f"{m['context_window'] // 1000}K" if m["context_window"] else ""
        key = "yes" if m["available"] else "-"
        label = status_label(m)
        name = m["id"] + (f" {label}" if label else "")
        rows.append((name, ",".join(m["capabilities"]), ctx, cost, key))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    providers = sorted({m["provider"] for m in out["models"]})
    print(f"\n{len(out['models'])} models from {len(providers)} providers: {', '.join(providers)}")
    print("Presets: " + ", ".join(f"{n} -> {p['resolves_to']}" for n, p in out["presets"].items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .errors import LOG_FORMAT

    logging.basicConfig(stream=sys.stderr, level=args.log_level, format=LOG_FORMAT)
    for handler in logging.getLogger().handlers:  # stderr keeps this level when a client asks for more
        handler.setLevel(args.log_level)
    if args.command == "models":
        return _print_models(args)
    if args.command == "doctor":
        from .doctor import run_doctor

        return run_doctor()

    from .catalog import ManifestError
    from .config import Settings, SettingsError
    from .server import build_server

    try:
        settings = Settings.load()
        from .errors import redact_logs

        redact_logs(settings.secrets)  # nothing logged from here on shows a key
        if args.transport == "http":
            from .server.http_mode import http_token

            http_token(settings, args.host)  # refuse an open non-loopback bind before anything starts
        server = build_server(settings)
    except ManifestError as exc:
        print(f"mcp-ai-hub: invalid manifest: {exc}", file=sys.stderr)
        return 2
    except SettingsError as exc:
        print(f"mcp-ai-hub: invalid setting: {exc}", file=sys.stderr)
        return 2
    if args.transport == "http":
        from .server.http_mode import serve_http

        sys.stdout = sys.stderr  # uvicorn's access log defaults to stdout; keep every log on stderr
        serve_http(server, settings, args.host, args.port)
    else:
        server.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
