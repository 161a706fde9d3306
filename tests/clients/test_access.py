"""Access control as the unmodified Python client meets it, once per auth method (HTTP Basic,
a static API token, OAUTHBEARER through the test IdP): refused credentials are 401 (40101),
a reader's write is 403 (40301), and a subject the principal may not read answers exactly as
a missing one. Principals and grants: access_setup.py."""

import json
import sqlite3

import pytest
import requests
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from sr_helpers import expect_sr_error, framed_id, value_ctx

from access_setup import SHARED_PREFIX

pytestmark = pytest.mark.secured_only


def record(name, unique):
    """A schema no other test registers, so its id is used only by this test's subjects."""
    return {
        "type": "record",
        "name": name,
        "namespace": f"com.example.access{unique}",
        "fields": [{"name": "n", "type": "int"}],
    }


def avro(schema):
    return Schema(json.dumps(schema), "AVRO")


def test_refused_credentials_are_401(deployment, client_factory, unique):
    refused = [client_factory("refused")]
    if deployment.method == "token":
        refused.append(client_factory("expired-token"))
    schema = avro(record("R", unique))
    for client in refused:
        expect_sr_error(client.get_subjects, 401, 40101)
        expect_sr_error(lambda: client.register_schema(f"{SHARED_PREFIX}{unique}", schema), 401, 40101)
        expect_sr_error(lambda: client.get_schema(1), 401, 40101)
    # the same credentials over plain HTTP: the challenge names both schemes
    resp = requests.get(f"{deployment.url}/subjects", auth=deployment.http_auth("refused"), timeout=10)
    assert resp.status_code == 401, resp.text
    assert resp.json()["error_code"] == 40101
    challenge = resp.headers.get("WWW-Authenticate", "")
    assert "Basic" in challenge and "Bearer" in challenge, challenge


def test_refused_credentials_reach_the_serializer_as_401(client_factory, unique):
    serializer = AvroSerializer(client_factory("refused"), json.dumps(record("S", unique)))
    expect_sr_error(lambda: serializer({"n": 1}, value_ctx(f"{SHARED_PREFIX}{unique}")), 401, 40101)


def test_no_credentials_is_401(deployment):
    anonymous = SchemaRegistryClient({"url": deployment.url})
    try:
        expect_sr_error(anonymous.get_subjects, 401, 40101)
        expect_sr_error(lambda: anonymous.get_latest_version("anything"), 401, 40101)
    finally:
        anonymous.close()
    resp = requests.get(f"{deployment.url}/schemas/ids/1", timeout=10)
    assert resp.status_code == 401 and resp.json()["error_code"] == 40101
    assert resp.headers.get("WWW-Authenticate")


def test_reader_reads_but_may_not_register(client_factory, unique):
    topic = f"{SHARED_PREFIX}orders-{unique}"
    subject = f"{topic}-value"
    schema = record("Shared", unique)
    data = AvroSerializer(client_factory(), json.dumps(schema))({"n": 7}, value_ctx(topic))
    schema_id = framed_id(data)

    reader = client_factory("reader")
    latest = reader.get_latest_version(subject)
    assert (latest.subject, latest.version, latest.schema_id) == (subject, 1, schema_id)
    assert json.loads(reader.get_schema(schema_id).schema_str) == schema
    assert reader.lookup_schema(subject, avro(schema)).schema_id == schema_id
    listed = reader.get_subjects()
    assert subject in listed and all(s.startswith(SHARED_PREFIX) for s in listed), listed
    assert AvroDeserializer(client_factory("reader"))(data, value_ctx(topic)) == {"n": 7}

    evolved = dict(schema, fields=schema["fields"] + [{"name": "m", "type": "int", "default": 0}])
    err = expect_sr_error(lambda: client_factory("reader").register_schema(subject, avro(evolved)), 403, 40301)
    assert "secret" not in (err.error_message or "").lower()
    # auto-registering through a serializer, on a subject the reader may read but that is new
    new_topic = f"{SHARED_PREFIX}new-{unique}"
    serializer = AvroSerializer(client_factory("reader"), json.dumps(evolved))
    expect_sr_error(lambda: serializer({"n": 1, "m": 2}, value_ctx(new_topic)), 403, 40301)
    # nothing was written
    assert client_factory().get_versions(subject) == [1]
    expect_sr_error(lambda: client_factory().get_versions(f"{new_topic}-value"), 404, 40401)


def test_hidden_subject_looks_missing(http, client_factory, unique):
    hidden_topic = f"secret-{unique}"
    hidden = f"{hidden_topic}-value"
    # readable but never registered: the registry's own "not found"
    missing = f"{SHARED_PREFIX}missing-{unique}-value"
    schema = record("Hidden", unique)
    data = AvroSerializer(client_factory(), json.dumps(schema))({"n": 3}, value_ctx(hidden_topic))
    hidden_id = framed_id(data)
    # the writer's read warms Herald's by-id cache: the reader must not be answered from it
    assert http.get(f"/schemas/ids/{hidden_id}").status_code == 200

    reader = client_factory("reader")
    # a never-registered id, for the missing-id comparison
    absent_id = hidden_id + 100_000
    for call, code in (
        (lambda s: reader.get_latest_version(s), 40401),
        (lambda s: reader.get_versions(s), 40401),
        (lambda s: reader.get_version(s, 1), 40401),
        (lambda s: reader.lookup_schema(s, avro(schema)), 40401),
    ):
        seen = expect_sr_error(lambda: call(hidden), 404, code)
        absent = expect_sr_error(lambda: call(missing), 404, code)
        assert seen.error_message.replace(hidden, "S") == absent.error_message.replace(missing, "S")

    for call in (
        lambda i: reader.get_schema(i),
        lambda i: reader.get_subjects_by_schema_id(i),
        lambda i: reader.get_schema_versions(i),
    ):
        seen = expect_sr_error(lambda: call(hidden_id), 404, 40403)
        absent = expect_sr_error(lambda: call(absent_id), 404, 40403)
        assert seen.error_message.replace(str(hidden_id), "N") == absent.error_message.replace(str(absent_id), "N")

    assert hidden not in reader.get_subjects()
    assert hidden in client_factory().get_subjects()
    deserializer = AvroDeserializer(client_factory("reader"))
    expect_sr_error(lambda: deserializer(data, value_ctx(hidden_topic)), 404, 40403)


@pytest.mark.secured_only("token", "oauth")
def test_bearer_modes_work_without_the_identity_pool_header(deployment, client_factory, unique):
    """Both bearer modes send target-sr-cluster (bearer.auth.logical.cluster is required) and,
    when configured, Confluent-Identity-Pool-Id (the other runs send it); Herald ignores both."""
    conf = deployment.client_conf()
    assert conf["bearer.auth.logical.cluster"] and conf["bearer.auth.identity.pool.id"]
    del conf["bearer.auth.identity.pool.id"]
    client = SchemaRegistryClient(conf)
    try:
        subject = f"{SHARED_PREFIX}headers-{unique}"
        assert client.register_schema(subject, avro(record("Headers", unique))) >= 1
        assert client_factory().get_versions(subject) == [1]
    finally:
        client.close()


@pytest.mark.secured_only("basic")
def test_the_python_client_knows_only_user_info_for_basic(deployment):
    """`basic.auth.credentials.source` (read by the Java and Go clients) is refused by the
    Python client, so the Basic run relies on basic.auth.user.info alone. If a newer client
    accepts it, add it to access_setup.client_conf."""
    with pytest.raises(ValueError, match="basic.auth.credentials.source"):
        SchemaRegistryClient({**deployment.client_conf(), "basic.auth.credentials.source": "USER_INFO"})


def test_a_shared_id_lists_only_the_readable_subjects(client_factory, unique):
    schema = record("Both", unique)
    hidden, shared = f"secret-both-{unique}", f"{SHARED_PREFIX}both-{unique}"
    writer = client_factory()
    schema_id = writer.register_schema(hidden, avro(schema))
    assert writer.register_schema(shared, avro(schema)) == schema_id
    assert sorted(writer.get_subjects_by_schema_id(schema_id)) == sorted([hidden, shared])

    reader = client_factory("reader")
    assert reader.get_subjects_by_schema_id(schema_id) == [shared]
    assert [(v.subject, v.version) for v in reader.get_schema_versions(schema_id)] == [(shared, 1)]
    assert json.loads(reader.get_schema(schema_id).schema_str) == schema


# The audit actor is "NAME (method)"; the names are access_setup's writer principals.
AUDIT_ACTOR = {"basic": "writer (basic)", "token": "writer-token (token)", "oauth": "writer-client (jwt)"}


def test_the_audit_log_names_the_principal(deployment, client_factory, unique):
    subject = f"{SHARED_PREFIX}audited-{unique}"
    client = client_factory()
    client.register_schema(subject, avro(record("Audited", unique)))
    client.delete_subject(subject)
    with sqlite3.connect(deployment.database) as db:
        rows = db.execute("SELECT actor, action FROM audit_log WHERE target = ? ORDER BY seq", (subject,)).fetchall()
    assert len(rows) == 2, rows
    assert {actor for actor, _ in rows} == {AUDIT_ACTOR[deployment.method]}, rows
