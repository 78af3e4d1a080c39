"""Keeping the API key off the wire in clear: over http:// it goes only to this computer or to hosts the user allowed.

A local model server (Ollama, llama.cpp) on this computer speaks plain HTTP and that is fine: nothing
leaves the machine. Anywhere else, anyone on the path could read the key, so the user is asked once per host
and the answer is kept in the settings file (`llm.allow_plain_http_hosts`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from tpm_coach.config import Settings, load_settings, save_settings
from tpm_coach.errors import InsecureTransportError


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and the name localhost: addresses that never leave this computer."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposed_host(base_url: str) -> str | None:
    """The host a key sent to `base_url` would reach unencrypted over the network; None when it would not."""
    parts = urlsplit(base_url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "http" or not host or is_loopback(host):
        return None
    return host


_WHERE_TO_ALLOW = "Settings > LLM, or `tpm-coach score --allow-plain-http`"


def check_key_transport(
    base_url: str, api_key: str | None, allowed_hosts: Iterable[str], *, where_to_allow: str = _WHERE_TO_ALLOW
) -> None:
    """Raise InsecureTransportError if `api_key` would go in clear to a host the user has not allowed.

    One list of allowed hosts serves every server the key goes to (the LLM, a transcription server);
    `where_to_allow` names the place the user can allow the host from.
    """
    host = exposed_host(base_url)
    if not api_key or host is None or host in {h.strip().lower() for h in allowed_hosts}:
        return
    raise InsecureTransportError(
        f"Refusing to send the API key unencrypted to {host}: {base_url} uses http://, so anyone on the network "
        "path could read the key",
        f"use https:// if the server offers it; or, if you trust the network to {host}, allow it once "
        f"({where_to_allow})",
        host=host,
    )


def allow_plain_http(host: str, settings: Settings | None = None, path: Path | None = None) -> None:
    """Remember that the user accepts sending the API key over plain HTTP to `host`.

    Written to the settings file (`path`, default the user's config.toml) without the environment's
    overrides, so nothing but this one list changes there; `settings`, the copy in use, gets the host too.
    """
    name = host.strip().lower()
    stored = load_settings(path, environ={})
    if name not in stored.llm.allow_plain_http_hosts:
        stored.llm.allow_plain_http_hosts = [*stored.llm.allow_plain_http_hosts, name]
        save_settings(stored, path)
    if settings is not None and name not in settings.llm.allow_plain_http_hosts:
        settings.llm.allow_plain_http_hosts = [*settings.llm.allow_plain_http_hosts, name]
