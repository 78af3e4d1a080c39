"""`tpm-coach llm detect`: which model servers run on this computer, and the models each one offers."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tpm_coach import paths
from tpm_coach.scoring.detect import (
    DEFAULT_CANDIDATES,
    DEFAULT_TIMEOUT_S,
    LOOPBACK,
    SERVER_NAMES,
    START_HINTS,
    Candidate,
    FoundServer,
    detect_servers,
    parse_candidate,
)


def _candidate(text: str) -> Candidate:
    try:
        return parse_candidate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _timeout(text: str) -> float:
    value = float(text)
    if not 0.05 <= value <= 30:
        raise argparse.ArgumentTypeError("give a timeout between 0.05 and 30 seconds")
    return value


def register(subparsers: Any) -> None:
    llm = subparsers.add_parser("llm", help="find and check LLM servers", description="Find and check LLM servers.")
    commands = llm.add_subparsers(dest="llm_command", metavar="ACTION", required=True)
    p = commands.add_parser(
        "detect",
        help="list the model servers running on this computer (Ollama, LM Studio, llama.cpp, vLLM)",
        description=f"Ask the usual ports on {LOOPBACK} for a model list: Ollama 11434, LM Studio 1234, "
        "llama.cpp server 8080, vLLM and llama-cpp-python 8000. Nothing else is contacted. Exit 0 whether or "
        "not a server is found.",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output: a list of found servers")
    p.add_argument(
        "--port",
        action="append",
        type=_candidate,
        metavar="[PROVIDER:]PORT",
        help="ask this port instead of the usual ones (repeatable), e.g. 9000 or ollama:11435",
    )
    p.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"how long to wait for each port (default {DEFAULT_TIMEOUT_S})",
    )
    p.set_defaults(handler=_detect)


def _ports_asked(candidates: tuple[Candidate, ...]) -> str:
    by_port: dict[int, list[str]] = {}
    for candidate in candidates:
        by_port.setdefault(candidate.port, []).append(SERVER_NAMES[candidate.provider])
    return ", ".join(f"{port} ({' or '.join(names)})" for port, names in by_port.items())


def _describe(server: FoundServer) -> list[str]:
    name = f"{server.name} (a guess from the port: the reply does not say)" if server.guessed else server.name
    models = ", ".join(server.models) if server.models else "none loaded"
    return [f"{name} at {server.base_url}, answered in {server.latency_ms:.0f} ms", f"  models: {models}"]


def _config_example(server: FoundServer) -> list[str]:
    model = server.suggested_model or "MODEL"
    return [
        "[llm]",
        f'provider = "{server.provider.value}"',
        f'base_url = "{server.base_url}"',
        f'model = "{model}"',
    ]


def _detect(args: argparse.Namespace) -> int:
    candidates = tuple(args.port) if args.port else DEFAULT_CANDIDATES
    found = detect_servers(candidates, timeout_s=args.timeout)
    if args.json:
        print(json.dumps([server.to_json() for server in found], indent=2))
        return 0
    if not found:
        print(f"No model server answered on {LOOPBACK}, ports {_ports_asked(candidates)}.")
        print("To start one:")
        for name, how in START_HINTS:
            print(f"  {name}: {how}")
        print("Then run `tpm-coach llm detect` again. Until then answers get the offline estimate.")
        return 0
    for server in found:
        print("\n".join(_describe(server)))
    print(f"\nTo score with one, choose it in the app (Settings > Scoring) or put this in {paths.config_file()}:")
    print("\n".join("  " + line for line in _config_example(found[0])))
    return 0
