"""An address of this machine on a real network interface, for servers that must not look like loopback."""

from __future__ import annotations

import socket

import pytest

from tpm_coach.plain_http import is_loopback


def this_machines_network_address() -> str:
    """An address of this machine on a real interface (not loopback); the test is skipped without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # UDP connect only picks a route; nothing is sent
        except OSError:
            pytest.skip("this machine has no network interface besides loopback")
        address = str(probe.getsockname()[0])
    if is_loopback(address):
        pytest.skip("this machine has no network interface besides loopback")
    return address
