"""Herald driven by the unmodified Python `confluent-kafka` Schema Registry client and Avro serdes.

No Kafka broker is involved: serializers are called with a SerializationContext and their bytes
are fed straight to deserializers built on fresh clients, so every id must round-trip through
the registry.
"""

import io
import json

import fastavro
import pytest
import requests
from confluent_kafka.schema_registry import Schema, SchemaReference
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from sr_helpers import expect_sr_error, framed_id, value_ctx

# ---------------------------------------------------------------------------------------------
# helpers


def user_v1(namespace="com.example"):
    """A small record; pass a unique namespace when the test needs an id no other test shares."""
    return {
        "type": "record",
        "name": "User",
        "namespace": namespace,
        "fields": [
            {"name": "name", "type": "string"},
            {"name": "age", "type": "int"},
        ],
    }


def with_fields(schema, *fields):
    out = json.loads(json.dumps(schema))
    out["fields"].extend(fields)
    return out


def without_field(schema, name):
    out = json.loads(json.dumps(schema))
    out["fields"] = [f for f in out["fields"] if f["name"] != name]
    return out


# adding this to a record is BACKWARD-compatible (reader default)
OPTIONAL_EMAIL = {"name": "email", "type": ["null", "string"], "default": None}
# adding this to a record is BACKWARD-incompatible (READER_FIELD_MISSING_DEFAULT_VALUE)
REQUIRED_EMAIL = {"name": "email", "type": "string"}


def avro(schema_dict, references=None):
    return Schema(json.dumps(schema_dict), "AVRO", references or [])


def same_json(schema_str, expected_dict):
    assert json.loads(schema_str) == expected_dict, schema_str


RICH_SCHEMA = {
    "type": "record",
    "name": "Order",
    "namespace": "com.example.shop",
    "doc": "an order",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "customer", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "paid", "type": "boolean"},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attrs", "type": {"type": "map", "values": "int"}},
        {
            "name": "status",
            "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]},
        },
        {"name": "blob", "type": "bytes"},
    ],
}

RICH_VALUE = {
    "id": 1234567890123,
    "customer": "Ada",
    "amount": 12.5,
    "paid": True,
    "note": "leave at the door",
    "tags": ["a", "b"],
    "attrs": {"x": 1, "y": -2},
    "status": "PAID",
    "blob": b"\x00\x01\xff",
}


# ---------------------------------------------------------------------------------------------
# serializer / deserializer round trips


@pytest.mark.every_deployment
def test_avro_auto_register_round_trip(http, client_factory, unique):
    topic = f"orders-{unique}"
    producer_client = client_factory()
    serializer = AvroSerializer(producer_client, json.dumps(RICH_SCHEMA))

    data = serializer(RICH_VALUE, value_ctx(topic))
    schema_id = framed_id(data)
    assert schema_id >= 1

    # the payload after the 5-byte header is plain Avro binary of the writer schema
    decoded = fastavro.schemaless_reader(io.BytesIO(data[5:]), fastavro.parse_schema(RICH_SCHEMA))
    assert decoded == RICH_VALUE

    # the id exists on the server, under the TopicNameStrategy subject
    resp = http.get(f"/schemas/ids/{schema_id}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    same_json(body["schema"], RICH_SCHEMA)
    assert body.get("schemaType", "AVRO") == "AVRO"
    latest = client_factory().get_latest_version(f"{topic}-value")
    assert latest.schema_id == schema_id
    assert latest.version == 1
    assert latest.subject == f"{topic}-value"

    # a deserializer on a FRESH client must fetch the writer schema by id
    consumer_client = client_factory()
    deserializer = AvroDeserializer(consumer_client)
    assert deserializer(data, value_ctx(topic)) == RICH_VALUE

    # serializing again (same serializer) keeps the same id
    assert framed_id(serializer(RICH_VALUE, value_ctx(topic))) == schema_id


def test_same_schema_in_two_subjects_shares_id(client_factory, unique):
    schema = user_v1()
    first = AvroSerializer(client_factory(), json.dumps(schema))(
        {"name": "a", "age": 1}, value_ctx(f"t1-{unique}")
    )
    second = AvroSerializer(client_factory(), json.dumps(schema))(
        {"name": "b", "age": 2}, value_ctx(f"t2-{unique}")
    )
    assert framed_id(first) == framed_id(second)
    reader = client_factory()
    subjects = reader.get_subjects_by_schema_id(framed_id(first))
    assert sorted(subjects) == sorted([f"t1-{unique}-value", f"t2-{unique}-value"])
    assert reader.get_version(f"t2-{unique}-value", 1).version == 1


def test_reader_schema_resolution_after_evolution(client_factory, unique):
    """Data written with v1 is read by a deserializer that is given v2 (with a default) as reader."""
    topic = f"evolve-{unique}"
    v1 = user_v1()
    v2 = with_fields(v1, {"name": "country", "type": "string", "default": "NL"})
    data_v1 = AvroSerializer(client_factory(), json.dumps(v1))({"name": "Bo", "age": 3}, value_ctx(topic))
    data_v2 = AvroSerializer(client_factory(), json.dumps(v2))(
        {"name": "Cy", "age": 4, "country": "BE"}, value_ctx(topic)
    )
    assert framed_id(data_v1) != framed_id(data_v2)
    assert client_factory().get_versions(f"{topic}-value") == [1, 2]

    reader = AvroDeserializer(client_factory(), json.dumps(v2))
    assert reader(data_v1, value_ctx(topic)) == {"name": "Bo", "age": 3, "country": "NL"}
    assert reader(data_v2, value_ctx(topic)) == {"name": "Cy", "age": 4, "country": "BE"}


# ---------------------------------------------------------------------------------------------
# compatibility


def test_incompatible_change_is_rejected_with_409(sr, client_factory, unique):
    subject = f"compat-{unique}"
    assert sr.get_compatibility() == "BACKWARD"  # the untouched global default
    v1 = user_v1()
    id1 = sr.register_schema(subject, avro(v1))

    incompatible = with_fields(v1, REQUIRED_EMAIL)
    err = expect_sr_error(lambda: sr.register_schema(subject, avro(incompatible)), 409, (409, 40901))
    assert "incompatible" in (err.error_message or "").lower()

    checker = client_factory()
    assert checker.test_compatibility(subject, avro(incompatible)) is False
    assert checker.test_compatibility(subject, avro(incompatible), version=1) is False
    assert checker.test_compatibility_all_versions(subject, avro(incompatible)) is False

    compatible = with_fields(v1, OPTIONAL_EMAIL)
    assert checker.test_compatibility(subject, avro(compatible)) is True
    assert checker.test_compatibility_all_versions(subject, avro(compatible)) is True

    # the rejected schema left no trace; the compatible one becomes version 2
    assert checker.get_versions(subject) == [1]
    id2 = sr.register_schema(subject, avro(compatible))
    assert id2 != id1
    assert client_factory().get_versions(subject) == [1, 2]


def test_incompatible_change_through_serializer(client_factory, unique):
    topic = f"sercompat-{unique}"
    AvroSerializer(client_factory(), json.dumps(user_v1()))({"name": "a", "age": 1}, value_ctx(topic))
    bad = AvroSerializer(client_factory(), json.dumps(with_fields(user_v1(), REQUIRED_EMAIL)))
    expect_sr_error(lambda: bad({"name": "a", "age": 1, "email": "x"}, value_ctx(topic)), 409, (409, 40901))


def test_type_change_is_incompatible(sr, unique):
    subject = f"typechange-{unique}"
    sr.register_schema(subject, avro(user_v1()))
    changed = user_v1()
    changed["fields"][1]["type"] = "string"  # int -> string: no promotion
    assert sr.test_compatibility(subject, avro(changed)) is False
    promoted = user_v1()
    promoted["fields"][1]["type"] = "long"  # int -> long: allowed promotion (BACKWARD)
    assert sr.test_compatibility(subject, avro(promoted)) is True


def test_compatibility_check_for_unknown_version(sr, unique):
    subject = f"compat-missing-{unique}"
    # 'latest' of a subject with no versions: compatible
    assert sr.test_compatibility(subject, avro(user_v1())) is True
    sr.register_schema(subject, avro(user_v1()))
    expect_sr_error(lambda: sr.test_compatibility(subject, avro(user_v1()), version=7), 404, 40402)


def test_invalid_schema_is_rejected_with_42201(sr, unique):
    subject = f"invalid-{unique}"
    not_avro = Schema(json.dumps({"type": "record", "name": "Broken"}), "AVRO", [])  # no fields
    expect_sr_error(lambda: sr.register_schema(subject, not_avro), 422, 42201)
    bad_default = Schema(
        json.dumps(
            {"type": "record", "name": "BadDefault", "fields": [{"name": "n", "type": "int", "default": "x"}]}
        ),
        "AVRO",
        [],
    )
    expect_sr_error(lambda: sr.register_schema(subject, bad_default), 422, 42201)
    expect_sr_error(lambda: sr.get_versions(subject), 404, 40401)


# ---------------------------------------------------------------------------------------------
# lookups


@pytest.mark.every_deployment
def test_lookups(http, client_factory, unique):
    subject = f"lookup-{unique}"
    writer = client_factory()
    v1 = user_v1(f"com.example.lookup{unique}")
    v2 = with_fields(v1, OPTIONAL_EMAIL)
    id1 = writer.register_schema(subject, avro(v1))
    id2 = writer.register_schema(subject, avro(v2))
    assert id1 != id2

    sr = client_factory()  # fresh: nothing cached, every answer comes from Herald

    found = sr.lookup_schema(subject, avro(v1))
    assert (found.schema_id, found.version, found.subject) == (id1, 1, subject)
    found2 = client_factory().lookup_schema(subject, avro(v2))
    assert (found2.schema_id, found2.version, found2.subject) == (id2, 2, subject)

    latest = sr.get_latest_version(subject)
    assert (latest.schema_id, latest.version, latest.subject) == (id2, 2, subject)
    same_json(latest.schema.schema_str, v2)
    assert latest.schema.schema_type == "AVRO"

    first = sr.get_version(subject, 1)
    assert (first.schema_id, first.version, first.subject) == (id1, 1, subject)
    same_json(first.schema.schema_str, v1)
    assert client_factory().get_version(subject, "latest").version == 2

    assert subject in sr.get_subjects()
    assert sr.get_subjects(subject_prefix=f"lookup-{unique}") == [subject]
    assert sr.get_versions(subject) == [1, 2]

    by_id = sr.get_schema(id1)
    same_json(by_id.schema_str, v1)
    assert by_id.schema_type == "AVRO"
    same_json(client_factory().get_schema(id2, subject_name=subject).schema_str, v2)

    assert sr.get_subjects_by_schema_id(id2) == [subject]
    versions = sr.get_schema_versions(id2)
    assert [(v.subject, v.version) for v in versions] == [(subject, 2)]

    raw = http.get(f"/subjects/{subject}/versions/1/schema")
    assert raw.status_code == 200
    same_json(raw.text, v1)

    # re-registering an existing schema is idempotent: same id, no new version
    assert client_factory().register_schema(subject, avro(v1)) == id1
    assert client_factory().get_versions(subject) == [1, 2]

    # misses surface with the Confluent error codes
    other = with_fields(v1, {"name": "other", "type": "int", "default": 0})
    expect_sr_error(lambda: client_factory().lookup_schema(subject, avro(other)), 404, 40403)
    expect_sr_error(lambda: client_factory().lookup_schema(f"nope-{unique}", avro(v1)), 404, 40401)
    expect_sr_error(lambda: client_factory().get_version(subject, 3), 404, 40402)
    expect_sr_error(lambda: client_factory().get_latest_version(f"nope-{unique}"), 404, 40401)
    expect_sr_error(lambda: client_factory().get_versions(f"nope-{unique}"), 404, 40401)
    expect_sr_error(lambda: client_factory().get_schema(10_000_000), 404, 40403)
    assert "AVRO" in sr.get_schema_types()


def test_whitespace_variant_gets_same_id(client_factory, unique):
    subject = f"ws-{unique}"
    compact = json.dumps(user_v1(), separators=(",", ":"))
    pretty = json.dumps(user_v1(), indent=4)
    schema_id = client_factory().register_schema(subject, Schema(compact, "AVRO"))
    assert client_factory().register_schema(subject, Schema(pretty, "AVRO")) == schema_id
    assert client_factory().lookup_schema(subject, Schema(pretty, "AVRO")).schema_id == schema_id
    assert client_factory().get_versions(subject) == [1]


# ---------------------------------------------------------------------------------------------
# deletes


def test_soft_and_hard_deletes(client_factory, unique):
    subject = f"delete-{unique}"
    sr = client_factory()
    v1 = user_v1()
    v2 = with_fields(v1, OPTIONAL_EMAIL)
    v3 = with_fields(v2, {"name": "score", "type": "int", "default": 0})
    sr.register_schema(subject, avro(v1))
    sr.register_schema(subject, avro(v2))
    id3 = sr.register_schema(subject, avro(v3))

    # soft-delete version 3
    assert sr.delete_version(subject, 3) == 3
    fresh = client_factory()
    assert fresh.get_versions(subject) == [1, 2]
    assert fresh.get_versions(subject, deleted=True) == [1, 2, 3]
    assert fresh.get_latest_version(subject).version == 2
    expect_sr_error(lambda: client_factory().get_version(subject, 3), 404, 40402)
    assert client_factory().get_version(subject, 3, deleted=True).schema_id == id3
    # a soft-deleted schema is still served by id (old messages stay readable)
    same_json(client_factory().get_schema(id3).schema_str, v3)
    # second soft delete of the same version; permanent delete of a live version
    expect_sr_error(lambda: client_factory().delete_version(subject, 3), 404, 40406)
    expect_sr_error(lambda: client_factory().delete_version(subject, 2, permanent=True), 404, 40407)

    # hard-delete version 3
    assert client_factory().delete_version(subject, 3, permanent=True) == 3
    assert client_factory().get_versions(subject, deleted=True) == [1, 2]
    expect_sr_error(lambda: client_factory().get_version(subject, 3, deleted=True), 404, 40402)

    # permanent delete of a subject that was not soft-deleted first
    expect_sr_error(lambda: client_factory().delete_subject(subject, permanent=True), 404, 40405)

    # soft-delete the subject
    assert sorted(client_factory().delete_subject(subject)) == [1, 2]
    fresh = client_factory()
    assert subject not in fresh.get_subjects()
    assert subject in fresh.get_subjects(deleted=True)
    expect_sr_error(lambda: client_factory().delete_subject(subject), 404, 40404)
    expect_sr_error(lambda: client_factory().get_latest_version(subject), 404, 40401)
    # no live versions left in scope: the subject itself is "not found"
    expect_sr_error(lambda: client_factory().get_version(subject, 1), 404, 40401)
    expect_sr_error(lambda: client_factory().get_versions(subject), 404, 40401)
    expect_sr_error(lambda: client_factory().lookup_schema(subject, avro(v1)), 404, 40401)
    assert client_factory().lookup_schema(subject, avro(v1), deleted=True).version == 1
    assert client_factory().get_version(subject, 1, deleted=True).version == 1

    # hard-delete the subject
    assert sorted(client_factory().delete_subject(subject, permanent=True)) == [1, 2]
    fresh = client_factory()
    assert subject not in fresh.get_subjects(deleted=True)
    expect_sr_error(lambda: fresh.get_versions(subject, deleted=True), 404, 40401)
    expect_sr_error(lambda: client_factory().delete_subject(subject), 404, 40401)
    expect_sr_error(lambda: client_factory().delete_subject(subject, permanent=True), 404, 40401)

    # the subject starts over at version 1
    again = client_factory().register_schema_full_response(subject, avro(v1))
    assert client_factory().get_versions(subject) == [1]
    assert client_factory().lookup_schema(subject, avro(v1)).schema_id == again.schema_id


def test_soft_deleted_subject_keeps_numbering(client_factory, unique):
    subject = f"renumber-{unique}"
    sr = client_factory()
    sr.register_schema(subject, avro(user_v1()))
    assert sr.delete_subject(subject) == [1]
    client_factory().register_schema(subject, avro(with_fields(user_v1(), OPTIONAL_EMAIL)))
    fresh = client_factory()
    assert fresh.get_versions(subject) == [2]
    assert fresh.get_versions(subject, deleted=True) == [1, 2]


# ---------------------------------------------------------------------------------------------
# config and mode


def test_subject_compatibility_none_allows_incompatible(client_factory, unique):
    subject = f"cfg-{unique}"
    sr = client_factory()
    expect_sr_error(lambda: sr.get_compatibility(subject), 404, 40408)

    assert sr.set_compatibility(subject, "NONE") == {"compatibility": "NONE"}
    assert client_factory().get_compatibility(subject) == "NONE"
    assert client_factory().get_compatibility() == "BACKWARD"  # global untouched

    v1 = user_v1()
    sr.register_schema(subject, avro(v1))
    incompatible = with_fields(v1, REQUIRED_EMAIL)
    assert client_factory().test_compatibility(subject, avro(incompatible)) is True
    assert client_factory().register_schema_full_response(subject, avro(incompatible)).schema_id
    assert client_factory().get_versions(subject) == [1, 2]

    # back to BACKWARD via the subject config: a further incompatible change is refused
    assert client_factory().set_compatibility(subject, "backward") == {"compatibility": "BACKWARD"}
    assert client_factory().get_compatibility(subject) == "BACKWARD"
    worse = with_fields(incompatible, {"name": "phone", "type": "string"})
    expect_sr_error(lambda: client_factory().register_schema(subject, avro(worse)), 409, (409, 40901))

    # deleting the subject config returns the old one and falls back to the global level
    old = client_factory().delete_config(subject)
    assert (old.compatibility_level or old.compatibility).value == "BACKWARD"
    expect_sr_error(lambda: client_factory().get_compatibility(subject), 404, 40408)

    expect_sr_error(lambda: client_factory().set_compatibility(subject, "SOMETIMES"), 422, 42203)


def test_global_compatibility(client_factory, unique):
    sr = client_factory()
    subject = f"global-{unique}"
    v1 = user_v1()
    sr.register_schema(subject, avro(v1))
    dropped = without_field(v1, "age")  # BACKWARD-ok, FORWARD-incompatible (old reader lacks default)
    try:
        assert sr.set_compatibility(level="FULL") == {"compatibility": "FULL"}
        assert client_factory().get_compatibility() == "FULL"
        assert client_factory().get_config().compatibility_level.value == "FULL"
        assert client_factory().test_compatibility(subject, avro(dropped)) is False
        expect_sr_error(lambda: client_factory().register_schema(subject, avro(dropped)), 409, (409, 40901))

        assert client_factory().set_compatibility(level="NONE") == {"compatibility": "NONE"}
        incompatible = with_fields(v1, REQUIRED_EMAIL)
        assert client_factory().test_compatibility(subject, avro(incompatible)) is True
        client_factory().register_schema(subject, avro(incompatible))
        assert client_factory().get_versions(subject) == [1, 2]

        expect_sr_error(lambda: client_factory().set_compatibility(level="MAYBE"), 422, 42203)
    finally:
        client_factory().set_compatibility(level="BACKWARD")
    assert client_factory().get_compatibility() == "BACKWARD"
    assert client_factory().test_compatibility(subject, avro(dropped)) is True


def test_mode(client_factory, unique):
    subject = f"mode-{unique}"
    sr = client_factory()
    assert sr.get_global_mode() == "READWRITE"
    v1 = user_v1()
    id1 = sr.register_schema(subject, avro(v1))

    expect_sr_error(lambda: client_factory().get_mode(subject), 404, 40409)
    assert client_factory().update_mode(subject, "READONLY") == "READONLY"
    assert client_factory().get_mode(subject) == "READONLY"
    assert client_factory().get_global_mode() == "READWRITE"

    v2 = with_fields(v1, OPTIONAL_EMAIL)
    expect_sr_error(lambda: client_factory().register_schema(subject, avro(v2)), 422, 42205)
    # an already-registered schema is still answered in READONLY
    assert client_factory().register_schema(subject, avro(v1)) == id1
    assert client_factory().get_latest_version(subject).schema_id == id1

    expect_sr_error(lambda: client_factory().update_mode(subject, "SIDEWAYS"), 422, 42204)

    assert client_factory().delete_mode(subject) == "READONLY"
    expect_sr_error(lambda: client_factory().get_mode(subject), 404, 40409)
    assert client_factory().register_schema_full_response(subject, avro(v2)).schema_id != id1
    assert client_factory().get_versions(subject) == [1, 2]


# ---------------------------------------------------------------------------------------------
# references

ADDRESS = {
    "type": "record",
    "name": "Address",
    "namespace": "com.example",
    "fields": [
        {"name": "street", "type": "string"},
        {"name": "city", "type": "string"},
    ],
}

CUSTOMER = {
    "type": "record",
    "name": "Customer",
    "namespace": "com.example",
    "fields": [
        {"name": "name", "type": "string"},
        {"name": "address", "type": "com.example.Address"},
    ],
}

CUSTOMER_VALUE = {"name": "Grace", "address": {"street": "Main 1", "city": "Utrecht"}}


@pytest.mark.every_deployment
def test_schema_with_reference_round_trip(http, client_factory, unique):
    address_subject = f"address-{unique}"
    topic = f"customers-{unique}"
    customer_subject = f"{topic}-value"
    admin = client_factory()

    address_id = admin.register_schema(address_subject, avro(ADDRESS))
    refs = [SchemaReference("com.example.Address", address_subject, 1)]
    customer_id = admin.register_schema(customer_subject, avro(CUSTOMER, refs))
    assert customer_id != address_id

    # the registry keeps and serves the references
    latest = client_factory().get_latest_version(customer_subject)
    assert latest.schema_id == customer_id
    served = json.loads(latest.schema.schema_str)
    # the canonical text may write the reference relative to the enclosing namespace (as Java does)
    assert served["fields"][1]["type"] in ("Address", "com.example.Address"), served
    served["fields"][1]["type"] = "com.example.Address"
    assert served == CUSTOMER
    assert [(r.name, r.subject, r.version) for r in latest.schema.references] == [
        ("com.example.Address", address_subject, 1)
    ]
    by_id = http.get(f"/schemas/ids/{customer_id}").json()
    assert by_id["references"] == [{"name": "com.example.Address", "subject": address_subject, "version": 1}]
    assert client_factory().get_referenced_by(address_subject, 1) == [customer_id]
    # lookup with references finds it
    assert client_factory().lookup_schema(customer_subject, avro(CUSTOMER, refs)).schema_id == customer_id

    # serializer that uses the latest registered version (no auto-register)
    latest_serializer = AvroSerializer(
        client_factory(),
        avro(CUSTOMER, refs),
        conf={"auto.register.schemas": False, "use.latest.version": True},
    )
    data = latest_serializer(CUSTOMER_VALUE, value_ctx(topic))
    assert framed_id(data) == customer_id

    # serializer that looks its own schema up (POST /subjects/{s} with references)
    lookup_serializer = AvroSerializer(
        client_factory(), avro(CUSTOMER, refs), conf={"auto.register.schemas": False}
    )
    data2 = lookup_serializer(CUSTOMER_VALUE, value_ctx(topic))
    assert framed_id(data2) == customer_id
    assert data2 == data

    # a fresh deserializer fetches the schema by id and resolves the reference itself
    deserializer = AvroDeserializer(client_factory())
    assert deserializer(data, value_ctx(topic)) == CUSTOMER_VALUE

    # a referenced schema cannot be deleted while the reference is live
    expect_sr_error(lambda: client_factory().delete_subject(address_subject), 422, 42206)
    expect_sr_error(lambda: client_factory().delete_version(address_subject, 1), 422, 42206)


def test_unresolvable_reference_is_rejected(client_factory, unique):
    refs = [SchemaReference("com.example.Address", f"missing-{unique}", 1)]
    expect_sr_error(
        lambda: client_factory().register_schema(f"dangling-{unique}", avro(CUSTOMER, refs)), 422, 42201
    )


# ---------------------------------------------------------------------------------------------
# normalization and odd subject names


def test_serializer_with_normalize_schemas(client_factory, unique):
    topic = f"norm-{unique}"
    schema_text = json.dumps(user_v1())
    serializer = AvroSerializer(client_factory(), schema_text, conf={"normalize.schemas": True})
    data = serializer({"name": "Norm", "age": 9}, value_ctx(topic))
    schema_id = framed_id(data)
    assert client_factory().get_latest_version(f"{topic}-value").schema_id == schema_id
    assert AvroDeserializer(client_factory())(data, value_ctx(topic)) == {"name": "Norm", "age": 9}

    # a differently written but equivalent schema (attribute order, whitespace) normalizes to the
    # same registered schema
    variant = {
        "fields": [{"type": "string", "name": "name"}, {"type": "int", "name": "age"}],
        "namespace": "com.example",
        "name": "User",
        "type": "record",
    }
    variant_text = json.dumps(variant, indent=2)
    again = AvroSerializer(client_factory(), variant_text, conf={"normalize.schemas": True})
    assert framed_id(again({"name": "N2", "age": 1}, value_ctx(topic))) == schema_id
    assert client_factory().get_versions(f"{topic}-value") == [1]
    found = client_factory().lookup_schema(f"{topic}-value", Schema(variant_text, "AVRO"), normalize_schemas=True)
    assert (found.schema_id, found.version) == (schema_id, 1)


def test_subject_with_slash(herald_url, client_factory, unique):
    subject = f"team/{unique}/orders-value"
    schema = user_v1(f"com.example.slash{unique}")
    schema_id = client_factory().register_schema(subject, avro(schema))

    sr = client_factory()
    latest = sr.get_latest_version(subject)
    assert (latest.subject, latest.version, latest.schema_id) == (subject, 1, schema_id)
    same_json(sr.get_version(subject, 1).schema.schema_str, schema)
    assert sr.get_versions(subject) == [1]
    assert subject in sr.get_subjects()
    assert sr.get_subjects_by_schema_id(schema_id) == [subject]
    assert sr.lookup_schema(subject, avro(schema)).schema_id == schema_id

    # the raw URL with %2F answers too
    resp = requests.get(f"{herald_url}/subjects/team%2F{unique}%2Forders-value/versions/latest")
    assert resp.status_code == 200, resp.text
    assert resp.json()["subject"] == subject

    assert client_factory().set_compatibility(subject, "FULL") == {"compatibility": "FULL"}
    assert client_factory().get_compatibility(subject) == "FULL"
    assert client_factory().delete_subject(subject) == [1]
    assert client_factory().delete_subject(subject, permanent=True) == [1]
    assert subject not in client_factory().get_subjects(deleted=True)
