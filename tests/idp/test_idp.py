"""The test IdP keeps the OAuth rules the suites rely on (so a lenient IdP cannot make a
Herald test pass): signatures check against its JWKS, client secrets and PKCE verifiers are
enforced, codes are single-use. Runs the real command line as a subprocess."""

import base64
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

IDP = Path(__file__).resolve().parent / "idp.py"
REDIRECT = "http://127.0.0.1:9/callback"


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verified_claims(token, jwks):
    """The claims of an RS256 JWT whose signature checks against the key its kid names."""
    header_b64, claims_b64, sig_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    assert header["alg"] == "RS256"
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public = rsa.RSAPublicNumbers(
        int.from_bytes(b64url_decode(jwk["e"]), "big"), int.from_bytes(b64url_decode(jwk["n"]), "big")
    ).public_key()
    public.verify(
        b64url_decode(sig_b64), f"{header_b64}.{claims_b64}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    return json.loads(b64url_decode(claims_b64))


@pytest.fixture(scope="module")
def idp():
    proc = subprocess.Popen(
        [
            sys.executable,
            str(IDP),
            "--audience",
            "herald",
            "--client",
            "machine:machine-secret",
            "--groups",
            "machine=writers,ops",
            "--client",
            "elsewhere:other-secret",
            "--client-audience",
            "elsewhere=not-herald",
            "--client",
            "portal:",
            "--redirect-uri",
            f"portal={REDIRECT}",
            "--user",
            "ada",
            "--user-groups",
            "platform",
            "--user-email",
            "ada@example.test",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        endpoints = json.loads(proc.stdout.readline())
        endpoints["jwks"] = requests.get(endpoints["jwks_uri"], timeout=5).json()
        yield endpoints
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0, "the IdP must stop cleanly on SIGTERM"


def token(idp, **form):
    auth = form.pop("auth", None)
    return requests.post(idp["token_endpoint"], data=form, auth=auth, timeout=5)


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(idp, challenge, **extra):
    params = {
        "response_type": "code",
        "client_id": "portal",
        "redirect_uri": REDIRECT,
        "state": "st-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "scope": "openid email",
        "nonce": "n-456",
    }
    params.update(extra)
    resp = requests.get(idp["authorization_endpoint"], params=params, allow_redirects=False, timeout=5)
    return resp


def test_discovery_names_the_endpoints(idp):
    doc = requests.get(idp["issuer"] + "/.well-known/openid-configuration", timeout=5).json()
    assert doc["issuer"] == idp["issuer"]
    assert doc["jwks_uri"] == idp["jwks_uri"]
    assert doc["token_endpoint"] == idp["token_endpoint"]
    assert doc["authorization_endpoint"] == idp["authorization_endpoint"]
    assert "S256" in doc["code_challenge_methods_supported"]
    assert [k["kid"] for k in idp["jwks"]["keys"]] and idp["jwks"]["keys"][0]["alg"] == "RS256"


def test_client_credentials_with_basic_and_with_form(idp):
    for resp in (
        token(idp, grant_type="client_credentials", scope="registry", auth=("machine", "machine-secret")),
        token(idp, grant_type="client_credentials", client_id="machine", client_secret="machine-secret"),
    ):
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] > 0
        claims = verified_claims(body["access_token"], idp["jwks"])
        assert claims["iss"] == idp["issuer"]
        assert claims["aud"] == "herald"
        assert claims["sub"] == "machine"
        assert claims["groups"] == ["writers", "ops"]
        assert claims["iat"] <= claims["exp"]
    other = token(idp, grant_type="client_credentials", auth=("elsewhere", "other-secret")).json()
    assert verified_claims(other["access_token"], idp["jwks"])["aud"] == "not-herald"


def test_bad_client_credentials_are_refused(idp):
    wrong = token(idp, grant_type="client_credentials", auth=("machine", "guess"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    unknown = token(idp, grant_type="client_credentials", client_id="nobody", client_secret="x")
    assert unknown.status_code == 401
    public = token(idp, grant_type="client_credentials", client_id="portal")
    assert public.status_code == 400 and public.json()["error"] == "unauthorized_client"
    bad_grant = token(idp, grant_type="password", auth=("machine", "machine-secret"))
    assert bad_grant.status_code == 400 and bad_grant.json()["error"] == "unsupported_grant_type"


def test_authorization_code_with_pkce(idp):
    verifier, challenge = pkce()
    resp = authorize(idp, challenge)
    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["state"] == "st-123"
    code = query["code"]

    answer = token(
        idp,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        client_id="portal",
        code_verifier=verifier,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    id_claims = verified_claims(body["id_token"], idp["jwks"])
    assert (id_claims["iss"], id_claims["aud"], id_claims["sub"]) == (idp["issuer"], "portal", "ada")
    assert id_claims["nonce"] == "n-456"
    assert id_claims["groups"] == ["platform"]
    assert id_claims["email"] == "ada@example.test"
    access_claims = verified_claims(body["access_token"], idp["jwks"])
    assert (access_claims["aud"], access_claims["sub"]) == ("herald", "ada")
    info = requests.get(
        idp["issuer"] + "/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}, timeout=5
    )
    assert info.status_code == 200 and info.json()["sub"] == "ada"

    # a code is good once
    again = token(
        idp,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        client_id="portal",
        code_verifier=verifier,
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_authorization_code_refuses_wrong_verifier_and_redirect(idp):
    verifier, challenge = pkce()
    for changes in ({"code_verifier": verifier + "x"}, {"redirect_uri": REDIRECT + "/other"}, {"code_verifier": ""}):
        code = parse_qs(urlsplit(authorize(idp, challenge).headers["Location"]).query)["code"][0]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": "portal",
            "code_verifier": verifier,
        }
        form.update(changes)
        resp = token(idp, **form)
        assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant", changes


def test_authorize_refuses_what_it_must(idp):
    _, challenge = pkce()
    # an unregistered redirect is never followed
    stray = authorize(idp, challenge, redirect_uri="http://127.0.0.1:9/elsewhere")
    assert stray.status_code == 400
    # PKCE is required, S256 only: the error goes back to the client with its state
    for extra in ({"code_challenge": ""}, {"code_challenge_method": "plain"}, {"response_type": "token"}):
        resp = authorize(idp, challenge, **extra)
        assert resp.status_code == 302, extra
        query = parse_qs(urlsplit(resp.headers["Location"]).query)
        assert "code" not in query and query["error"] and query["state"] == ["st-123"], extra


def test_the_command_line_takes_a_port(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, str(IDP), "--port", str(port), "--client", "a:b"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        assert json.loads(proc.stdout.readline())["port"] == port
        assert requests.get(f"http://127.0.0.1:{port}/jwks", timeout=5).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
