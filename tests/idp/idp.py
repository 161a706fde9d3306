#!/usr/bin/env python3
"""A loopback OpenID provider for Herald's tests: never for anything else.

It signs RS256 JWTs with an RSA key made at start (so no key is ever on disk) and serves:

  GET  /.well-known/openid-configuration   discovery document
  GET  /jwks                               the public key, with its `kid`
  POST /token                              grant_type=client_credentials (machine clients)
                                           grant_type=authorization_code (with PKCE S256)
  GET  /authorize                          the authorization-code flow: no login form, it
                                           redirects straight back with `code` and `state`
                                           for the one configured test user
  GET  /userinfo                           the claims of a bearer access token it issued

Clients authenticate to /token with HTTP Basic (client_secret_basic) or with
client_id/client_secret in the form body (client_secret_post); a client configured without a
secret is public and must use PKCE.

Run it:

  python3 tests/idp/idp.py --port 0 --audience herald \\
      --client writer:writer-secret --groups writer=writers \\
      --client portal: --redirect-uri portal=http://127.0.0.1:8081/ui/auth/callback \\
      --user alice --user-groups platform

It prints one JSON line once it listens ({"issuer", "port", "jwks_uri", "token_endpoint",
"authorization_endpoint"}) and stops cleanly (exit 0) on SIGTERM or SIGINT. From Python,
`IdP(...)` is the same thing in-process: `with IdP(...) as idp: idp.issuer`.
"""

import argparse
import base64
import hashlib
import json
import secrets
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# How long an authorization code may wait for its /token exchange.
CODE_TTL_SECONDS = 60


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


class SigningKey:
    """An RSA key made for this run; its `kid` is the RFC 7638 thumbprint of the public key."""

    def __init__(self):
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self._key.public_key().public_numbers()
        self._n = b64url(_int_bytes(numbers.n))
        self._e = b64url(_int_bytes(numbers.e))
        canonical = json.dumps({"e": self._e, "kty": "RSA", "n": self._n}, separators=(",", ":"))
        self.kid = b64url(hashlib.sha256(canonical.encode()).digest())

    def jwk(self) -> dict:
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": self._n, "e": self._e}

    def sign(self, claims: dict) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        signature = self._key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"


@dataclass
class Client:
    """A registered client. `secret=None` makes it public (PKCE only, no client secret)."""

    client_id: str
    secret: Optional[str]
    groups: list = field(default_factory=list)
    # The `aud` of its access tokens; None means the provider's audience.
    audience: Optional[str] = None
    # Exact redirect URIs it may use; empty means any http(s) URI on a loopback host.
    redirect_uris: list = field(default_factory=list)

    def allows_redirect(self, uri: str) -> bool:
        if self.redirect_uris:
            return uri in self.redirect_uris
        parts = urlsplit(uri)
        return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost", "::1")


@dataclass
class TestUser:
    """The one person the authorization-code flow signs in, without asking."""

    name: str = "alice"
    groups: list = field(default_factory=list)
    email: Optional[str] = None


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    nonce: Optional[str]
    issued: float


class OAuthError(Exception):
    """An RFC 6749 error answer: status, `error` code and description."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class IdP:
    """The provider: its settings, key, outstanding codes, and (once started) its server."""

    def __init__(
        self,
        clients=(),
        user: Optional[TestUser] = None,
        audience: str = "herald",
        host: str = "127.0.0.1",
        port: int = 0,
        issuer: Optional[str] = None,
        token_ttl: int = 300,
    ):
        self.clients = {c.client_id: c for c in clients}
        self.user = user or TestUser()
        self.audience = audience
        self.token_ttl = token_ttl
        self.key = SigningKey()
        self._codes: dict = {}
        self._access_tokens: dict = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.issuer = (issuer or f"http://{host}:{self.port}").rstrip("/")
        self._thread: Optional[threading.Thread] = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> "IdP":
        self._thread = threading.Thread(target=self._server.serve_forever, name="test-idp", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def endpoints(self) -> dict:
        return {
            "issuer": self.issuer,
            "port": self.port,
            "jwks_uri": f"{self.issuer}/jwks",
            "token_endpoint": f"{self.issuer}/token",
            "authorization_endpoint": f"{self.issuer}/authorize",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
        }

    def discovery(self) -> dict:
        doc = self.endpoints()
        del doc["port"]
        doc.update(
            {
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "client_credentials"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "profile", "email"],
                "claims_supported": ["iss", "sub", "aud", "exp", "iat", "groups", "email", "name"],
            }
        )
        return doc

    # -- tokens -----------------------------------------------------------------------------

    def _claims(self, sub: str, aud: str, groups: list, lifetime: int) -> dict:
        now = int(time.time())
        return {
            "iss": self.issuer,
            "sub": sub,
            "aud": aud,
            "groups": list(groups),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
        }

    def _access_token(self, sub: str, aud: str, groups: list, scope: str, client_id: str) -> str:
        claims = self._claims(sub, aud, groups, self.token_ttl)
        claims.update({"azp": client_id, "scope": scope})
        token = self.key.sign(claims)
        with self._lock:
            self._access_tokens[token] = claims
        return token

    def client_credentials(self, client: Client, scope: str) -> dict:
        if client.secret is None:
            raise OAuthError(400, "unauthorized_client", "a public client cannot use client_credentials")
        token = self._access_token(
            client.client_id, client.audience or self.audience, client.groups, scope, client.client_id
        )
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl, "scope": scope}

    def authorization_code(self, client: Client, form: dict) -> dict:
        code = form.get("code", "")
        with self._lock:
            grant = self._codes.pop(code, None)  # single use, even when the exchange fails
        if grant is None or time.time() - grant.issued > CODE_TTL_SECONDS:
            raise OAuthError(400, "invalid_grant", "unknown, used or expired authorization code")
        if grant.client_id != client.client_id:
            raise OAuthError(400, "invalid_grant", "the code was issued to another client")
        if form.get("redirect_uri") != grant.redirect_uri:
            raise OAuthError(400, "invalid_grant", "redirect_uri differs from the authorization request")
        verifier = form.get("code_verifier", "")
        if not verifier or b64url(hashlib.sha256(verifier.encode("ascii", "replace")).digest()) != grant.challenge:
            raise OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge")
        user = self.user
        id_claims = self._claims(user.name, client.client_id, user.groups, self.token_ttl)
        id_claims.update(
            {
                "azp": client.client_id,
                "auth_time": int(grant.issued),
                "name": user.name,
                "preferred_username": user.name,
            }
        )
        if user.email:
            id_claims["email"] = user.email
            id_claims["email_verified"] = True
        if grant.nonce is not None:
            id_claims["nonce"] = grant.nonce
        access = self._access_token(
            user.name, client.audience or self.audience, user.groups, grant.scope, client.client_id
        )
        return {
            "access_token": access,
            "id_token": self.key.sign(id_claims),
            "token_type": "Bearer",
            "expires_in": self.token_ttl,
            "scope": grant.scope,
        }

    def authorize(self, query: dict) -> str:
        """The redirect target for an authorization request (OAuthError when it cannot be
        sent back to the client at all)."""
        client = self.clients.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        if client is None:
            raise OAuthError(400, "invalid_request", "unknown client_id")
        if not redirect_uri or not client.allows_redirect(redirect_uri):
            raise OAuthError(400, "invalid_request", "redirect_uri is not registered for this client")
        state = query.get("state")
        error = None
        if query.get("response_type") != "code":
            error = ("unsupported_response_type", "only response_type=code")
        elif not query.get("code_challenge"):
            error = ("invalid_request", "PKCE is required: send code_challenge")
        elif query.get("code_challenge_method") != "S256":
            error = ("invalid_request", "code_challenge_method must be S256")
        if error is not None:
            params = {"error": error[0], "error_description": error[1]}
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = _Grant(
                    client_id=client.client_id,
                    redirect_uri=redirect_uri,
                    challenge=query["code_challenge"],
                    scope=query.get("scope", "openid"),
                    nonce=query.get("nonce"),
                    issued=time.time(),
                )
            params = {"code": code}
        if state is not None:
            params["state"] = state
        params["iss"] = self.issuer
        joiner = "&" if urlsplit(redirect_uri).query else "?"
        return f"{redirect_uri}{joiner}{urlencode(params)}"

    def userinfo(self, token: str) -> dict:
        with self._lock:
            claims = self._access_tokens.get(token)
        if claims is None or claims["exp"] < time.time():
            raise OAuthError(401, "invalid_token", "unknown or expired access token")
        info = {"sub": claims["sub"], "groups": claims["groups"]}
        if claims["sub"] == self.user.name:
            info["name"] = self.user.name
            if self.user.email:
                info["email"] = self.user.email
        return info

    def authenticate_client(self, form: dict, authorization: Optional[str]) -> Client:
        """The client a /token request speaks for, from HTTP Basic or the form body."""
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
                raw_id, raw_secret = decoded.split(":", 1)
            except ValueError:
                raise OAuthError(401, "invalid_client", "malformed HTTP Basic credentials") from None
            # RFC 6749 2.3.1: both parts are form-urlencoded before base64
            client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        client = self.clients.get(client_id or "")
        if client is None:
            raise OAuthError(401, "invalid_client", "unknown client")
        if client.secret is not None and not (
            secret is not None and secrets.compare_digest(secret.encode(), client.secret.encode())
        ):
            raise OAuthError(401, "invalid_client", "client authentication failed")
        return client


def _handler_for(idp: IdP):
    class Handler(BaseHTTPRequestHandler):
        server_version = "herald-test-idp"

        def log_message(self, format, *args):  # quiet: tests read their own output
            pass

        def _send_json(self, status: int, body: dict, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _send_error(self, error: OAuthError):
            headers = [("WWW-Authenticate", 'Basic realm="test-idp"')] if error.status == 401 else []
            self._send_json(error.status, {"error": error.error, "error_description": error.description}, headers)

        def do_GET(self):
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            try:
                if parts.path == "/.well-known/openid-configuration":
                    self._send_json(200, idp.discovery())
                elif parts.path == "/jwks":
                    self._send_json(200, {"keys": [idp.key.jwk()]})
                elif parts.path == "/authorize":
                    location = idp.authorize(query)
                    self.send_response(302)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif parts.path == "/userinfo":
                    auth = self.headers.get("Authorization", "")
                    if not auth.lower().startswith("bearer "):
                        raise OAuthError(401, "invalid_token", "send the access token as a Bearer")
                    self._send_json(200, idp.userinfo(auth[7:].strip()))
                else:
                    self._send_json(404, {"error": "not_found", "error_description": parts.path})
            except OAuthError as error:
                self._send_error(error)

        def do_POST(self):
            parts = urlsplit(self.path)
            if parts.path != "/token":
                self._send_json(404, {"error": "not_found", "error_description": parts.path})
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            form = {k: v[0] for k, v in parse_qs(body).items()}
            try:
                media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if media != "application/x-www-form-urlencoded":
                    raise OAuthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
                client = idp.authenticate_client(form, self.headers.get("Authorization"))
                grant_type = form.get("grant_type")
                if grant_type == "client_credentials":
                    answer = idp.client_credentials(client, form.get("scope", ""))
                elif grant_type == "authorization_code":
                    answer = idp.authorization_code(client, form)
                else:
                    raise OAuthError(400, "unsupported_grant_type", f"grant_type {grant_type!r}")
                self._send_json(200, answer)
            except OAuthError as error:
                self._send_error(error)

    return Handler


# -- command line -----------------------------------------------------------------------------


def _pairs(values, flag):
    out = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise SystemExit(f"{flag} wants CLIENT_ID=VALUE, got {value!r}")
        out.setdefault(key, []).append(rest)
    return out


def _split(text):
    return [part for part in (text or "").split(",") if part]


def clients_from_args(args) -> list:
    groups = _pairs(args.groups, "--groups")
    audiences = _pairs(args.client_audience, "--client-audience")
    redirects = _pairs(args.redirect_uri, "--redirect-uri")
    clients = []
    for spec in args.client or []:
        client_id, sep, secret = spec.partition(":")
        if not sep or not client_id:
            raise SystemExit(f"--client wants ID:SECRET (ID: for a public client), got {spec!r}")
        clients.append(
            Client(
                client_id=client_id,
                secret=secret or None,
                groups=[g for value in groups.get(client_id, []) for g in _split(value)],
                audience=(audiences.get(client_id) or [None])[-1],
                redirect_uris=redirects.get(client_id, []),
            )
        )
    known = {c.client_id for c in clients}
    for flag, table in (("--groups", groups), ("--client-audience", audiences), ("--redirect-uri", redirects)):
        for client_id in table:
            if client_id not in known:
                raise SystemExit(f"{flag} names {client_id!r}, which no --client declares")
    return clients


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Loopback OpenID provider for Herald's tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    parser.add_argument("--issuer", help="default http://HOST:PORT")
    parser.add_argument("--audience", default="herald", help="the aud of access tokens (default herald)")
    parser.add_argument("--token-ttl", type=int, default=300, help="seconds (default 300)")
    parser.add_argument("--client", action="append", metavar="ID:SECRET", help="repeatable; ID: = public client")
    parser.add_argument("--groups", action="append", metavar="ID=G1,G2", help="a client's groups claim")
    parser.add_argument("--client-audience", action="append", metavar="ID=AUD", help="another aud for a client")
    parser.add_argument("--redirect-uri", action="append", metavar="ID=URI", help="repeatable; default: loopback")
    parser.add_argument("--user", default="alice", help="the user /authorize signs in (default alice)")
    parser.add_argument("--user-groups", default="", metavar="G1,G2")
    parser.add_argument("--user-email")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    idp = IdP(
        clients=clients_from_args(args),
        user=TestUser(args.user, _split(args.user_groups), args.user_email),
        audience=args.audience,
        host=args.host,
        port=args.port,
        issuer=args.issuer,
        token_ttl=args.token_ttl,
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    idp.start()
    print(json.dumps(idp.endpoints()), flush=True)
    stop.wait()
    idp.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
