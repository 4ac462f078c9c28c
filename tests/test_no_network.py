"""No calls home: indexing and asking never try to reach anything but loopback."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import CORPUS, REPO

# Runs in a fresh interpreter so that every import (chromadb, transformers, gradio's
# friends) happens under the audit hook, as it would for a user.
PROBE = textwrap.dedent(
    """
    import ipaddress, socket, sys
    attempts = []

    def is_loopback(host):
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host in ("localhost",)

    def hook(event, args):
        if event == "socket.getaddrinfo":
            host = args[0]
            host = host.decode() if isinstance(host, bytes) else host
            if host is not None and not is_loopback(str(host)):
                attempts.append(("dns", host))
                raise OSError("outbound lookups are refused in this test")
        elif event == "socket.connect":
            address = args[1]
            if isinstance(address, tuple) and not is_loopback(str(address[0])):
                attempts.append(("connect", address))
                raise OSError("outbound connections are refused in this test")

    sys.addaudithook(hook)
    from assistant import Assistant
    bot = Assistant(sys.argv[1], sys.argv[2])
    reply = bot.ask("When did the ministers meet?")
    assert reply.answered, reply.text
    print("ATTEMPTS", attempts)
    """
)


@pytest.mark.slow
def test_index_and_ask_make_no_outbound_connection_or_lookup(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(CORPUS), str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ATTEMPTS []" in result.stdout, result.stdout
