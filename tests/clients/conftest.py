"""Fixtures for the real-client suite: one fresh Herald per session, fresh clients per test."""

import contextlib
import os
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests
from confluent_kafka.schema_registry import SchemaRegistryClient

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


@pytest.fixture(scope="session")
def herald_url():
    """A fresh plain-HTTP Herald for the session; its base URL."""
    with running_herald() as url:
        yield url


@pytest.fixture
def client_factory(herald_url):
    """Build brand-new SchemaRegistryClients (own caches) and close them after the test."""
    clients = []

    def make() -> SchemaRegistryClient:
        client = SchemaRegistryClient({"url": herald_url})
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def sr(client_factory) -> SchemaRegistryClient:
    """A fresh SchemaRegistryClient for this test."""
    return client_factory()


@pytest.fixture
def unique():
    """A short unique suffix so subjects and topics never collide between tests."""
    return uuid.uuid4().hex[:12]
