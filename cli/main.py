"""leadex-server: run the stack, its parts, migrations, and key management."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cli import processes
from cli.accounts import has_key, mint_key, organization_exists, set_plan
from core.config import Settings
from core.tiers import TierName
from store import migrate
from store.repositories.api_keys import ALL_SCOPES, Scope

DEV_ORG = "dev"


def _settings(data_dir: str | None = None, **overrides: object) -> Settings:
    values: dict[str, object] = dict(overrides)
    if data_dir is not None:
        values["data_dir"] = Path(data_dir).resolve()
    return Settings(**values)  # type: ignore[arg-type]


def _configure_logging() -> None:
    from core import logs

    logs.configure(os.environ.get("LEADEX_LOG_LEVEL", "INFO"), _settings().log_format)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply the migrations."""
    settings = _settings(args.data_dir)
    migrate.upgrade(settings.resolved_database_url)
    print(f"Database is up to date: {_redacted(settings.resolved_database_url)}")
    return 0


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _parse_scopes(raw: str) -> list[str]:
    scopes = [part.strip() for part in raw.split(",") if part.strip()]
    valid = {scope.value for scope in Scope}
    unknown = [scope for scope in scopes if scope not in valid]
    if unknown:
        raise SystemExit(f"Unknown scope {unknown[0]!r}; choose from {', '.join(sorted(valid))}.")
    if not scopes:
        raise SystemExit("Give at least one scope, e.g. --scopes read,run.")
    return scopes


def cmd_keys_create(args: argparse.Namespace) -> int:
    """Mint a key; the secret is the last line of output."""
    settings = _settings(args.data_dir)
    migrate.upgrade(settings.resolved_database_url)
    kind = "publishable" if args.publishable else "secret"
    scopes = ["read"] if args.publishable else _parse_scopes(args.scopes)
    minted = asyncio.run(
        mint_key(
            settings.resolved_database_url,
            org_name=args.org,
            livemode=args.mode == "live",
            scopes=scopes,
            name=args.name or f"{args.mode} key",
            kind=kind,
        )
    )
    if minted.org_created:
        print(f"Created organization {args.org!r} ({minted.org_id}).")
    print(f"Created {args.mode}-mode key {minted.key_id} with scopes {','.join(scopes)}.")
    print("The secret is shown once; store it now:")
    print(minted.secret)
    return 0


def cmd_orgs_set(args: argparse.Namespace) -> int:
    """Change an organization's tier and included credits."""
    settings = _settings(args.data_dir)
    migrate.upgrade(settings.resolved_database_url)
    org = asyncio.run(
        set_plan(
            settings.resolved_database_url,
            args.org,
            tier=args.tier,
            credits=args.credits,
            watchdog_minutes=args.watchdog_max_minutes,
            watchdog_credits=args.watchdog_max_credits,
        )
    )
    if org is None:
        raise SystemExit(f"No organization named {args.org!r}.")
    print(f"{org.name} ({org.id}): tier {org.tier}, {org.credits_included} included credits")
    if org.watchdog_max_runtime_seconds or org.watchdog_max_credits:
        print(
            f"Watchdog: jobs stop past {org.watchdog_max_runtime_seconds or '∞'} s or "
            f"{org.watchdog_max_credits or '∞'} credits"
        )
    return 0


def cmd_privacy_erase(args: argparse.Namespace) -> int:
    """Erase a person from an organization and suppress them, as the API's erasure does."""
    from api.privacy.schemas import PersonIdentifier
    from cli.privacy import erase
    from core.errors import LeadexError

    settings = _settings(args.data_dir)
    given = {"email": args.email, "name": args.name, "domain": args.domain}
    identifier = PersonIdentifier(**{key: value for key, value in given.items() if value})
    try:
        done = asyncio.run(
            erase(settings, args.org, identifier, mode=args.mode, wait=not args.no_wait)
        )
    except LeadexError as error:
        raise SystemExit(error.message) from None
    for item in done:
        mode = "live" if item.livemode else "test"
        counts = item.result.model_dump(exclude={"erasure_id", "found"}) if item.result else None
        state = f"done: {counts}" if counts is not None else "started"
        print(f"{item.erasure_id} ({mode}, identifier sha256 {item.identifier_hash}): {state}")
    return 0


def cmd_temporal_setup(args: argparse.Namespace) -> int:
    """Register the namespace (unless it exists) and Leadex's search attributes in it."""
    from datetime import timedelta

    from temporalio.client import Client

    from core.temporal import (
        SEARCH_ATTRIBUTES,
        connect,
        ensure_namespace,
        ensure_search_attributes,
    )

    settings = _settings()
    namespace = settings.temporal_namespace

    async def reachable() -> Client:
        # A one-shot job may start before the cluster answers (compose, a Helm hook).
        deadline = time.monotonic() + args.wait
        while True:
            try:
                return await connect(settings)
            except RuntimeError as error:
                if time.monotonic() >= deadline:
                    raise SystemExit(
                        f"Temporal at {settings.temporal_address} is unreachable: {error}"
                    ) from None
                await asyncio.sleep(2)

    async def setup() -> tuple[bool, list[str]]:
        client = await reachable()
        registered = False
        if not args.skip_namespace:
            retention = timedelta(days=settings.temporal_namespace_retention_days)
            registered = await ensure_namespace(client, retention)
        return registered, await ensure_search_attributes(client)

    registered, added = asyncio.run(setup())
    if registered:
        print(
            f"Registered namespace {namespace!r} "
            f"({settings.temporal_namespace_retention_days} days of history retention)."
        )
    for name in added:
        print(f"Registered search attribute {name} in namespace {namespace!r}.")
    print(
        f"Namespace {namespace!r} at {settings.temporal_address} has all "
        f"{len(SEARCH_ATTRIBUTES)} Leadex search attributes."
    )
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    """Print the OpenAPI document (the committed openapi.yaml is this, in YAML)."""
    import json

    from api.app import create_app
    from api.openapi import document_yaml

    document = create_app().openapi()
    text = document_yaml(document) if args.format == "yaml" else json.dumps(document, indent=2)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_api(args: argparse.Namespace) -> int:
    """Serve the API with uvicorn."""
    import uvicorn

    _configure_logging()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level=os.environ.get("LEADEX_LOG_LEVEL", "info").lower(),
        # JSON logs: keep the root logger's handler rather than uvicorn's own text one.
        log_config=None if _settings().log_format == "json" else uvicorn.config.LOGGING_CONFIG,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the workers for the chosen task-queue kinds."""
    from workers.main import QUEUE_KINDS, run

    _configure_logging()
    kinds = args.queues.split(",") if args.queues else list(QUEUE_KINDS)
    unknown = [kind for kind in kinds if kind not in QUEUE_KINDS]
    if unknown:
        raise SystemExit(
            f"Unknown queue kind {unknown[0]!r}; choose from {', '.join(QUEUE_KINDS)}."
        )
    settings = _settings()

    async def main() -> None:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, task.cancel if task else (lambda: None))
        with contextlib.suppress(asyncio.CancelledError):
            await run(settings, kinds)

    asyncio.run(main())
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    """Start Temporal's dev server, the worker and the API; Ctrl-C stops them all."""
    data_dir = Path(args.data_dir).resolve()
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    host = "127.0.0.1"
    for port in (args.port, args.temporal_port, args.ui_port):
        if not _port_free(host, port):
            raise SystemExit(
                f"Port {port} is already in use; pick another with the --*-port flags."
            )
    env = {
        "LEADEX_DATA_DIR": str(data_dir),
        "LEADEX_TEMPORAL_ADDRESS": f"{host}:{args.temporal_port}",
        "LEADEX_PUBLIC_BASE_URL": os.environ.get(
            "LEADEX_PUBLIC_BASE_URL", f"http://{host}:{args.port}"
        ),
        # Jobs link to their run in the dev server's UI.
        "LEADEX_TEMPORAL_UI_URL": os.environ.get(
            "LEADEX_TEMPORAL_UI_URL", f"http://{host}:{args.ui_port}"
        ),
    }
    if args.sandbox:
        if not _port_free(host, args.sandbox_port):
            raise SystemExit(f"Port {args.sandbox_port} is already in use; pick --sandbox-port.")
        env.update(sandbox_env(host, args.sandbox_port))
    os.environ.update(env)
    settings = _settings(str(data_dir))

    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        if args.sandbox:
            web = processes.spawn(
                [
                    sys.executable,
                    "-m",
                    "sandbox",
                    "serve",
                    "--seed",
                    str(args.sandbox_seed),
                    "--host",
                    host,
                    "--port",
                    str(args.sandbox_port),
                    "--out",
                    str(data_dir / "sandbox"),
                ],
                log=logs / "sandbox.log",
            )
            children.append(("sandbox", web))
            processes.wait_for_port(host, args.sandbox_port, timeout=60, process=web)
        temporal = processes.spawn(
            processes.temporal_dev_server_argv(
                port=args.temporal_port, ui_port=args.ui_port, db_file=data_dir / "temporal.db"
            ),
            log=logs / "temporal.log",
        )
        children.append(("temporal", temporal))
        processes.wait_for_port(host, args.temporal_port, timeout=60, process=temporal)

        migrate.upgrade(settings.resolved_database_url)
        key_line = _bootstrap_dev_key(settings, live=args.sandbox)

        me = [sys.executable, "-m", "cli.main"]
        commands = {
            "worker": [*me, "worker"],
            "api": [*me, "api", "--host", host, "--port", str(args.port)],
        }
        children.append(("worker", processes.spawn(commands["worker"], env=env)))
        api = processes.spawn(commands["api"], env=env)
        children.append(("api", api))
        processes.wait_for_port(host, args.port, timeout=60, process=api)

        print()
        print(f"Leadex API        http://{host}:{args.port}/v1")
        print(f"OpenAPI docs      http://{host}:{args.port}/docs")
        print(f"Temporal UI       http://{host}:{args.ui_port}")
        print(f"Data directory    {data_dir}")
        if args.sandbox:
            print(
                f"Sandbox web       seed {args.sandbox_seed} on {host}:{args.sandbox_port} "
                f"(ground truth in {data_dir / 'sandbox' / 'truth.json'}); live keys research it"
            )
        print(key_line, flush=True)
        print(f"Web app           {_login_link(settings, host, args.port)}", flush=True)
        missing_browser = browser_warning(settings.browser_executable)
        if missing_browser:
            print(missing_browser, file=sys.stderr, flush=True)
        print("Press Ctrl-C to stop.", flush=True)

        restarts = Restarts()
        while not stopping:
            for index, (name, child) in enumerate(children):
                if child.poll() is None:
                    continue
                if name not in commands or not restarts.allow(name, time.monotonic()):
                    print(f"{name} exited with {child.returncode}; stopping.", file=sys.stderr)
                    stopping = True
                    break
                print(
                    f"{name} exited with {child.returncode}; restarting it.",
                    file=sys.stderr,
                    flush=True,
                )
                children[index] = (name, processes.spawn(commands[name], env=env))
            time.sleep(0.3)
    finally:
        for _name, child in reversed(children):
            processes.stop(child)
    return 0


class Restarts:
    """How often the dev supervisor may restart a crashed process: a few times a minute, so
    one crash costs nothing and a crash loop stops the stack with its error visible."""

    def __init__(self, limit: int = 5, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self.history: dict[str, list[float]] = {}

    def allow(self, name: str, now: float) -> bool:
        """Record a restart of ``name`` at ``now`` if the budget allows it."""
        recent = [at for at in self.history.get(name, []) if now - at < self.window]
        if len(recent) >= self.limit:
            return False
        self.history[name] = [*recent, now]
        return True


def browser_warning(executable: str) -> str | None:
    """What live jobs lack when the browser for JavaScript pages is missing, or None."""
    if Path(executable).is_file() and os.access(executable, os.X_OK):
        return None
    return (
        f"Chromium was not found at {executable}. Test-mode jobs are unaffected, but live "
        "jobs cannot render pages that need JavaScript: those pages fail to load and their "
        "companies and people are missed. Install it with `apt-get install chromium` (the "
        "./scripts/dev command tries to) or set LEADEX_BROWSER_EXECUTABLE."
    )


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def sandbox_env(host: str, port: int) -> dict[str, str]:
    """Point live research at the sandbox web: its search, its hosts, no politeness delay."""
    return {
        "LEADEX_SEARCH_PROVIDER": "searxng",
        "LEADEX_SEARXNG_URL": "http://search.test/search",
        "LEADEX_FETCH_HOST_RULES": f"MAP *.test {host}:{port}",
        "LEADEX_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
        "LEADEX_FETCH_PER_HOST_DELAY_SECONDS": "0",
        "LEADEX_FETCH_PER_HOST_CONCURRENCY": "8",
    }


def _bootstrap_dev_key(settings: Settings, *, live: bool) -> str:
    url = settings.resolved_database_url
    lines = []
    scopes = ",".join(ALL_SCOPES)
    if asyncio.run(organization_exists(url, DEV_ORG)):
        lines.append(
            "LEADEX_API_KEY was printed on this data directory's first run. Mint another with:\n"
            f"  leadex-server keys create --org {DEV_ORG} --mode test --scopes {scopes} "
            f"--data-dir {settings.data_dir}"
        )
    else:
        minted = asyncio.run(
            mint_key(url, org_name=DEV_ORG, livemode=False, scopes=list(ALL_SCOPES), name="dev")
        )
        lines.append(f"LEADEX_API_KEY={minted.secret}")
        from web import logins

        # The web app's one-time login links sign this key in on later runs too.
        logins.keep_dev_key(settings.data_dir, minted.secret)
    if live and not asyncio.run(has_key(url, DEV_ORG, livemode=True)):
        minted = asyncio.run(
            mint_key(url, org_name=DEV_ORG, livemode=True, scopes=list(ALL_SCOPES), name="dev live")
        )
        lines.append(f"LEADEX_LIVE_API_KEY={minted.secret}")
    return "\n".join(lines)


def _login_link(settings: Settings, host: str, port: int) -> str:
    """A one-time link that signs the dev organization's test key into the web app."""
    from web import logins

    secret = logins.dev_key(settings.data_dir)
    if secret is None:
        minted = asyncio.run(
            mint_key(
                settings.resolved_database_url,
                org_name=DEV_ORG,
                livemode=False,
                scopes=list(ALL_SCOPES),
                name="web app (dev)",
            )
        )
        secret = logins.keep_dev_key(settings.data_dir, minted.secret)
    token = logins.issue(settings.data_dir, secret)
    return f"http://{host}:{port}/app/login/once/{token}  (one click signs you in, once)"


DATA_DIR_HELP = "The data directory (its leadex.db unless LEADEX_DATABASE_URL is set)."


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="leadex-server", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    dev = sub.add_parser("dev", help="Run Temporal, a worker and the API on embedded defaults.")
    dev.add_argument("--port", type=int, default=8000, help="The API's port (default 8000).")
    dev.add_argument(
        "--temporal-port", type=int, default=7233, help="Temporal's gRPC port (default 7233)."
    )
    dev.add_argument(
        "--ui-port", type=int, default=8233, help="The Temporal web UI's port (default 8233)."
    )
    dev.add_argument(
        "--data-dir",
        default=os.environ.get("LEADEX_DATA_DIR", "var"),
        help="Where the database, Temporal's history and artifacts live (default ./var).",
    )
    dev.add_argument(
        "--sandbox",
        action="store_true",
        help="Serve the generated sandbox web and point live research at it.",
    )
    dev.add_argument(
        "--sandbox-port", type=int, default=9000, help="The sandbox web's port (default 9000)."
    )
    dev.add_argument(
        "--sandbox-seed", type=int, default=7, help="Which sandbox web to generate (default 7)."
    )
    dev.set_defaults(handler=cmd_dev)

    api = sub.add_parser("api", help="Serve the API against configured services.")
    api.add_argument("--host", default="127.0.0.1", help="Interface to listen on.")
    api.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
    api.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    api.set_defaults(handler=cmd_api)

    worker = sub.add_parser("worker", help="Run workers against configured services.")
    worker.add_argument("--queues", default="", help="Comma-separated kinds; default all.")
    worker.set_defaults(handler=cmd_worker)

    mig = sub.add_parser("migrate", help="Apply database migrations.")
    mig.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    mig.set_defaults(handler=cmd_migrate)

    keys = sub.add_parser("keys", help="Manage API keys.")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_sub.add_parser("create", help="Mint a key; prints the secret last.")
    create.add_argument("--org", required=True, help="Organization name; created if new.")
    create.add_argument(
        "--mode", choices=["test", "live"], required=True, help="sk_test_ or sk_live_ key."
    )
    create.add_argument(
        "--scopes", default="read,run", help="Comma-separated: read, run, integrations, admin."
    )
    create.add_argument("--name", default=None, help="A label shown in key listings.")
    create.add_argument("--publishable", action="store_true", help="A read-only pk_pub_ key.")
    create.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    create.set_defaults(handler=cmd_keys_create)

    openapi = sub.add_parser("openapi", help="Print the OpenAPI document.")
    openapi.add_argument(
        "--format", choices=["yaml", "json"], default="yaml", help="Output format (yaml)."
    )
    openapi.set_defaults(handler=cmd_openapi)

    orgs_parser = sub.add_parser("orgs", help="Manage organizations.")
    orgs_sub = orgs_parser.add_subparsers(dest="orgs_command", required=True)
    set_parser = orgs_sub.add_parser("set", help="Change a tier and included credits.")
    set_parser.add_argument("--org", required=True, help="Organization name.")
    set_parser.add_argument(
        "--tier", choices=[t.value for t in TierName], default=None, help="The new tier."
    )
    set_parser.add_argument("--credits", type=int, default=None, help="Included credits.")
    set_parser.add_argument(
        "--watchdog-max-minutes",
        type=float,
        default=None,
        help="Stop any job of the organization running longer than this (0 removes the limit).",
    )
    set_parser.add_argument(
        "--watchdog-max-credits",
        type=int,
        default=None,
        help="Stop any job before it uses more credits than this (0 removes the limit).",
    )
    set_parser.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    set_parser.set_defaults(handler=cmd_orgs_set)

    privacy = sub.add_parser("privacy", help="Handle privacy requests.")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    erase = privacy_sub.add_parser(
        "erase",
        help="Erase a person (an email, or a name at a company domain) from an organization's "
        "leads, artifacts and source cache, and suppress them from every later job. Example: "
        "leadex-server privacy erase --org acme --email jane@example.com",
    )
    erase.add_argument("--org", required=True, help="Organization name.")
    erase.add_argument("--email", default=None, help="The person's email.")
    erase.add_argument("--name", default=None, help="The person's name (with --domain).")
    erase.add_argument("--domain", default=None, help="Their company's domain (with --name).")
    erase.add_argument(
        "--mode", choices=["live", "test", "both"], default="both", help="Which data (both)."
    )
    erase.add_argument("--no-wait", action="store_true", help="Start the erasure and return.")
    erase.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    erase.set_defaults(handler=cmd_privacy_erase)

    temporal = sub.add_parser("temporal", help="Prepare a Temporal cluster for Leadex.")
    temporal_sub = temporal.add_subparsers(dest="temporal_command", required=True)
    setup = temporal_sub.add_parser(
        "setup",
        help="Register LEADEX_TEMPORAL_NAMESPACE unless it exists, and the search attributes "
        "(LeadexOrgId, LeadexJobId, LeadexScheduleId…) in it; safe to run again.",
    )
    setup.add_argument(
        "--wait",
        type=float,
        default=0,
        help="Seconds to keep retrying while Temporal is unreachable (default 0: fail at once).",
    )
    setup.add_argument(
        "--skip-namespace",
        action="store_true",
        help="Do not register the namespace (Temporal Cloud: create it in Cloud's console).",
    )
    setup.set_defaults(handler=cmd_temporal_setup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


def run() -> None:
    """Console entry point: `main`, then an exit that Temporal's core threads cannot abort.

    A Temporal client leaves Rust threads behind that may call into Python while the
    interpreter finalizes, which aborts the process (SIGABRT) after the work succeeded.
    Once Temporal's bridge is loaded, flush what was printed and leave without finalizing.
    """
    code = main()
    if "temporalio.bridge.temporal_sdk_bridge" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
