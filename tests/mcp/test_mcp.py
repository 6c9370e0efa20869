"""Spojka's MCP endpoint through the official Python MCP client (PyPI `mcp`), against the real `spojka serve` binary
and a Slack replica: scopes, read-only, workspace isolation, stable names across a rename, rotation, deletion,
per-connection tool policy, and a canary credential that never appears."""
import json
import os
import subprocess
import urllib.error
import urllib.request

import anyio
import httpx2
from conftest import CANARY, CANARY_2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client


def mcp(server, token, work):
    """Runs `await work(session)` in an initialised MCP session of `token`."""
    async def main():
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            async with streamable_http_client(server.url + "/mcp", http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    return await work(session)
    return anyio.run(main)


async def all_tools(session):
    names, cursor = [], None
    while True:
        from mcp_types import PaginatedRequestParams
        page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
        names += [t.name for t in page.tools]
        cursor = page.next_cursor
        if not cursor:
            return names


def tool_names(server, token):
    return mcp(server, token, all_tools)


def call(server, token, name, arguments=None):
    async def work(session):
        return await session.call_tool(name, arguments or {})
    return mcp(server, token, work)


def create_slack(server, token, ws, name, slack, canary=CANARY):
    status, body = server.api("POST", f"/workspaces/{ws}/connections", token, {
        "connector": "slack", "name": name, "credentials": {"token": canary}, "serviceUrl": slack.url})
    assert status == 201, body
    return body


def scoped_token(server, token, scope, name="agent"):
    status, body = server.api("POST", "/tokens", token, {"name": name, "scope": scope})
    assert status == 201, body
    return body["token"], body["id"]


def raw_post(server, token, payload, session_id=None):
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if session_id:
        headers["Mcp-Session-Id"] = session_id
        headers["MCP-Protocol-Version"] = "2025-06-18"
    request = urllib.request.Request(server.url + "/mcp", data=json.dumps(payload).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}


def test_unauthenticated_and_full_tokens_are_refused(server, owner):
    token, _ = owner
    status, headers, body = raw_post(server, None, INITIALIZE)
    assert status == 401 and headers.get("WWW-Authenticate", "").startswith("Bearer"), (status, headers)
    assert "tools" not in body
    status, headers, _ = raw_post(server, "spk_not_a_real_token", INITIALIZE)
    assert status == 401 and "WWW-Authenticate" in headers
    # A full (unscoped) token is not an agent token: least privilege both ways.
    status, headers, _ = raw_post(server, token, INITIALIZE)
    assert status == 403 and "insufficient_scope" in headers.get("WWW-Authenticate", "")


def test_scoped_token_reaches_only_mcp(server, owner, slack):
    token, ws = owner
    agent, agent_id = scoped_token(server, token, {"workspace": ws, "connections": []})
    status, body = server.api("GET", "/workspaces", agent)
    assert status == 403, body
    status, body = server.api("GET", f"/workspaces/{ws}/connections", agent)
    assert status == 403, body
    status, body = server.api("POST", "/tokens", agent, {"name": "escalate"})
    assert status == 403, body
    status, body = server.api("GET", "/tokens/current", agent)
    assert status == 200 and body["id"] == agent_id and body["scope"]["workspace"] == ws
    assert tool_names(server, agent) == []


def test_exactly_the_allowed_tools_and_a_call_through_the_replica(server, owner, slack):
    token, ws = owner
    sales = create_slack(server, token, ws, "Slack Sales", slack)
    other = create_slack(server, token, ws, "Slack Sales", slack)  # same name: the handle is made unique
    assert sales["handle"] == "slack-sales" and other["handle"] == "slack-sales-2"
    agent, agent_id = scoped_token(server, token, {"workspace": ws, "connections": [sales["id"]],
                                                   "tools": {sales["id"]: ["auth_test", "send_message"]}})
    assert sorted(tool_names(server, agent)) == ["slack-sales__auth_test", "slack-sales__send_message"]

    async def listing(session):
        return (await session.list_tools()).tools
    tools = {t.name: t for t in mcp(server, agent, listing)}
    send = tools["slack-sales__send_message"]
    assert "Slack Sales" in send.description and "Slack" in send.description and "production" in send.description
    assert send.input_schema["required"] == ["channel", "text"] or "channel" in send.input_schema["properties"]
    assert tools["slack-sales__auth_test"].annotations.read_only_hint is True

    result = call(server, agent, "slack-sales__send_message", {"channel": "C0GENERAL", "text": "hello from an agent"})
    assert result.is_error is not True, result
    assert result.structured_content["channel"] == "C0GENERAL" and result.structured_content["ts"]
    assert json.loads(result.content[0].text)["channel"] == "C0GENERAL"
    assert slack.seen[-1] == ("/chat.postMessage", CANARY)

    status, log = server.api("GET", f"/workspaces/{ws}/connections/{sales['id']}/access-log", token)
    assert status == 200 and log["items"][0]["actor"] == agent_id and log["items"][0]["purpose"] == "mcp"
    assert log["items"][0]["tool"] == "send_message"
    status, audit = server.api("GET", f"/workspaces/{ws}/audit", token)
    actions = [(e["action"], e.get("details", {}).get("token")) for e in audit["items"]]
    assert ("mcp.tool_called", agent_id) in actions and ("mcp.session_started", agent_id) in actions
    assert "hello from an agent" not in json.dumps(audit)

    # Invalid arguments are refused by the input schema, as an error result.
    bad = call(server, agent, "slack-sales__send_message", {"channel": "C0GENERAL"})
    assert bad.is_error and "invalid_arguments" in bad.content[0].text
    # A tool outside the allow-list is not callable.
    other_tool = call(server, agent, "slack-sales__list_channels")
    assert other_tool.is_error and "tool_not_allowed" in other_tool.content[0].text


def test_read_only_token_cannot_send(server, owner, slack):
    token, ws = owner
    conn = create_slack(server, token, ws, "Slack Read", slack)
    # The CLI makes the same scoped token as the API.
    env = dict(os.environ, SPOJKA_URL=server.url, SPOJKA_TOKEN=token, SPOJKA_WORKSPACE=ws)
    printed = subprocess.run([os.environ.get("SPOJKA_BINARY", ".build/debug/spojka"), "tokens", "create", "--name", "reader",
                              "--connection", conn["id"], "--read-only"], env=env, capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    created = json.loads(printed.stdout)
    assert created["scope"] == {"workspace": ws, "connections": [conn["id"]], "readOnly": True, "includeUtilities": False}
    agent = created["token"]
    names = tool_names(server, agent)
    assert "slack-read__auth_test" in names and "slack-read__list_channels" in names
    assert "slack-read__send_message" not in names and "slack-read__update_message" not in names
    result = call(server, agent, "slack-read__send_message", {"channel": "C0GENERAL", "text": "nope"})
    assert result.is_error and "tool_not_allowed" in result.content[0].text
    assert not call(server, agent, "slack-read__list_channels").is_error


def test_a_token_of_workspace_a_sees_nothing_of_b(server, owner, slack):
    token, ws_a = owner
    status, b = server.api("POST", "/workspaces", token, {"name": "Beta"})
    assert status == 201, b
    secret_b = create_slack(server, token, b["id"], "Slack Beta", slack)
    agent_a, _ = scoped_token(server, token, {"workspace": ws_a})
    names = tool_names(server, agent_a)
    assert names and not any(n.startswith(secret_b["handle"] + "__") for n in names)
    result = call(server, agent_a, secret_b["handle"] + "__auth_test")
    assert result.is_error and "connection_not_found" in result.content[0].text


def test_rename_keeps_names_rotation_is_used_and_delete_removes(server, owner, slack):
    token, ws = owner
    conn = create_slack(server, token, ws, "Slack Ops", slack)
    agent, _ = scoped_token(server, token, {"workspace": ws, "connections": [conn["id"]]})
    before = tool_names(server, agent)
    assert "slack-ops__auth_test" in before
    status, renamed = server.api("PATCH", f"/workspaces/{ws}/connections/{conn['id']}", token, {"name": "Slack Operations"})
    assert status == 200 and renamed["handle"] == "slack-ops"
    assert tool_names(server, agent) == before

    status, body = server.api("PUT", f"/workspaces/{ws}/connections/{conn['id']}/credentials", token, {"credentials": {"token": CANARY_2}})
    assert status == 200, body
    assert not call(server, agent, "slack-ops__auth_test").is_error
    assert slack.seen[-1] == ("/auth.test", CANARY_2)

    # An explicit handle change is the only way to change the names.
    status, body = server.api("PATCH", f"/workspaces/{ws}/connections/{conn['id']}", token, {"handle": "ops"})
    assert status == 200 and body["handle"] == "ops"
    assert "ops__auth_test" in tool_names(server, agent)

    status, _ = server.api("DELETE", f"/workspaces/{ws}/connections/{conn['id']}?force=true", token)
    assert status == 204
    assert tool_names(server, agent) == []
    result = call(server, agent, "ops__auth_test")
    assert result.is_error and "connection_not_found" in result.content[0].text


def test_connection_tool_policy_applies_to_api_and_mcp(server, owner, slack):
    token, ws = owner
    conn = create_slack(server, token, ws, "Slack Policy", slack)
    status, body = server.api("PATCH", f"/workspaces/{ws}/connections/{conn['id']}", token,
                              {"toolPolicy": {"allowedTools": ["auth_test", "send_message"], "readOnly": True}})
    assert status == 200 and body["toolPolicy"] == {"allowedTools": ["auth_test", "send_message"], "readOnly": True}
    status, events = server.api("GET", f"/workspaces/{ws}/connections/{conn['id']}/events", token)
    assert "tool_policy_changed" in [e["type"] for e in events["items"]]
    status, body = server.api("POST", f"/workspaces/{ws}/tool-calls", token, {
        "connector": "slack", "tool": "send_message", "connection": conn["id"], "arguments": {"channel": "C1", "text": "x"}})
    assert status == 403 and body["error"]["code"] == "tool_not_allowed", body
    agent, _ = scoped_token(server, token, {"workspace": ws, "connections": [conn["id"]]})
    assert tool_names(server, agent) == ["slack-policy__auth_test"]


def test_canary_never_appears(server, owner, slack):
    token, ws = owner
    conn = create_slack(server, token, ws, "Slack Canary", slack)
    agent, _ = scoped_token(server, token, {"workspace": ws, "connections": [conn["id"]], "includeUtilities": True})
    wire = []
    status, headers, body = raw_post(server, agent, INITIALIZE)
    assert status == 200, body
    session = next(v for k, v in headers.items() if k.lower() == "mcp-session-id")
    wire.append(body)
    raw_post(server, agent, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
    for i, (method, params) in enumerate([("tools/list", {}),
                                          ("tools/call", {"name": "slack-canary__auth_test", "arguments": {}}),
                                          ("tools/call", {"name": "slack-canary__send_message", "arguments": {"channel": "C1", "text": "t"}}),
                                          ("tools/call", {"name": "slack-canary__list_channels", "arguments": {"limit": 0}})]):
        status, _, body = raw_post(server, agent, {"jsonrpc": "2.0", "id": 10 + i, "method": method, "params": params}, session)
        assert status == 200, body
        wire.append(body)
    assert "slack-canary__auth_test" in wire[1] and "Acme Slack" in wire[2]
    request = urllib.request.Request(server.url + "/mcp", method="DELETE", headers={
        "Authorization": f"Bearer {agent}", "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 200
    status, _, _ = raw_post(server, agent, {"jsonrpc": "2.0", "id": 99, "method": "tools/list", "params": {}}, session)
    assert status == 404
    _, audit = server.api("GET", f"/workspaces/{ws}/audit", token)
    for text in wire + [json.dumps(audit), server.logs()]:
        assert CANARY not in text and CANARY_2 not in text


def test_list_changed_is_sent_on_the_stream_when_connections_change(server, owner, slack):
    token, ws = owner
    agent, _ = scoped_token(server, token, {"workspace": ws})
    changed = anyio.Event()

    async def on_message(message):
        if "tools/list_changed" in repr(message):
            changed.set()

    async def main():
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {agent}"}, timeout=30) as http:
            async with streamable_http_client(server.url + "/mcp", http_client=http) as (read, write):
                async with ClientSession(read, write, message_handler=on_message) as session:
                    await session.initialize()
                    before = await all_tools(session)
                    created = []
                    # The client opens its GET stream after initialize; change until the notification arrives there.
                    with anyio.fail_after(60):
                        while not changed.is_set():
                            created.append(await anyio.to_thread.run_sync(
                                lambda: create_slack(server, token, ws, "Slack Changed", slack)))
                            with anyio.move_on_after(2):
                                await changed.wait()
                    after = await all_tools(session)
                    assert created[-1]["handle"] + "__auth_test" in after and len(after) > len(before)
    anyio.run(main)
