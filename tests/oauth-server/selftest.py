#!/usr/bin/env python3
"""End-to-end self-test of server.py, stdlib only.

    python selftest.py                    # starts server.py itself (same interpreter)
    python selftest.py --url http://127.0.0.1:PORT   # against a running server (fresh state)

Exits non-zero on the first failure.
"""
import argparse
import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

LIFETIME = 60
REDIRECT = "http://127.0.0.1:9/callback"
CID, SECRET = "selftest-" + secrets.token_hex(4), secrets.token_urlsafe(16)
BASE = ""
expected = {"authorization_code": 0, "refresh_token": 0, "client_credentials": 0, "invalid_grant": 0}
passed = 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def http(method, path, form=None, json_body=None, headers=None):
    """Returns (status, headers, parsed JSON body or raw text)."""
    headers = dict(headers or {})
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        resp = opener.open(req, timeout=10)
    except urllib.error.HTTPError as e:
        resp = e
    raw = resp.read().decode()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw
    return resp.status, resp.headers, body


def check(cond, what, detail=None):
    global passed
    if not cond:
        print(f"FAIL: {what}" + (f"  -- {detail!r}" if detail is not None else ""))
        sys.exit(1)
    passed += 1
    print(f"ok   {what}")


def basic(cid=CID, secret=SECRET):
    return {"Authorization": "Basic " + base64.b64encode(f"{cid}:{secret}".encode()).decode()}


def token(grant_type, form, auth="basic", expect_invalid_grant=False, secret=SECRET):
    expected[grant_type] += 1
    expected["invalid_grant"] += expect_invalid_grant
    form = dict(form, grant_type=grant_type)
    if auth == "basic":
        return http("POST", "/oauth/token", form=form, headers=basic(secret=secret))
    return http("POST", "/oauth/token", form=dict(form, client_id=CID, client_secret=secret))


def authorize(**params):
    q = dict(response_type="code", client_id=CID, redirect_uri=REDIRECT, state="st-" + secrets.token_hex(3))
    q.update(params)
    status, headers, _ = http("GET", "/oauth/authorize?" + urllib.parse.urlencode(q))
    loc = headers.get("Location", "")
    check(status == 302 and loc.startswith(REDIRECT), "authorize redirects to redirect_uri", (status, loc))
    got = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))
    check(got.get("state") == q["state"], "state echoed", got)
    return got


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def code_flow(login, auth="basic"):
    verifier, challenge = pkce()
    got = authorize(login_hint=login, scope="read write", code_challenge=challenge, code_challenge_method="S256")
    check("code" in got, f"code issued for {login}", got)
    status, _, tok = token("authorization_code", {"code": got["code"], "redirect_uri": REDIRECT,
                                                  "code_verifier": verifier}, auth=auth)
    check(status == 200 and tok.get("access_token") and tok.get("refresh_token"), "code exchanged", tok)
    check(tok["token_type"].lower() == "bearer" and tok["expires_in"] == LIFETIME, "token type/expires_in", tok)
    return got["code"], verifier, tok


def bearer(at, path="/api/me"):
    return http("GET", path, headers={"Authorization": "Bearer " + at})


def refresh(rt, expect_invalid_grant=False, auth="post"):
    return token("refresh_token", {"refresh_token": rt}, auth=auth, expect_invalid_grant=expect_invalid_grant)


def check_401(at, what):
    status, headers, _ = bearer(at)
    check(status == 401 and 'error="invalid_token"' in headers.get("WWW-Authenticate", ""), what,
          (status, headers.get("WWW-Authenticate")))


def run():
    check(http("GET", "/healthz")[0] == 200, "healthz")
    status, _, body = http("POST", "/admin/clients", json_body={
        "client_id": CID, "client_secret": SECRET, "redirect_uris": [REDIRECT], "scope": "read write",
        "grant_types": ["authorization_code", "refresh_token", "client_credentials"]})
    check(status == 201 and body["client_id"] == CID, "client registered", body)
    check(http("POST", "/admin/clients", json_body={"client_id": "x"})[0] == 400, "bad registration rejected")
    http("POST", "/admin/reset-stats")

    # --- authorization endpoint: PKCE S256 is mandatory, deny works
    got = authorize()
    check(got.get("error") == "invalid_request", "code flow without code_challenge refused", got)
    got = authorize(code_challenge=pkce()[1], code_challenge_method="plain")
    check(got.get("error") == "invalid_request", "plain PKCE refused", got)
    got = authorize(deny="1", code_challenge=pkce()[1], code_challenge_method="S256")
    check(got.get("error") == "access_denied", "deny=1 -> access_denied", got)
    status, _, _ = http("GET", "/oauth/authorize?" + urllib.parse.urlencode(
        dict(response_type="code", client_id=CID, redirect_uri="http://evil.test/cb")))
    check(status == 400, "unregistered redirect_uri not redirected to", status)

    # --- wrong code_verifier
    _, challenge = pkce()
    got = authorize(code_challenge=challenge, code_challenge_method="S256")
    status, _, body = token("authorization_code", {"code": got["code"], "redirect_uri": REDIRECT,
                                                   "code_verifier": pkce()[0]}, expect_invalid_grant=True)
    check(status == 400 and body["error"] == "invalid_grant", "wrong code_verifier -> invalid_grant", body)

    # --- code flow (client_secret_basic), userinfo, /api/me
    code, verifier, tok = code_flow("bob")
    status, _, body = bearer(tok["access_token"], "/userinfo")
    check(status == 200 and body == {"sub": "user-bob", "login": "bob", "email": "bob@example.test",
                                     "name": "Bob"}, "userinfo", body)
    status, _, body = bearer(tok["access_token"])
    check(status == 200 and body["sub"] == "user-bob" and body["scope"] == "read write", "/api/me", body)
    check_401("not-a-token", "/api/me with unknown token -> 401 invalid_token")
    status, headers, _ = http("GET", "/api/me")
    check(status == 401 and headers.get("WWW-Authenticate"), "/api/me without token -> 401", status)

    # --- code replay revokes the grant
    status, _, body = token("authorization_code", {"code": code, "redirect_uri": REDIRECT,
                                                   "code_verifier": verifier}, expect_invalid_grant=True)
    check(status == 400 and body["error"] == "invalid_grant", "code replay -> invalid_grant", body)
    check_401(tok["access_token"], "code replay revoked tokens of that code")

    # --- refresh rotation + reuse detection (client_secret_post)
    _, _, tok = code_flow("alice", auth="post")
    status, _, new = refresh(tok["refresh_token"])
    check(status == 200 and new["refresh_token"] != tok["refresh_token"] and new["expires_in"] == LIFETIME,
          "refresh rotates refresh token", new)
    check(bearer(new["access_token"])[0] == 200, "rotated access token works")
    status, _, body = refresh(tok["refresh_token"], expect_invalid_grant=True)
    check(status == 400 and body["error"] == "invalid_grant", "old refresh token -> invalid_grant", body)
    status, _, body = refresh(new["refresh_token"], expect_invalid_grant=True)
    check(status == 400 and body["error"] == "invalid_grant", "reuse revoked the grant: new refresh fails", body)
    check_401(new["access_token"], "reuse revoked the grant: access token 401")

    # --- concurrent refresh with one token: exactly one wins, reuse kills the grant
    _, _, tok = code_flow("dave")
    results = []
    form = {"grant_type": "refresh_token", "refresh_token": tok["refresh_token"]}
    threads = [threading.Thread(target=lambda: results.append(http("POST", "/oauth/token", form=form,
                                                                   headers=basic())))
               for _ in range(2)]
    expected["refresh_token"] += 2
    expected["invalid_grant"] += 1
    [t.start() for t in threads]
    [t.join() for t in threads]
    wins = [b for s, _, b in results if s == 200]
    check(len(wins) == 1 and sum(b.get("error") == "invalid_grant" for _, _, b in results) == 1,
          "concurrent refresh: one 200, one invalid_grant", results)
    status, _, body = refresh(wins[0]["refresh_token"], expect_invalid_grant=True)
    check(status == 400, "concurrent refresh: winner's token revoked too", body)

    # --- expire-all
    _, _, tok = code_flow("erin")
    status, _, body = http("POST", "/admin/expire-all")
    check(status == 200 and body["expired"] >= 1, "expire-all", body)
    check_401(tok["access_token"], "expired access token -> 401 invalid_token")
    status, _, new = refresh(tok["refresh_token"], auth="basic")
    check(status == 200 and bearer(new["access_token"])[0] == 200, "refresh after expiry works", new)

    # --- revocation (RFC 7009)
    status, _, _ = http("POST", "/oauth/revoke", form={"token": new["access_token"],
                                                       "token_type_hint": "access_token"}, headers=basic())
    check(status == 200, "revoke access token")
    check_401(new["access_token"], "revoked access token -> 401")
    status, _, _ = http("POST", "/oauth/revoke", form={"token": new["refresh_token"], "client_id": CID,
                                                       "client_secret": SECRET})
    check(status == 200, "revoke refresh token (client_secret_post)")
    status, _, body = refresh(new["refresh_token"], expect_invalid_grant=True)
    check(status == 400 and body["error"] == "invalid_grant", "revoked refresh token -> invalid_grant", body)
    check(http("POST", "/oauth/revoke", form={"token": "nope"}, headers=basic())[0] == 200,
          "revoke unknown token -> 200")

    # --- admin revoke-user
    _, _, tok = code_flow("carol")
    status, _, body = http("POST", "/admin/revoke-user?login=carol")
    check(status == 200 and body["revoked_grants"] == 1, "revoke-user", body)
    check_401(tok["access_token"], "revoke-user: access token 401")
    status, _, body = refresh(tok["refresh_token"], expect_invalid_grant=True)
    check(status == 400 and body["error"] == "invalid_grant", "revoke-user: refresh invalid_grant", body)

    # --- client credentials
    status, _, cc = token("client_credentials", {"scope": "read"})
    check(status == 200 and "refresh_token" not in cc and cc["expires_in"] == LIFETIME, "client_credentials", cc)
    status, _, body = bearer(cc["access_token"])
    check(status == 200 and body["client_id"] == CID and body["scope"] == "read", "/api/me with client token", body)
    check(bearer(cc["access_token"], "/userinfo")[0] == 403, "/userinfo with client token -> 403")
    status, _, body = token("client_credentials", {}, auth="post", secret="wrong")
    check(status in (400, 401) and body["error"] == "invalid_client", "wrong secret -> invalid_client", body)

    # --- concurrency: 200 parallel userinfo calls
    _, _, tok = code_flow("frank")
    codes = []
    threads = [threading.Thread(target=lambda: codes.append(bearer(tok["access_token"], "/userinfo")[0]))
               for _ in range(200)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    check(codes.count(200) == 200, "200 concurrent userinfo requests", {c: codes.count(c) for c in set(codes)})

    # --- stats
    status, _, stats = http("GET", "/admin/stats")
    want = {g: expected[g] for g in ("authorization_code", "refresh_token", "client_credentials")}
    got = {g: stats["token_requests"].get(g) for g in want}
    check(got == want and stats["invalid_grant"] == expected["invalid_grant"], "stats counts",
          {"stats": stats, "expected": expected})
    status, _, stats = http("POST", "/admin/reset-stats")
    check(stats["invalid_grant"] == 0 and not any(stats["token_requests"].values()), "reset-stats", stats)


def main():
    global BASE
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", help="use a running server instead of starting one")
    args = ap.parse_args()
    proc = None
    if args.url:
        BASE = args.url.rstrip("/")
    else:
        port_file = os.path.join(tempfile.mkdtemp(), "port")
        server = os.path.join(os.path.dirname(os.path.abspath(__file__)), "server.py")
        proc = subprocess.Popen([sys.executable, server, "--port", "0", "--port-file", port_file,
                                 "--access-token-lifetime", str(LIFETIME), "--quiet"])
        deadline = time.time() + 15
        while not os.path.exists(port_file):
            if proc.poll() is not None or time.time() > deadline:
                print("FAIL: server did not start")
                sys.exit(1)
            time.sleep(0.05)
        BASE = "http://127.0.0.1:" + open(port_file).read().strip()
    try:
        run()
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"selftest: {passed} passed, 0 failed")


if __name__ == "__main__":
    main()
