"""Command line: ``python -m sandbox serve|truth`` (see ``--help``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from sandbox.generator import generate
from sandbox.model import SandboxWeb
from sandbox.server import create_app, free_port


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="generate the web and serve it over HTTP")
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--companies", type=int, default=80)
    serve.add_argument("--port", type=int, default=9000, help="0 picks a free port")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve.add_argument("--out", type=Path, help="also write truth.json into this directory")
    truth = commands.add_parser("truth", help="write the ground truth as JSON")
    truth.add_argument("--seed", type=int, default=7)
    truth.add_argument("--companies", type=int, default=80)
    truth.add_argument("--out", type=Path, default=Path("truth.json"), help="'-' for stdout")
    args = parser.parse_args(argv)

    web = generate(args.seed, companies=args.companies)
    if args.command == "truth":
        write_truth(web, args.out)
        return 0
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        write_truth(web, args.out / "truth.json")
    port = args.port or free_port(args.host)
    reachable = "127.0.0.1" if args.host in {"0.0.0.0", "::"} else args.host  # noqa: S104
    print(
        f"Leadex sandbox web: seed {web.seed}, {len(web.companies)} companies, "
        f"{len(web.pages)} pages on {len(web.hosts)} hosts\n"
        f"Listening on http://{args.host}:{port}\n"
        f"Search: http://{web.search_host}{web.search_path}?q=...&format=json\n"
        f"Host rule: MAP *.test {reachable}:{port}",
        flush=True,
    )
    uvicorn.run(create_app(web), host=args.host, port=port, log_level="warning")
    return 0


def write_truth(web: SandboxWeb, out: Path) -> None:
    """Write the web's ground truth as pretty JSON ('-' writes to stdout)."""
    text = json.dumps(web.truth(), indent=2, ensure_ascii=False) + "\n"
    if str(out) == "-":
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
