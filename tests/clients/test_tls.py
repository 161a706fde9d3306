"""Herald over HTTPS and mutual TLS, driven by the unmodified confluent-kafka
SchemaRegistryClient with its own TLS settings (`ssl.ca.location`,
`ssl.certificate.location`, `ssl.key.location`)."""

import json
import tempfile
from pathlib import Path

import pytest
import requests
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from conftest import running_herald
from tls_certs import make_pki


@pytest.fixture(scope="module")
def pki():
    return make_pki(Path(tempfile.mkdtemp(prefix="herald-clients-pki-")))


def _tls_args(pki, client_auth=None):
    args = ["--tls-cert", str(pki.server_cert), "--tls-key", str(pki.server_key)]
    if client_auth:
        args += ["--tls-client-ca", str(pki.ca), "--tls-client-auth", client_auth]
    return args


def _https_url(url):
    # The certificate names localhost and 127.0.0.1; use the name, as users would.
    return url.replace("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def https_url(pki):
    probe = lambda url: requests.get(url + "/", timeout=1, verify=str(pki.ca))  # noqa: E731
    with running_herald(_tls_args(pki), scheme="https", probe=probe) as url:
        yield _https_url(url)


@pytest.fixture(scope="module")
def mtls_url(pki):
    cert = (str(pki.client_cert), str(pki.client_key))
    probe = lambda url: requests.get(url + "/", timeout=1, verify=str(pki.ca), cert=cert)  # noqa: E731
    with running_herald(_tls_args(pki, "required"), scheme="https", probe=probe) as url:
        yield _https_url(url)


def _round_trip(client, subject):
    """Register a schema and read it back by id on a second, cache-free client path."""
    record = {
        "type": "record",
        "name": "Payment",
        "namespace": f"tls.{subject.replace('-', '_')}",
        "fields": [{"name": "amount", "type": "long"}],
    }
    schema_id = client.register_schema(subject, Schema(json.dumps(record), "AVRO"))
    assert isinstance(schema_id, int) and schema_id > 0
    return schema_id, record


def test_https_register_and_fetch_by_id(pki, https_url, unique):
    conf = {"url": https_url, "ssl.ca.location": str(pki.ca)}
    writer = SchemaRegistryClient(conf)
    reader = SchemaRegistryClient(conf)
    try:
        schema_id, record = _round_trip(writer, f"tls-{unique}-value")
        fetched = reader.get_schema(schema_id)
        assert json.loads(fetched.schema_str) == record
        assert reader.get_subjects() == [f"tls-{unique}-value"]
    finally:
        writer.close()
        reader.close()


def test_https_refuses_a_client_that_does_not_trust_the_ca(https_url, monkeypatch):
    # No ssl.ca.location: the client checks against the public roots (certifi) and must fail.
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    client = SchemaRegistryClient({"url": https_url})
    try:
        with pytest.raises(Exception) as info:
            client.get_subjects()
        assert "certificate" in str(info.value).lower() or "ssl" in str(info.value).lower(), info.value
    finally:
        client.close()


def test_mutual_tls_register_and_fetch_by_id(pki, mtls_url, unique):
    conf = {
        "url": mtls_url,
        "ssl.ca.location": str(pki.ca),
        "ssl.certificate.location": str(pki.client_cert),
        "ssl.key.location": str(pki.client_key),
    }
    writer = SchemaRegistryClient(conf)
    reader = SchemaRegistryClient(conf)
    try:
        schema_id, record = _round_trip(writer, f"mtls-{unique}-value")
        fetched = reader.get_schema(schema_id)
        assert json.loads(fetched.schema_str) == record
        assert reader.get_latest_version(f"mtls-{unique}-value").schema_id == schema_id
    finally:
        writer.close()
        reader.close()


def test_mutual_tls_required_refuses_a_client_without_a_certificate(pki, mtls_url, unique):
    client = SchemaRegistryClient({"url": mtls_url, "ssl.ca.location": str(pki.ca)})
    try:
        with pytest.raises(Exception) as info:
            client.get_subjects()
        # Not a Schema Registry error: the TLS layer refused before any HTTP was answered.
        assert type(info.value).__name__ != "SchemaRegistryError", info.value
    finally:
        client.close()
