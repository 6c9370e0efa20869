"""Fixtures of the MCP tests: the real `spojka serve` binary on loopback and a Slack replica."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "lib"))
from slack_replica import SlackReplica  # noqa: E402
from spojka_server import Server  # noqa: E402

CANARY = "xoxb-canary-mcp-7f3e9a1c55d04b2e"
CANARY_2 = "xoxb-canary-mcp-second-0b8d6e4f21"


@pytest.fixture(scope="session")
def slack():
    replica = SlackReplica([CANARY, CANARY_2])
    yield replica
    replica.stop()


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("SPOJKA_BINARY", ".build/debug/spojka")
    s = Server(binary, prefix="spojka-mcp-", log_level="info")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def owner(server):
    """The set-up owner: (token, workspace ID)."""
    status, body = server.api("POST", "/setup", None, {"email": "owner@example.com", "name": "Owner", "workspace": "Acme",
                                                       "password": "a long passphrase 1"})
    assert status == 201, body
    return body["token"], body["workspace"]["id"]
