"""Observed usage as the unmodified Python client produces it: two principals of an
access-controlled Herald, one a declared consumer (its catalog application names it), one
not, read the same subject; Herald reports both with their client versions, names the
declared one's application, and lists the other as an undeclared reader. A deprecated
event's schema reaches the client with Deprecation and Sunset headers."""

import json
import re
import time

import pytest
import requests
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from sr_helpers import framed_id, value_ctx

from access_setup import SHARED_PREFIX

pytestmark = pytest.mark.secured_only("basic", "token")

# The principal each method's credentials authenticate as (access_setup.py).
PRINCIPALS = {
    "basic": {"writer": "writer", "reader": "reader"},
    "token": {"writer": "writer-token", "reader": "reader-token"},
}


def _rows(deployment, subject):
    resp = requests.get(
        f"{deployment.url}/usage/subjects/{subject}", auth=deployment.http_auth(), timeout=10
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["reads"]


def _wait_for(deployment, subject, expected, deadline_seconds=15):
    """The subject's usage once it holds every (principal, access) pair in `expected`: the
    tally flushes every second, and one request's reads may land in different flushes."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        rows = _rows(deployment, subject)
        if expected <= {(row.get("principal"), row["access"]) for row in rows}:
            return rows
        if time.monotonic() > deadline:
            pytest.fail(f"usage of {subject} never showed {expected}: {rows}")
        time.sleep(0.3)


def _put(deployment, path, body):
    resp = requests.put(
        f"{deployment.url}{path}", json=body, auth=deployment.http_auth(), timeout=10
    )
    assert resp.status_code in (200, 201), resp.text


def test_a_declared_and_an_undeclared_reader_are_both_seen_with_their_clients(
    deployment, client_factory, unique
):
    names = PRINCIPALS[deployment.method]
    topic = f"{SHARED_PREFIX}usage-{unique}"
    subject = f"{topic}-value"
    schema = {"type": "record", "name": "Seen", "namespace": f"u{unique}", "fields": [{"name": "n", "type": "int"}]}
    data = AvroSerializer(client_factory(), json.dumps(schema))({"n": 1}, value_ctx(topic))
    schema_id = framed_id(data)
    app = f"usage-consumer-{unique}"
    _put(deployment, f"/catalog/topics/{topic}", {"name": topic})
    _put(
        deployment,
        f"/catalog/applications/{app}",
        {"name": app, "principals": [names["reader"]], "consumes": [{"topic": topic}]},
    )

    # the declared consumer deserializes (a fetch by id); the writer reads the latest version
    assert AvroDeserializer(client_factory("reader"))(data, value_ctx(topic)) == {"n": 1}
    latest = client_factory().get_latest_version(subject)
    assert latest.schema_id == schema_id

    rows = _wait_for(
        deployment,
        subject,
        {(names["reader"], "id"), (names["writer"], "register"), (names["writer"], "latest")},
    )
    reader = [r for r in rows if r.get("principal") == names["reader"]]
    assert [(r["access"], r["schemaId"], r["version"]) for r in reader] == [("id", schema_id, 1)], rows
    assert reader[0]["application"] == app
    writer = [r for r in rows if r.get("principal") == names["writer"]]
    assert {r["access"] for r in writer} == {"register", "latest"}, rows
    assert all("application" not in r for r in writer), rows
    for row in rows:
        # what the client library sends: a name and a version (e.g. python-httpx/0.28.1)
        assert re.fullmatch(r"[^/\s]+/\d[\w.\-+]*.*", row.get("client", "")), row

    drift = requests.get(
        f"{deployment.url}/drift/subjects/{subject}", auth=deployment.http_auth(), timeout=10
    ).json()
    assert [(d["application"], d["status"]) for d in drift["declared"]] == [(app, "reading")], drift
    assert [u["reader"] for u in drift["undeclaredReaders"]] == [names["writer"]], drift
    # the writer registered without being a declared producer
    assert [u["reader"] for u in drift["undeclaredWriters"]] == [names["writer"]], drift


def test_a_deprecated_events_schema_reaches_the_client_with_deprecation_headers(
    deployment, client_factory, unique
):
    topic = f"{SHARED_PREFIX}old-{unique}"
    subject = f"{topic}-value"
    schema = {"type": "record", "name": "Old", "namespace": f"o{unique}", "fields": [{"name": "n", "type": "int"}]}
    data = AvroSerializer(client_factory(), json.dumps(schema))({"n": 2}, value_ctx(topic))
    _put(
        deployment,
        f"/catalog/events/Old{unique}",
        {"name": f"Old{unique}", "subject": subject, "lifecycle": "deprecated", "sunset": "2027-03-31"},
    )
    # the client still works unchanged
    assert AvroDeserializer(client_factory("reader"))(data, value_ctx(topic)) == {"n": 2}
    # and the answers it reads carry the headers (fetched here as the reader, plainly)
    for path in (f"/schemas/ids/{framed_id(data)}", f"/subjects/{subject}/versions/latest"):
        resp = requests.get(f"{deployment.url}{path}", auth=deployment.http_auth("reader"), timeout=10)
        assert resp.status_code == 200, resp.text
        assert resp.headers.get("Deprecation", "").startswith("@"), resp.headers
        assert resp.headers.get("Sunset") == "Wed, 31 Mar 2027 00:00:00 GMT", resp.headers
