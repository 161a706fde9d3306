"""Fixtures for the real-client suite: fresh clients per test against a fresh Herald per
deployment: the open one (every test), and access-controlled ones, one per client auth method,
for the tests marked `every_deployment` or `secured_only`."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests
import requests.auth
from confluent_kafka.schema_registry import SchemaRegistryClient

import access_setup

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE_SECONDS = 30.0


def _herald_binary() -> Path:
    raw = os.environ.get("HERALD_BIN", "target/debug/herald")
    path = Path(raw)
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not path.is_file():
        raise RuntimeError(f"Herald binary not found at {path} (set HERALD_BIN or run `cargo build`)")
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"


@contextlib.contextmanager
def running_herald(extra_args=(), scheme="http", probe=None):
    """Start a fresh Herald on a free port with a throw-away SQLite file and `extra_args`;
    yield its base URL once `probe(url)` (default: a plain GET /) answers 200."""
    binary = _herald_binary()
    workdir = Path(tempfile.mkdtemp(prefix="herald-clients-"))
    db_path = workdir / "herald.db"
    log_path = workdir / "herald.log"
    port = _free_port()
    url = f"{scheme}://127.0.0.1:{port}"
    probe = probe or (lambda base: requests.get(base + "/", timeout=1))
    log_file = open(log_path, "wb")
    proc = subprocess.Popen(
        [str(binary), "serve", "--listen", f"127.0.0.1:{port}", "--database", f"sqlite://{db_path}", *extra_args],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=workdir,
    )
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"Herald exited with code {proc.returncode} during startup; log:\n{_log_tail(log_path)}"
                )
            try:
                if probe(url).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Herald did not answer GET / within {STARTUP_DEADLINE_SECONDS}s; log:\n{_log_tail(log_path)}"
                )
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log_file.close()


class _Herald:
    """A running `herald serve` on a free port with a throw-away SQLite file."""

    def __init__(self, workdir: Path, extra_args=()):
        binary = _herald_binary()
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "herald.log"
        self.database = workdir / "herald.db"
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._log = open(self.log_path, "wb")
        self._proc = subprocess.Popen(
            [
                str(binary),
                "serve",
                "--listen",
                f"127.0.0.1:{port}",
                "--database",
                f"sqlite://{self.database}",
                # observed usage reaches the table within a second (test_usage.py waits for it)
                "--usage-flush-secs",
                "1",
                *extra_args,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=workdir,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self):
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        while True:
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"Herald exited with code {self._proc.returncode} during startup; log:\n{_log_tail(self.log_path)}"
                )
            try:
                if requests.get(self.url + "/", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Herald did not answer GET / within {STARTUP_DEADLINE_SECONDS}s; log:\n{_log_tail(self.log_path)}"
                )
            time.sleep(0.05)

    def stop(self):
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


class _IdP:
    """tests/idp/idp.py as a process, as other suites run it."""

    def __init__(self, args):
        self._proc = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "tests" / "idp" / "idp.py"), *args],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait(timeout=10)
            raise RuntimeError(f"the test IdP exited with code {self._proc.returncode} before it listened")
        self.endpoints = json.loads(line)

    def stop(self):
        self._proc.terminate()
        code = self._proc.wait(timeout=10)
        if code != 0:
            raise RuntimeError(f"the test IdP exited with code {code} when stopped")


# ---------------------------------------------------------------------------------------------
# deployments: which Herald a test talks to, and as whom

OPEN = "open"
# The access-controlled runs, one per way the client proves who it is.
AUTH_METHODS = ("basic", "token", "oauth")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "every_deployment: run against the open Herald and against an access-controlled one "
        "once per client auth method (HTTP Basic, static API token, OAUTHBEARER)",
    )
    config.addinivalue_line(
        "markers",
        "secured_only(*methods): run against an access-controlled Herald once per client auth "
        "method (or only the methods named: basic, token, oauth)",
    )


def pytest_generate_tests(metafunc):
    if "deployment" not in metafunc.fixturenames:
        return
    secured = metafunc.definition.get_closest_marker("secured_only")
    if secured:
        names = secured.args or AUTH_METHODS
        unknown = set(names) - set(AUTH_METHODS)
        if unknown:
            raise pytest.UsageError(f"secured_only names unknown methods {sorted(unknown)}")
    elif metafunc.definition.get_closest_marker("every_deployment"):
        names = (OPEN, *AUTH_METHODS)
    else:
        names = (OPEN,)
    metafunc.parametrize("deployment", names, indirect=True, scope="session")


class Deployment:
    """One Herald and how each of its principals configures a client.

    `who` is "writer" (the default: may write every subject), "reader" (may read only
    subjects under access_setup.SHARED_PREFIX), "refused" (credentials Herald must refuse:
    wrong password, unknown token, token for another audience) or, for tokens,
    "expired-token". The open Herald has only the anonymous writer."""

    def __init__(self, method, url, database, made=None, token_endpoint=None):
        self.method = method
        self.url = url
        # the SQLite file, for checks of what Herald recorded (the audit log)
        self.database = database
        self._made = made
        self._token_endpoint = token_endpoint

    @property
    def secured(self) -> bool:
        return self.method != OPEN

    def client_conf(self, who="writer") -> dict:
        if not self.secured:
            if who != "writer":
                pytest.fail(f"the open Herald has no principal {who!r}")
            return {"url": self.url}
        return {"url": self.url, **access_setup.client_conf(self.method, who, self._made, self._token_endpoint)}

    def http_auth(self, who="writer"):
        """The same principal for plain `requests` calls."""
        if not self.secured:
            return None
        conf = access_setup.client_conf(self.method, who, self._made, self._token_endpoint)
        if self.method == "basic":
            return tuple(conf["basic.auth.user.info"].split(":", 1))
        if self.method == "token":
            return _Bearer(conf["bearer.auth.token"])
        answer = requests.post(
            self._token_endpoint,
            data={"grant_type": "client_credentials", "scope": conf["bearer.auth.scope"]},
            auth=(conf["bearer.auth.client.id"], conf["bearer.auth.client.secret"]),
            timeout=10,
        )
        answer.raise_for_status()
        return _Bearer(answer.json()["access_token"])


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token):
        self._token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


@pytest.fixture(scope="session")
def _workdir():
    return Path(tempfile.mkdtemp(prefix="herald-clients-"))


@pytest.fixture(scope="session")
def _secured_setup(_workdir):
    """Fresh secrets, the test IdP and the access file they make (shared by the secured runs)."""
    binary = _herald_binary()
    made = access_setup.make_secrets(binary)
    idp = _IdP(access_setup.idp_arguments(made))
    try:
        access_file = _workdir / "auth.yaml"
        access_file.touch(mode=0o600)
        access_file.write_text(
            access_setup.access_yaml(binary, made, idp.endpoints["issuer"], idp.endpoints["jwks_uri"])
        )
        yield made, idp.endpoints, access_file
    finally:
        idp.stop()


@pytest.fixture(scope="session")
def deployment(request, _workdir):
    """A fresh Herald for this deployment: open, or access-controlled for one auth method
    (each method gets its own Herald, so the suites' fixed subject names never meet)."""
    method = request.param
    if method == OPEN:
        herald = _Herald(_workdir / OPEN)
        made = token_endpoint = None
    else:
        made, endpoints, access_file = request.getfixturevalue("_secured_setup")
        herald = _Herald(_workdir / method, ["--auth-config", str(access_file)])
        token_endpoint = endpoints["token_endpoint"]
    try:
        yield Deployment(method, herald.url, herald.database, made, token_endpoint)
    finally:
        herald.stop()


@pytest.fixture
def herald_url(deployment):
    return deployment.url


@pytest.fixture
def client_factory(deployment):
    """Build brand-new SchemaRegistryClients (own caches) and close them after the test;
    `make("reader")` builds one for another principal of the deployment."""
    clients = []

    def make(who="writer") -> SchemaRegistryClient:
        client = SchemaRegistryClient(deployment.client_conf(who))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def http(deployment):
    """Plain HTTP to the deployment as its writer: `http.get("/schemas/ids/1")`."""
    session = requests.Session()
    session.auth = deployment.http_auth()
    yield _Http(deployment.url, session)
    session.close()


class _Http:
    def __init__(self, base, session):
        self._base = base
        self._session = session

    def get(self, path, **kwargs):
        return self._session.get(self._base + path, timeout=10, **kwargs)


@pytest.fixture
def sr(client_factory) -> SchemaRegistryClient:
    """A fresh SchemaRegistryClient for this test."""
    return client_factory()


@pytest.fixture
def unique():
    """A short unique suffix so subjects and topics never collide between tests."""
    return uuid.uuid4().hex[:12]
