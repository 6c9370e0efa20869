"""Seeds a fresh Spojka server for the fuzzer: the owner (setup), a connection and a workflow.

Prints shell `export` lines: SPOJKA_FUZZ_TOKEN, _WS, _CONNECTION, _WORKFLOW, _OAUTH_APP. Standard library only.
"""
import json
import sys
import time
import urllib.error
import urllib.request

base = sys.argv[1]


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


deadline = time.time() + 60
while True:
    try:
        if call("GET", "/readyz")[0] == 200:
            break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit("the server did not become ready")
    time.sleep(0.2)

status, setup = call("POST", "/api/v1/setup", {"email": "owner@example.com", "name": "Owner", "workspace": "Fuzz",
                                               "password": "owner passphrase 1"})
assert status == 201, (status, setup)
token, ws = setup["token"], setup["workspace"]["id"]
status, connection = call("POST", f"/api/v1/workspaces/{ws}/connections",
                          {"connector": "webhook", "name": "Orders hook", "credentials": {"secret": "whsec_fuzz_0123456789"}}, token)
assert status == 201, (status, connection)
status, workflow = call("POST", f"/api/v1/workspaces/{ws}/workflows", {
    "name": "Shape an order",
    "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "shape", "type": "transform", "config": {"template": {"total": "{{ input.total }}"}}, "outputVariable": "shaped"},
              {"id": "reply", "type": "response", "config": {"status": 200, "body": "{{ shaped }}"}}],
    "edges": [{"from": "start", "to": "shape"}, {"from": "shape", "to": "reply"}],
}, token)
assert status == 201, (status, workflow)
status, app = call("POST", f"/api/v1/workspaces/{ws}/oauth-apps", {
    "connector": "http", "name": "Local provider", "clientId": "fuzz-client", "clientSecret": "fuzz-secret",
    "authorizationUrl": "https://auth.example.test/authorize", "tokenUrl": "https://auth.example.test/token"}, token)
oauth_app = app["id"] if status == 201 else "oapp_none"
for name, value in [("TOKEN", token), ("WS", ws), ("CONNECTION", connection["id"]), ("WORKFLOW", workflow["id"]), ("OAUTH_APP", oauth_app)]:
    print(f"export SPOJKA_FUZZ_{name}='{value}'")
