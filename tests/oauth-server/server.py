#!/usr/bin/env python3
"""Small but real OAuth 2.0 authorization server for Spojka's integration tests.

Built on Authlib's Flask integration. All state is in memory, guarded by one lock.
See README.md for flags and endpoints.
"""
import argparse
import json
import logging
import os
import secrets
import signal
import sys
import threading
import time
from collections import Counter

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector, current_token
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

CLIENT_AUTH = ["client_secret_basic", "client_secret_post"]
ALL_GRANTS = ["authorization_code", "refresh_token", "client_credentials"]
CODE_LIFETIME = 600


# ---------------------------------------------------------------- models

class Client(ClientMixin):
    def __init__(self, client_id, client_secret, redirect_uris, scope="", grant_types=None):
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris, self.scope = list(redirect_uris), scope or ""
        self.grant_types = list(grant_types or ALL_GRANTS)

    def to_dict(self):
        return {"client_id": self.client_id, "client_secret": self.client_secret,
                "redirect_uris": self.redirect_uris, "scope": self.scope, "grant_types": self.grant_types}

    def get_client_id(self): return self.client_id
    def get_default_redirect_uri(self): return self.redirect_uris[0] if self.redirect_uris else None
    def check_redirect_uri(self, uri): return uri in self.redirect_uris
    def check_client_secret(self, secret): return secrets.compare_digest(self.client_secret, secret or "")
    def check_endpoint_auth_method(self, method, endpoint): return method in CLIENT_AUTH
    def check_response_type(self, response_type): return response_type == "code"
    def check_grant_type(self, grant_type): return grant_type in self.grant_types

    def get_allowed_scope(self, scope):
        """No scope requested -> the client's full scope; otherwise the requested scopes
        the client may have (or all requested ones when the client has no scope list)."""
        if not scope:
            return self.scope
        if not self.scope:
            return scope
        allowed = set(self.scope.split())
        return " ".join(s for s in scope_to_list(scope) if s in allowed)


class User:
    def __init__(self, login):
        self.login, self.sub = login, "user-" + login
        self.email, self.name = login + "@example.test", login.title()

    def get_user_id(self): return self.sub
    def to_dict(self): return {"sub": self.sub, "login": self.login, "email": self.email, "name": self.name}


class Grant:
    """One authorization (a code exchange or a client_credentials request): all the
    tokens issued from it, through any number of refreshes, share it."""
    def __init__(self, client_id, login):
        self.client_id, self.login, self.revoked = client_id, login, False


class AuthCode:
    def __init__(self, code, req):
        self.code, self.client_id, self.login = code, req.client.client_id, req.user.login
        self.redirect_uri, self.scope = req.payload.redirect_uri, req.scope
        self.code_challenge = req.payload.data.get("code_challenge")
        self.code_challenge_method = req.payload.data.get("code_challenge_method")
        self.expires_at, self.used, self.grant = time.time() + CODE_LIFETIME, False, None

    def get_redirect_uri(self): return self.redirect_uri
    def get_scope(self): return self.scope


class Token(TokenMixin):
    def __init__(self, data, client_id, user, grant):
        self.access_token, self.refresh_token = data["access_token"], data.get("refresh_token")
        self.scope, self.expires_in = data.get("scope", ""), data.get("expires_in", 0)
        self.expires_at = time.time() + self.expires_in
        self.client_id, self.user, self.grant = client_id, user, grant
        self.access_revoked = self.refresh_used = False

    def check_client(self, client): return client.client_id == self.client_id
    def get_scope(self): return self.scope
    def get_expires_in(self): return self.expires_in
    def is_expired(self): return time.time() >= self.expires_at
    def is_revoked(self): return self.access_revoked or self.grant.revoked
    def get_user(self): return self.user
    def get_client(self): return store.clients.get(self.client_id)


class Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.clients, self.users, self.codes = {}, {}, {}
        self.grants, self.by_access, self.by_refresh = [], {}, {}
        self.token_requests, self.counters = Counter(), Counter()

    def user(self, login):
        with self.lock:
            if login not in self.users:
                self.users[login] = User(login)
            return self.users[login]

    def revoke_grant(self, grant):
        with self.lock:
            grant.revoked = True

    def stats(self):
        with self.lock:
            req = {g: self.token_requests.get(g, 0) for g in ALL_GRANTS}
            req.update(self.token_requests)
            return {"token_requests": req, "invalid_grant": self.counters["invalid_grant"],
                    "reuse_detected": self.counters["reuse_detected"],
                    "userinfo_requests": self.counters["userinfo"], "api_me_requests": self.counters["api_me"]}


store = Store()


# ---------------------------------------------------------------- grants

class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH

    def save_authorization_code(self, code, req):
        with store.lock:
            store.codes[code] = AuthCode(code, req)

    def query_authorization_code(self, code, client):
        # Consume atomically; a second use revokes everything issued from the code (RFC 6749 4.1.2).
        with store.lock:
            item = store.codes.get(code)
            if not item or item.client_id != client.client_id or item.expires_at < time.time():
                return None
            if item.used:
                if item.grant:
                    store.revoke_grant(item.grant)
                store.counters["reuse_detected"] += 1
                return None
            item.used = True
            return item

    def delete_authorization_code(self, authorization_code):
        pass  # kept (marked used) for reuse detection

    def authenticate_user(self, authorization_code):
        return store.user(authorization_code.login)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation

    def authenticate_refresh_token(self, refresh_token):
        # Check-and-consume under the lock, so of two concurrent refreshes with one
        # token exactly one wins and the other is treated as reuse.
        with store.lock:
            token = store.by_refresh.get(refresh_token)
            if not token or token.grant.revoked or token.client_id != self.request.client.client_id:
                return None
            if token.refresh_used:
                store.revoke_grant(token.grant)  # reuse detected: kill the whole grant
                store.counters["reuse_detected"] += 1
                return None
            token.refresh_used = True
            return token

    def authenticate_user(self, refresh_token):
        return refresh_token.user

    def revoke_old_credential(self, refresh_token):
        refresh_token.refresh_used = True


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH


class S256Required(CodeChallenge):
    """PKCE is mandatory for every client, and only with S256."""
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = CLIENT_AUTH

    def query_token(self, token_string, token_type_hint):
        with store.lock:
            if token_type_hint == "refresh_token":
                return store.by_refresh.get(token_string) or store.by_access.get(token_string)
            return store.by_access.get(token_string) or store.by_refresh.get(token_string)

    def revoke_token(self, token, req):
        with store.lock:
            if req.form.get("token") == token.refresh_token:
                store.revoke_grant(token.grant)  # refresh token: the whole grant goes
            else:
                token.access_revoked = True


def save_token(data, req):
    with store.lock:
        old = getattr(req, "refresh_token", None)
        if req.payload.grant_type == "refresh_token" and old is not None:
            grant = old.grant
        else:
            grant = Grant(req.client.client_id, req.user.login if req.user else None)
            store.grants.append(grant)
            code = getattr(req, "authorization_code", None)
            if code is not None:
                code.grant = grant
        token = Token(data, req.client.client_id, req.user, grant)
        store.by_access[token.access_token] = token
        if token.refresh_token:
            store.by_refresh[token.refresh_token] = token


class AccessTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        with store.lock:
            return store.by_access.get(token_string)


# ---------------------------------------------------------------- app

def create_app(lifetime, token_delay_ms=0):
    app = Flask(__name__)
    app.config.update(OAUTH2_REFRESH_TOKEN_GENERATOR=True,
                      OAUTH2_TOKEN_EXPIRES_IN={g: lifetime for g in ALL_GRANTS})
    server = AuthorizationServer(app, query_client=lambda cid: store.clients.get(cid), save_token=save_token)
    server.register_grant(AuthorizationCodeGrant, [S256Required(required=True)])
    server.register_grant(RefreshTokenGrant)
    server.register_grant(ClientCredentialsGrant)
    server.register_endpoint(Revocation)
    require_oauth = ResourceProtector()
    require_oauth.register_token_validator(AccessTokenValidator())

    def err(msg, status=400):
        return jsonify(error="invalid_request", error_description=msg), status

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/.well-known/oauth-authorization-server")
    def metadata():
        base = request.host_url.rstrip("/")
        return {"issuer": base, "authorization_endpoint": base + "/oauth/authorize",
                "token_endpoint": base + "/oauth/token", "revocation_endpoint": base + "/oauth/revoke",
                "userinfo_endpoint": base + "/userinfo", "response_types_supported": ["code"],
                "grant_types_supported": ALL_GRANTS, "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": CLIENT_AUTH,
                "revocation_endpoint_auth_methods_supported": CLIENT_AUTH}

    @app.get("/oauth/authorize")
    def authorize():
        # No login page: auto-consent for login_hint (default alice), or deny with deny=1.
        user = None if request.args.get("deny") == "1" else store.user(request.args.get("login_hint") or "alice")
        req = server.create_oauth2_request(None)
        try:
            grant = server.get_authorization_grant(req)
        except OAuth2Error as error:
            error.state = req.payload.state
            return server.handle_error_response(req, error)
        return server.create_authorization_response(req, grant_user=user, grant=grant)

    @app.post("/oauth/token")
    def issue_token():
        grant_type = request.form.get("grant_type", "")
        with store.lock:
            store.token_requests[grant_type] += 1
        if grant_type == "refresh_token" and token_delay_ms:
            time.sleep(token_delay_ms / 1000)
        resp = server.create_token_response()
        if request.args.get("echo") and resp.status_code >= 400:
            # A careless provider: the error repeats what the client sent.
            body = resp.get_json(silent=True) or {}
            body["error_description"] = "%s (request: authorization=%s refresh_token=%s)" % (
                body.get("error_description", ""), request.headers.get("Authorization"), request.form.get("refresh_token"))
            resp.set_data(json.dumps(body))
        if resp.status_code == 400 and (resp.get_json(silent=True) or {}).get("error") == "invalid_grant":
            with store.lock:
                store.counters["invalid_grant"] += 1
        return resp

    @app.post("/oauth/revoke")
    def revoke():
        return server.create_endpoint_response(Revocation.ENDPOINT_NAME)

    @app.get("/userinfo")
    @require_oauth()
    def userinfo():
        with store.lock:
            store.counters["userinfo"] += 1
        if current_token.user is None:
            return jsonify(error="insufficient_scope", error_description="token has no user"), 403
        body = current_token.user.to_dict()
        echo = request.args.get("echo_token")
        if echo:
            # A careless provider: the answer repeats the token (and, with echo_token=name, puts it in the name).
            token = current_token.access_token
            body.update(access_token=token, authorization=request.headers.get("Authorization"),
                        session={"token": token, "scopes": current_token.scope})
            if echo == "name":
                body["name"] = "%s (%s)" % (body["name"], token)
        return body

    @app.route("/api/me", methods=["GET", "POST"])
    @require_oauth()
    def api_me():
        with store.lock:
            store.counters["api_me"] += 1
        tok = current_token._get_current_object()
        body = tok.user.to_dict() if tok.user else {"sub": "client-" + tok.client_id, "login": None,
                                                      "email": None, "name": None}
        body.update(scope=tok.scope, client_id=tok.client_id)
        return body

    @app.post("/admin/clients")
    def register_client():
        data = request.get_json(silent=True) or {}
        cid, secret = data.get("client_id"), data.get("client_secret")
        uris, grant_types = data.get("redirect_uris", []), data.get("grant_types") or ALL_GRANTS
        if not isinstance(cid, str) or not cid or not isinstance(secret, str) or not secret:
            return err("client_id and client_secret are required strings")
        if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            return err("redirect_uris must be a list of strings")
        if not set(grant_types) <= set(ALL_GRANTS):
            return err("grant_types must be a subset of %s" % ALL_GRANTS)
        client = Client(cid, secret, uris, data.get("scope", ""), grant_types)
        with store.lock:
            store.clients[cid] = client
        return client.to_dict(), 201

    @app.get("/admin/stats")
    def stats():
        return store.stats()

    @app.post("/admin/reset-stats")
    def reset_stats():
        with store.lock:
            store.token_requests.clear()
            store.counters.clear()
        return store.stats()

    @app.post("/admin/revoke-user")
    def revoke_user():
        login = request.args.get("login") or request.form.get("login")
        if not login:
            return err("login is required")
        with store.lock:
            hit = [g for g in store.grants if g.login == login and not g.revoked]
            for g in hit:
                store.revoke_grant(g)
        return {"login": login, "revoked_grants": len(hit)}

    @app.post("/admin/expire-all")
    def expire_all():
        now = time.time()
        with store.lock:
            live = [t for t in store.by_access.values() if t.expires_at > now]
            for t in live:
                t.expires_at = now - 1
        return {"expired": len(live)}

    return app


def parse_client(spec):
    """id:secret:redirect_uri[:scope,scope] — the redirect URI may contain ':' itself."""
    parts = spec.split(":", 2)
    if len(parts) != 3:
        raise argparse.ArgumentTypeError("expected id:secret:redirect_uri[:scopes]")
    cid, secret, rest = parts
    uri, scope = rest, ""
    head, _, tail = rest.rpartition(":")
    if "://" in head and tail and "/" not in tail and not tail.isdigit():
        uri, scope = head, " ".join(s for s in tail.split(",") if s)
    return Client(cid, secret, [uri], scope)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    ap.add_argument("--port-file", help="write the actual port here once listening")
    ap.add_argument("--access-token-lifetime", type=int, default=3600, help="seconds")
    ap.add_argument("--client", type=parse_client, action="append", default=[],
                    help="id:secret:redirect_uri[:scope,scope] (repeatable)")
    ap.add_argument("--token-delay-ms", type=int, default=0, help="sleep before answering a refresh")
    ap.add_argument("--quiet", action="store_true", help="no per-request log lines")
    args = ap.parse_args()

    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    for c in args.client:
        store.clients[c.client_id] = c
    srv = make_server("127.0.0.1", args.port, create_app(args.access_token_lifetime, args.token_delay_ms),
                      threaded=True)
    srv.socket.listen(1024)  # deeper accept backlog for bursts of concurrent clients
    port = srv.socket.getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"oauth-server listening on http://127.0.0.1:{port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
