"""Remote MCP servers as connectors: a real MCPServer (the Python SDK's FastMCP successor) on loopback behind a bearer
token, connected as an `mcp` connection of the real `spojka serve` — tools discovered at verification, called from the
tool-calls API, a workflow and Spojka's own /mcp; status follows the server (401 → reauthorize, stopped → error);
a tool added on the server appears after verify; the bearer token (a canary) never appears anywhere."""
import json

import pytest
from remote_mcp_server import RemoteMCP
from test_mcp import call, mcp, scoped_token, tool_names

REMOTE_CANARY = "mcp-remote-canary-5d2c81f0e7a94b36"


@pytest.fixture(scope="module")
def remote():
    server = RemoteMCP(REMOTE_CANARY)
    yield server
    server.stop()


def create_remote(server, token, ws, name, url, secret=REMOTE_CANARY):
    return server.api("POST", f"/workspaces/{ws}/connections", token, {
        "connector": "mcp", "name": name, "serviceUrl": url, "credentials": {"token": secret}, "settings": {"authMethod": "bearer"}})


def tool_call(server, token, ws, conn, tool, arguments):
    return server.api("POST", f"/workspaces/{ws}/tool-calls", token,
                      {"connector": "mcp", "tool": tool, "connection": conn, "arguments": arguments})


def test_tools_are_discovered_and_callable_from_the_api_a_workflow_and_mcp(server, owner, remote):
    token, ws = owner
    status, conn = create_remote(server, token, ws, "Weather", remote.url)
    assert status == 201, conn
    assert conn["status"] == "active" and conn["handle"] == "weather"
    assert conn["account"]["name"] == "Weather Remote"
    tools = {t["name"]: t for t in conn["tools"]}
    assert sorted(tools) == ["add", "forecast", "shout"]
    assert tools["forecast"]["annotations"]["readOnlyHint"] is True and tools["forecast"]["title"] == "Forecast"
    assert tools["forecast"]["inputSchema"]["required"] == ["city"]
    assert remote.seen[-1] == f"Bearer {REMOTE_CANARY}"

    # The tool-calls API: structured output, a plain int wrapped by the server, text-only content.
    status, body = tool_call(server, token, ws, conn["id"], "forecast", {"city": "Prague"})
    assert status == 200 and body["output"] == {"city": "Prague", "days": 1, "summary": "Sunny in Prague"}, body
    status, body = tool_call(server, token, ws, conn["id"], "add", {"a": 2, "b": 3})
    assert status == 200 and body["output"] == {"result": 5}, body
    status, body = tool_call(server, token, ws, conn["id"], "shout", {"text": "hi"})
    assert status == 200 and body["output"]["text"] == "HI", body
    # Arguments are checked against the discovered schema before anything is sent; unknown tools are refused.
    calls = len(remote.calls)
    status, body = tool_call(server, token, ws, conn["id"], "forecast", {"days": 2})
    assert status in (400, 422) and body["error"]["code"] == "invalid_arguments", body
    assert len(remote.calls) == calls
    status, body = tool_call(server, token, ws, conn["id"], "no_such_tool", {})
    assert status in (400, 422) and "no_such_tool" in json.dumps(body), body

    # A workflow: the validator checks the tool against the connection's discovered set.
    def definition(tool):
        return {"name": f"Weather {tool}", "nodes": [
            {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "weather", "type": "connector", "outputVariable": "w",
             "config": {"connector": "mcp", "tool": tool, "connection": conn["id"], "arguments": {"city": "{{ input.city }}"}}},
            {"id": "reply", "type": "response", "config": {"body": {"summary": "{{ w.summary }}"}}}],
            "edges": [{"from": "start", "to": "weather"}, {"from": "weather", "to": "reply"}]}
    status, body = server.api("POST", f"/workspaces/{ws}/workflows", token, definition("rainfall"))
    assert status in (400, 422) and "nodes.weather.config.tool" in json.dumps(body), body
    status, wf = server.api("POST", f"/workspaces/{ws}/workflows", token, definition("forecast"))
    assert status == 201, wf
    status, run = server.api("POST", f"/workspaces/{ws}/workflows/{wf['id']}/runs", token,
                             {"input": {"city": "Brno"}, "wait": True, "timeoutSeconds": 60})
    assert run["status"] == "completed" and run["output"] == {"summary": "Sunny in Brno"}, run

    # Spojka's own MCP server offers them as `{handle}__{tool}`; scope and read-only apply.
    agent, agent_id = scoped_token(server, token, {"workspace": ws, "connections": [conn["id"]]})
    assert tool_names(server, agent) == ["weather__add", "weather__forecast", "weather__shout"]
    result = call(server, agent, "weather__forecast", {"city": "Oslo"})
    assert result.is_error is not True and result.structured_content["summary"] == "Sunny in Oslo", result
    reader, _ = scoped_token(server, token, {"workspace": ws, "connections": [conn["id"]], "readOnly": True}, name="reader")
    assert tool_names(server, reader) == ["weather__forecast"]
    status, log = server.api("GET", f"/workspaces/{ws}/connections/{conn['id']}/access-log", token)
    assert log["items"][0]["actor"] == agent_id and log["items"][0]["purpose"] == "mcp" and log["items"][0]["tool"] == "forecast"

    # The connection's tool policy names discovered tools and is enforced on them.
    status, body = server.api("PATCH", f"/workspaces/{ws}/connections/{conn['id']}", token, {"toolPolicy": {"allowedTools": ["rainfall"]}})
    assert status in (400, 422), body
    status, body = server.api("PATCH", f"/workspaces/{ws}/connections/{conn['id']}", token, {"toolPolicy": {"allowedTools": ["forecast"]}})
    assert status == 200, body
    assert tool_names(server, agent) == ["weather__forecast"]
    status, body = tool_call(server, token, ws, conn["id"], "add", {"a": 1, "b": 1})
    assert status == 403 and body["error"]["code"] == "tool_not_allowed", body


def test_json_answers_and_a_tool_added_on_the_server_appears_after_verify(server, owner):
    token, ws = owner
    remote = RemoteMCP(REMOTE_CANARY, json_response=True)
    try:
        status, conn = create_remote(server, token, ws, "Weather JSON", remote.url)
        assert status == 201 and [t["name"] for t in conn["tools"]] == ["add", "forecast", "shout"], conn
        status, body = tool_call(server, token, ws, conn["id"], "add", {"a": 20, "b": 22})
        assert status == 200 and body["output"] == {"result": 42}, body
        agent, _ = scoped_token(server, token, {"workspace": ws, "connections": [conn["id"]]})
        assert "weather-json__wind" not in tool_names(server, agent)

        remote.add_tool()
        status, verified = server.api("POST", f"/workspaces/{ws}/connections/{conn['id']}/verify", token)
        assert status == 200 and "wind" in [t["name"] for t in verified["tools"]], verified
        status, events = server.api("GET", f"/workspaces/{ws}/connections/{conn['id']}/events", token)
        changed = [e for e in events["items"] if e["type"] == "tools_changed"]
        assert changed and "added: wind" in changed[-1]["reason"], events
        assert "weather-json__wind" in tool_names(server, agent)
        status, body = tool_call(server, token, ws, conn["id"], "wind", {"city": "Bergen"})
        # `wind` declares no output schema: its output is the text (and content blocks) it answered.
        assert status == 200 and json.loads(body["output"]["text"]) == {"city": "Bergen", "kmh": 12}, body
        # Verifying again with nothing changed records no change.
        server.api("POST", f"/workspaces/{ws}/connections/{conn['id']}/verify", token)
        _, events = server.api("GET", f"/workspaces/{ws}/connections/{conn['id']}/events", token)
        assert len([e for e in events["items"] if e["type"] == "tools_changed"]) == len(changed)
    finally:
        remote.stop()


def test_a_rejected_token_means_reauthorize_and_a_stopped_server_error(server, owner):
    token, ws = owner
    remote = RemoteMCP(REMOTE_CANARY)
    try:
        # A wrong token fails creation (verification first) with the reauthorize status.
        status, body = create_remote(server, token, ws, "Wrong", remote.url, secret="not-the-token")
        assert status in (400, 422) and body["error"]["code"] == "verification_failed", body
        assert body["error"]["details"]["status"] == "reauthorize"

        status, conn = create_remote(server, token, ws, "Weather Status", remote.url)
        assert status == 201, conn
        # The server stops accepting the token: the next call says reauthorize.
        remote.token = "rotated-on-the-server"
        remote.stop()
        remote.start()
        status, body = tool_call(server, token, ws, conn["id"], "add", {"a": 1, "b": 2})
        assert body["error"]["code"] == "auth_rejected", body
        _, read = server.api("GET", f"/workspaces/{ws}/connections/{conn['id']}", token)
        assert read["status"] == "reauthorize", read

        # Rotating to the token the server now wants recovers it.
        status, body = server.api("PUT", f"/workspaces/{ws}/connections/{conn['id']}/credentials", token,
                                  {"credentials": {"token": "rotated-on-the-server"}})
        assert status == 200 and body["status"] == "active", body

        # Stopped server: verify says error; a call is service_unavailable.
        remote.stop()
        status, body = server.api("POST", f"/workspaces/{ws}/connections/{conn['id']}/verify", token)
        assert status == 200 and body["status"] == "error", body
        status, body = tool_call(server, token, ws, conn["id"], "add", {"a": 1, "b": 2})
        assert body["error"]["code"] == "service_unavailable", body
        remote.start()
        status, body = server.api("POST", f"/workspaces/{ws}/connections/{conn['id']}/verify", token)
        assert body["status"] == "active", body
    finally:
        remote.stop()


def test_the_remote_canary_never_appears(server, owner, remote):
    token, ws = owner
    status, conn = create_remote(server, token, ws, "Weather Canary", remote.url)
    assert status == 201, conn
    texts = [json.dumps(conn)]
    for tool, args in [("forecast", {"city": "Lima"}), ("shout", {"text": REMOTE_CANARY[:5]})]:
        texts.append(json.dumps(tool_call(server, token, ws, conn["id"], tool, args)))
    agent, _ = scoped_token(server, token, {"workspace": ws, "connections": [conn["id"]]})

    async def work(session):
        listed = await session.list_tools()
        called = await session.call_tool("weather-canary__forecast", {"city": "Quito"})
        return repr(listed) + repr(called)
    texts.append(mcp(server, agent, work))
    for path in [f"/workspaces/{ws}/connections/{conn['id']}", f"/workspaces/{ws}/connections/{conn['id']}/events",
                 f"/workspaces/{ws}/connections/{conn['id']}/access-log", f"/workspaces/{ws}/audit", f"/workspaces/{ws}/runs"]:
        texts.append(json.dumps(server.api("GET", path, token)))
    texts.append(server.logs())
    assert remote.seen[-1] == f"Bearer {REMOTE_CANARY}"
    for text in texts:
        assert REMOTE_CANARY not in text
