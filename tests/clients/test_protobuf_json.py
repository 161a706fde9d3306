"""Herald driven by the unmodified Python `confluent-kafka` Protobuf and JSON Schema serdes.

As in test_confluent_kafka.py no broker is involved: serializers are called with a
SerializationContext and their bytes are decoded by deserializers built on fresh clients, so
every schema (and every Protobuf dependency) must round-trip through the registry.

The Protobuf message classes are built at test time without protoc: FileDescriptorProtos are
assembled by hand with `descriptor_pb2`, added to a private DescriptorPool and turned into
classes with `message_factory.GetMessageClass`.
"""

import base64
import json

import pytest
import requests
from confluent_kafka.schema_registry import Schema, SchemaReference
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import SerializationError
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from sr_helpers import expect_sr_error, framed_id, value_ctx

# ---------------------------------------------------------------------------------------------
# helpers (shared ones are in sr_helpers.py)


def expect_incompatible(fn):
    """A registration refused by the compatibility check: 409 with code 409 (CP7) or 40901 (CP8)."""
    err = expect_sr_error(fn, 409, (409, 40901))
    assert "incompatible" in (err.error_message or "").lower(), err.error_message
    return err


def verbose_check(herald_url, subject, schema_str, schema_type, version="latest"):
    """POST /compatibility/...?verbose=true; returns (is_compatible, messages as one string)."""
    resp = requests.post(
        f"{herald_url}/compatibility/subjects/{subject}/versions/{version}",
        params={"verbose": "true"},
        json={"schema": schema_str, "schemaType": schema_type},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    return body["is_compatible"], " ".join(str(m) for m in body.get("messages", []))


def proto(text, references=None):
    return Schema(text, "PROTOBUF", references or [])


def json_schema(schema_dict, references=None):
    return Schema(json.dumps(schema_dict), "JSON", references or [])


# ---------------------------------------------------------------------------------------------
# Protobuf message classes built without protoc

FIELD = descriptor_pb2.FieldDescriptorProto

MONEY_PATH = "shop/common/money.proto"
ORDER_PATH = "orders/order.proto"


def _field(message, name, number, kind, label=FIELD.LABEL_OPTIONAL, type_name=None):
    field = message.field.add(name=name, number=number, type=kind, label=label)
    if type_name is not None:
        field.type_name = type_name
    return field


def money_file_proto():
    """shop/common/money.proto: package shop.common; message Money { string currency = 1; int64 units = 2; }"""
    fdp = descriptor_pb2.FileDescriptorProto(name=MONEY_PATH, package="shop.common", syntax="proto3")
    money = fdp.message_type.add(name="Money")
    _field(money, "currency", 1, FIELD.TYPE_STRING)
    _field(money, "units", 2, FIELD.TYPE_INT64)
    return fdp


def order_file_proto():
    """orders/order.proto: package shop.orders; import "shop/common/money.proto";
    message Order { string id = 1; shop.common.Money total = 2; repeated string tags = 3; }"""
    fdp = descriptor_pb2.FileDescriptorProto(
        name=ORDER_PATH, package="shop.orders", syntax="proto3", dependency=[MONEY_PATH]
    )
    order = fdp.message_type.add(name="Order")
    _field(order, "id", 1, FIELD.TYPE_STRING)
    _field(order, "total", 2, FIELD.TYPE_MESSAGE, type_name=".shop.common.Money")
    _field(order, "tags", 3, FIELD.TYPE_STRING, label=FIELD.LABEL_REPEATED)
    return fdp


def message_class(full_name, *file_protos):
    """Add the file protos (dependencies first) to a private pool and build the named message class."""
    pool = descriptor_pool.DescriptorPool()
    for fdp in file_protos:
        pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(full_name))


def order_class():
    return message_class("shop.orders.Order", money_file_proto(), order_file_proto())


def sample_order(order_cls):
    order = order_cls(id="ord-42", tags=["gift", "express"])
    order.total.currency = "EUR"
    order.total.units = 1250
    return order


def decode_serialized(schema_str):
    """`format=serialized` answers carry a base64 FileDescriptorProto."""
    fdp = descriptor_pb2.FileDescriptorProto()
    fdp.ParseFromString(base64.standard_b64decode(schema_str))
    return fdp


# ---------------------------------------------------------------------------------------------
# Protobuf


@pytest.mark.every_deployment
def test_protobuf_round_trip_with_imported_file(http, client_factory, unique):
    topic = f"pb-orders-{unique}"
    subject = f"{topic}-value"
    order_cls = order_class()
    order = sample_order(order_cls)

    serializer = ProtobufSerializer(order_cls, client_factory(), conf={"auto.register.schemas": True})
    data = serializer(order, value_ctx(topic))

    # framing: 0, 4-byte id, message indexes ([0] = the single byte 0), then the plain message
    schema_id = framed_id(data)
    assert schema_id >= 1
    assert data[5] == 0, f"message-index byte for the first message must be 0, got {data[5]}"
    assert data[6:] == order.SerializeToString()

    # the import was registered under a subject named by its path, the main schema references it
    admin = client_factory()
    subjects = admin.get_subjects()
    assert MONEY_PATH in subjects, subjects
    assert subject in subjects, subjects
    money_latest = admin.get_latest_version(MONEY_PATH)
    assert money_latest.schema.schema_type == "PROTOBUF"
    latest = admin.get_latest_version(subject)
    assert (latest.schema_id, latest.version, latest.subject) == (schema_id, 1, subject)
    assert latest.schema.schema_type == "PROTOBUF"
    assert [(r.name, r.subject, r.version) for r in latest.schema.references] == [
        (MONEY_PATH, MONEY_PATH, money_latest.version)
    ]
    assert admin.get_referenced_by(MONEY_PATH, money_latest.version) == [schema_id]
    assert money_latest.schema_id != schema_id

    # GET /schemas/ids/{id}: canonical .proto text
    resp = http.get(f"/schemas/ids/{schema_id}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["schemaType"] == "PROTOBUF"
    assert body["references"] == [{"name": MONEY_PATH, "subject": MONEY_PATH, "version": money_latest.version}]
    text = body["schema"]
    assert "package shop.orders;" in text, text
    assert f'import "{MONEY_PATH}";' in text, text
    assert "message Order" in text, text
    assert "repeated string tags = 3;" in text, text
    assert "Money total = 2;" in text, text
    assert client_factory().get_schema(schema_id).schema_str == text

    # ... and ?format=serialized: a base64 FileDescriptorProto of the same file
    resp = http.get(f"/schemas/ids/{schema_id}", params={"format": "serialized"})
    assert resp.status_code == 200, resp.text
    serialized = resp.json()
    assert serialized["schemaType"] == "PROTOBUF"
    assert serialized["references"] == body["references"]
    fdp = decode_serialized(serialized["schema"])
    assert fdp.package == "shop.orders"
    assert list(fdp.dependency) == [MONEY_PATH]
    assert [m.name for m in fdp.message_type] == ["Order"]
    fields = [(f.name, f.number, f.type, f.label) for f in fdp.message_type[0].field]
    assert fields == [
        ("id", 1, FIELD.TYPE_STRING, FIELD.LABEL_OPTIONAL),
        ("total", 2, FIELD.TYPE_MESSAGE, FIELD.LABEL_OPTIONAL),
        ("tags", 3, FIELD.TYPE_STRING, FIELD.LABEL_REPEATED),
    ]
    assert fdp.message_type[0].field[1].type_name.lstrip(".") == "shop.common.Money"
    money_serialized = client_factory().get_version(MONEY_PATH, money_latest.version, fmt="serialized")
    money_fdp = decode_serialized(money_serialized.schema.schema_str)
    assert money_fdp.package == "shop.common"
    assert [(f.name, f.number, f.type) for f in money_fdp.message_type[0].field] == [
        ("currency", 1, FIELD.TYPE_STRING),
        ("units", 2, FIELD.TYPE_INT64),
    ]

    # a deserializer on a FRESH client fetches the writer schema and its import by id/version
    deserializer = ProtobufDeserializer(order_cls, {}, client_factory())
    decoded = deserializer(data, value_ctx(topic))
    assert isinstance(decoded, order_cls)
    assert decoded == order
    assert (decoded.id, decoded.total.currency, decoded.total.units, list(decoded.tags)) == (
        "ord-42",
        "EUR",
        1250,
        ["gift", "express"],
    )

    # a second serializer on a fresh client (auto-register again) is idempotent: same ids, no
    # new versions; one that only looks its schema up (no auto-register) finds the same id
    again = ProtobufSerializer(order_cls, client_factory())(order, value_ctx(topic))
    assert again == data
    lookup_only = ProtobufSerializer(order_cls, client_factory(), conf={"auto.register.schemas": False})
    assert framed_id(lookup_only(order, value_ctx(topic))) == schema_id
    fresh = client_factory()
    assert fresh.get_versions(subject) == [1]
    assert fresh.get_versions(MONEY_PATH) == [money_latest.version]

    # the raw URL with %2F answers for the dependency subject
    resp = http.get("/subjects/shop%2Fcommon%2Fmoney.proto/versions/latest")
    assert resp.status_code == 200, resp.text
    assert resp.json()["subject"] == MONEY_PATH
    assert resp.json()["schemaType"] == "PROTOBUF"

    # the referenced file cannot be deleted while the order schema references it
    expect_sr_error(lambda: client_factory().delete_subject(MONEY_PATH), 422, 42206)


def test_protobuf_message_indexes_follow_registered_order(herald_url, client_factory, unique):
    """Message indexes point into the registered file; the registry must keep message order."""
    package = f"idx.pb{unique}"
    fdp = descriptor_pb2.FileDescriptorProto(name=f"idx/{unique}/events.proto", package=package, syntax="proto3")
    first = fdp.message_type.add(name="Zeta")
    _field(first, "z", 1, FIELD.TYPE_STRING)
    second = fdp.message_type.add(name="Alpha")
    _field(second, "a", 1, FIELD.TYPE_INT32)
    inner = second.nested_type.add(name="Inner")
    _field(inner, "flag", 1, FIELD.TYPE_BOOL)
    _field(inner, "note", 2, FIELD.TYPE_STRING)
    inner_cls = message_class(f"{package}.Alpha.Inner", fdp)
    alpha_cls = message_class(f"{package}.Alpha", fdp)

    topic = f"pb-idx-{unique}"
    inner_msg = inner_cls(flag=True, note="nested")
    data = ProtobufSerializer(inner_cls, client_factory())(inner_msg, value_ctx(topic))
    schema_id = framed_id(data)
    # indexes [1, 0] as zigzag varints: count 2 -> 4, 1 -> 2, 0 -> 0
    assert data[5:8] == bytes([4, 2, 0]), data[5:8]
    assert data[8:] == inner_msg.SerializeToString()

    alpha_data = ProtobufSerializer(alpha_cls, client_factory())(alpha_cls(a=7), value_ctx(topic))
    assert framed_id(alpha_data) == schema_id  # same file, same schema, same id
    assert alpha_data[5:7] == bytes([2, 2]), alpha_data[5:7]  # [1]

    resp = requests.get(f"{herald_url}/schemas/ids/{schema_id}", params={"format": "serialized"})
    assert resp.status_code == 200, resp.text
    served = decode_serialized(resp.json()["schema"])
    assert [m.name for m in served.message_type] == ["Zeta", "Alpha"]
    assert [m.name for m in served.message_type[1].nested_type] == ["Inner"]
    text = client_factory().get_schema(schema_id).schema_str
    assert text.index("message Zeta") < text.index("message Alpha") < text.index("message Inner"), text

    fresh = client_factory()
    assert ProtobufDeserializer(inner_cls, {}, fresh)(data, value_ctx(topic)) == inner_msg
    assert ProtobufDeserializer(alpha_cls, {}, fresh)(alpha_data, value_ctx(topic)) == alpha_cls(a=7)


PROTO_M_V1 = 'syntax = "proto3";\npackage compat.pb;\n\nmessage M {\n  string a = 1;\n}\n'
PROTO_M_SCALAR_CHANGED = 'syntax = "proto3";\npackage compat.pb;\n\nmessage M {\n  int32 a = 1;\n}\n'
PROTO_M_FIELD_ADDED = 'syntax = "proto3";\npackage compat.pb;\n\nmessage M {\n  string a = 1;\n  int32 b = 2;\n}\n'


def test_protobuf_incompatible_change_is_rejected_with_409(herald_url, client_factory, unique):
    subject = f"pb-compat-{unique}"
    sr = client_factory()
    id1 = sr.register_schema(subject, proto(PROTO_M_V1))

    # string -> int32 is FIELD_SCALAR_KIND_CHANGED: incompatible
    expect_incompatible(lambda: client_factory().register_schema(subject, proto(PROTO_M_SCALAR_CHANGED)))
    checker = client_factory()
    assert checker.test_compatibility(subject, proto(PROTO_M_SCALAR_CHANGED)) is False
    assert checker.test_compatibility(subject, proto(PROTO_M_SCALAR_CHANGED), version=1) is False
    assert checker.test_compatibility_all_versions(subject, proto(PROTO_M_SCALAR_CHANGED)) is False
    compatible, messages = verbose_check(herald_url, subject, PROTO_M_SCALAR_CHANGED, "PROTOBUF")
    assert compatible is False
    assert "FIELD_SCALAR_KIND_CHANGED" in messages, messages

    # adding a field is FIELD_ADDED: compatible
    assert checker.test_compatibility(subject, proto(PROTO_M_FIELD_ADDED)) is True
    assert checker.test_compatibility_all_versions(subject, proto(PROTO_M_FIELD_ADDED)) is True

    # the rejected schema left no trace; the compatible one becomes version 2 with a new id
    assert client_factory().get_versions(subject) == [1]
    id2 = client_factory().register_schema(subject, proto(PROTO_M_FIELD_ADDED))
    assert id2 != id1
    assert client_factory().get_versions(subject) == [1, 2]
    # the incompatible change is still judged against the new latest
    expect_incompatible(lambda: client_factory().register_schema(subject, proto(PROTO_M_SCALAR_CHANGED)))


def test_protobuf_scalar_change_within_group_is_compatible(client_factory, unique):
    """int32 -> int64 stays in one scalar group: not FIELD_SCALAR_KIND_CHANGED."""
    subject = f"pb-group-{unique}"
    sr = client_factory()
    sr.register_schema(subject, proto('syntax = "proto3";\nmessage N {\n  int32 n = 1;\n}\n'))
    widened = proto('syntax = "proto3";\nmessage N {\n  int64 n = 1;\n}\n')
    assert client_factory().test_compatibility(subject, widened) is True
    client_factory().register_schema(subject, widened)
    assert client_factory().get_versions(subject) == [1, 2]


# ---------------------------------------------------------------------------------------------
# JSON Schema

CUSTOMER_JSON = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Customer",
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 64},
        "age": {"type": "integer", "minimum": 0},
        "address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
            "required": ["street", "city"],
        },
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "address"],
}

CUSTOMER_VALUE = {
    "name": "Grace",
    "age": 37,
    "address": {"street": "Main 1", "city": "Utrecht"},
    "tags": ["vip", "eu"],
}


@pytest.mark.every_deployment
def test_json_schema_round_trip(http, client_factory, unique):
    topic = f"js-customers-{unique}"
    subject = f"{topic}-value"
    serializer = JSONSerializer(json.dumps(CUSTOMER_JSON), client_factory())
    data = serializer(CUSTOMER_VALUE, value_ctx(topic))

    schema_id = framed_id(data)
    assert schema_id >= 1
    # after the 5-byte header the payload is the JSON document itself
    assert json.loads(data[5:]) == CUSTOMER_VALUE

    resp = http.get(f"/schemas/ids/{schema_id}")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["schemaType"] == "JSON"
    assert json.loads(body["schema"]) == CUSTOMER_JSON
    latest = client_factory().get_latest_version(subject)
    assert (latest.schema_id, latest.version, latest.subject) == (schema_id, 1, subject)
    assert latest.schema.schema_type == "JSON"
    assert json.loads(latest.schema.schema_str) == CUSTOMER_JSON

    # a deserializer on a FRESH client, with no schema of its own, uses the registered writer schema
    deserializer = JSONDeserializer(None, schema_registry_client=client_factory())
    assert deserializer(data, value_ctx(topic)) == CUSTOMER_VALUE
    # ... and one given the schema as its reader schema agrees
    with_reader = JSONDeserializer(json.dumps(CUSTOMER_JSON), schema_registry_client=client_factory())
    assert with_reader(data, value_ctx(topic)) == CUSTOMER_VALUE

    # whitespace and key-order variants of the same schema are the same registered schema
    pretty = json.dumps(CUSTOMER_JSON, indent=4)
    assert client_factory().register_schema(subject, Schema(pretty, "JSON")) == schema_id
    assert client_factory().lookup_schema(subject, Schema(pretty, "JSON")).schema_id == schema_id
    assert client_factory().get_versions(subject) == [1]

    # serializing again (fresh serializer, fresh client) keeps the id
    assert framed_id(JSONSerializer(json.dumps(CUSTOMER_JSON), client_factory())(CUSTOMER_VALUE, value_ctx(topic))) == (
        schema_id
    )


def test_json_serializer_rejects_invalid_object(client_factory, unique):
    """Validation is client-side: the serializer refuses objects its schema does not accept."""
    topic = f"js-invalid-{unique}"
    serializer = JSONSerializer(json.dumps(CUSTOMER_JSON), client_factory())
    missing_required = {"age": 3, "address": {"street": "x", "city": "y"}}  # no "name"
    with pytest.raises(SerializationError):
        serializer(missing_required, value_ctx(topic))
    wrong_type = dict(CUSTOMER_VALUE, age="thirty-seven")
    with pytest.raises(SerializationError):
        serializer(wrong_type, value_ctx(topic))
    # a valid object still goes through with the same serializer
    data = serializer(CUSTOMER_VALUE, value_ctx(topic))
    assert JSONDeserializer(None, schema_registry_client=client_factory())(data, value_ctx(topic)) == CUSTOMER_VALUE


ADDRESS_JSON = {
    "title": "Address",
    "type": "object",
    "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
    "required": ["street", "city"],
}


def test_json_schema_with_reference_round_trip(herald_url, client_factory, unique):
    address_subject = f"js-address-{unique}"
    topic = f"js-people-{unique}"
    person = {
        "title": "Person",
        "type": "object",
        "properties": {"name": {"type": "string"}, "home": {"$ref": "address.json"}},
        "required": ["name", "home"],
    }
    address_id = client_factory().register_schema(address_subject, json_schema(ADDRESS_JSON))
    refs = [SchemaReference("address.json", address_subject, 1)]

    serializer = JSONSerializer(json_schema(person, refs), client_factory())
    value = {"name": "Ada", "home": {"street": "Main 1", "city": "Utrecht"}}
    data = serializer(value, value_ctx(topic))
    person_id = framed_id(data)
    assert person_id != address_id
    # the referenced schema takes part in client-side validation
    with pytest.raises(SerializationError):
        serializer({"name": "Ada", "home": {"street": "Main 1"}}, value_ctx(topic))

    body = requests.get(f"{herald_url}/schemas/ids/{person_id}").json()
    assert body["schemaType"] == "JSON"
    assert body["references"] == [{"name": "address.json", "subject": address_subject, "version": 1}]
    latest = client_factory().get_latest_version(f"{topic}-value")
    assert latest.schema_id == person_id
    assert [(r.name, r.subject, r.version) for r in latest.schema.references] == [
        ("address.json", address_subject, 1)
    ]
    assert client_factory().get_referenced_by(address_subject, 1) == [person_id]

    # a fresh deserializer resolves the reference through the registry to validate
    deserializer = JSONDeserializer(None, schema_registry_client=client_factory())
    assert deserializer(data, value_ctx(topic)) == value
    expect_sr_error(lambda: client_factory().delete_subject(address_subject), 422, 42206)
    # a dangling reference is refused
    dangling = [SchemaReference("address.json", f"js-missing-{unique}", 1)]
    expect_sr_error(
        lambda: client_factory().register_schema(f"js-dangling-{unique}", json_schema(person, dangling)), 422, 42201
    )


READING_V1 = {
    "title": "Reading",
    "type": "object",
    "properties": {
        "sensor": {"type": "string", "maxLength": 16},
        "value": {"type": "number"},
        "count": {"type": "integer"},
    },
    "required": ["sensor"],
    "additionalProperties": False,
}


def reading(**changes):
    """READING_V1 with property schemas replaced (None removes a property) and other keys set."""
    out = json.loads(json.dumps(READING_V1))
    for key, value in changes.items():
        if key in ("required", "additionalProperties", "title"):
            out[key] = value
        elif value is None:
            del out["properties"][key]
        else:
            out["properties"][key] = value
    return out


def test_json_schema_incompatible_change_is_rejected_with_409(herald_url, client_factory, unique):
    subject = f"js-compat-{unique}"
    sr = client_factory()
    assert sr.get_compatibility() == "BACKWARD"
    id1 = sr.register_schema(subject, json_schema(READING_V1))

    # number -> integer: TYPE_NARROWED
    narrowed = reading(value={"type": "integer"})
    # a new required property in a closed content model: REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
    required_added = reading(unit={"type": "string"}, required=["sensor", "unit"])
    # a maxLength that got smaller: MAX_LENGTH_DECREASED
    shorter = reading(sensor={"type": "string", "maxLength": 8})
    checker = client_factory()
    for incompatible, error_type in (
        (narrowed, "TYPE_NARROWED"),
        (required_added, "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"),
        (shorter, "MAX_LENGTH_DECREASED"),
    ):
        expect_incompatible(lambda: client_factory().register_schema(subject, json_schema(incompatible)))
        assert checker.test_compatibility(subject, json_schema(incompatible)) is False, error_type
        assert checker.test_compatibility(subject, json_schema(incompatible), version=1) is False, error_type
        compatible, messages = verbose_check(herald_url, subject, json.dumps(incompatible), "JSON")
        assert compatible is False, error_type
        assert error_type in messages, messages

    # compatible: maxLength removed, integer -> number, an optional property in a closed model
    for compatible_change in (
        reading(sensor={"type": "string"}),
        reading(count={"type": "number"}),
        reading(unit={"type": "string"}),
    ):
        assert checker.test_compatibility(subject, json_schema(compatible_change)) is True, compatible_change
        assert checker.test_compatibility_all_versions(subject, json_schema(compatible_change)) is True

    # rejected schemas left no trace; a compatible one becomes version 2
    assert client_factory().get_versions(subject) == [1]
    widened = reading(sensor={"type": "string"}, count={"type": "number"}, unit={"type": "string"})
    id2 = client_factory().register_schema(subject, json_schema(widened))
    assert id2 != id1
    assert client_factory().get_versions(subject) == [1, 2]


def test_json_schema_open_model_strict_policy(client_factory, unique):
    """Under the default STRICT policy even an optional property added to an open model is refused."""
    subject = f"js-open-{unique}"
    open_v1 = {"title": "Open", "type": "object", "properties": {"a": {"type": "string"}}}
    client_factory().register_schema(subject, json_schema(open_v1))
    optional_added = json.loads(json.dumps(open_v1))
    optional_added["properties"]["b"] = {"type": "integer"}  # OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
    assert client_factory().test_compatibility(subject, json_schema(optional_added)) is False
    expect_incompatible(lambda: client_factory().register_schema(subject, json_schema(optional_added)))
    # dropping a property from an open model is PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: compatible
    dropped = {"title": "Open", "type": "object", "properties": {}}
    assert client_factory().test_compatibility(subject, json_schema(dropped)) is True


def test_json_serializer_incompatible_change_is_refused(client_factory, unique):
    topic = f"js-sercompat-{unique}"
    JSONSerializer(json.dumps(READING_V1), client_factory())({"sensor": "t1", "value": 1.5}, value_ctx(topic))
    narrowed = reading(value={"type": "integer"})
    bad = JSONSerializer(json.dumps(narrowed), client_factory())
    expect_incompatible(lambda: bad({"sensor": "t1", "value": 2}, value_ctx(topic)))
    assert client_factory().get_versions(f"{topic}-value") == [1]


# ---------------------------------------------------------------------------------------------
# lookups for both formats

LOOKUP_PROTO_V1 = 'syntax = "proto3";\npackage lookup.pb{u};\n\nmessage Item {{\n  string sku = 1;\n}}\n'
LOOKUP_PROTO_V2 = (
    'syntax = "proto3";\npackage lookup.pb{u};\n\nmessage Item {{\n  string sku = 1;\n  int64 qty = 2;\n}}\n'
)


def test_protobuf_lookups(herald_url, client_factory, unique):
    subject = f"pb-lookup-{unique}"
    v1 = LOOKUP_PROTO_V1.format(u=unique)
    v2 = LOOKUP_PROTO_V2.format(u=unique)
    writer = client_factory()
    id1 = writer.register_schema(subject, proto(v1))
    id2 = writer.register_schema(subject, proto(v2))
    assert id1 != id2

    sr = client_factory()
    found = sr.lookup_schema(subject, proto(v1))
    assert (found.schema_id, found.version, found.subject) == (id1, 1, subject)
    assert found.schema.schema_type == "PROTOBUF"
    found2 = client_factory().lookup_schema(subject, proto(v2))
    assert (found2.schema_id, found2.version) == (id2, 2)
    assert found2.schema.schema_type == "PROTOBUF"

    latest = sr.get_latest_version(subject)
    assert (latest.schema_id, latest.version, latest.subject) == (id2, 2, subject)
    assert latest.schema.schema_type == "PROTOBUF"
    assert "int64 qty = 2;" in latest.schema.schema_str
    first = sr.get_version(subject, 1)
    assert (first.schema_id, first.schema.schema_type) == (id1, "PROTOBUF")
    by_id = client_factory().get_schema(id1)
    assert by_id.schema_type == "PROTOBUF"
    assert f"package lookup.pb{unique};" in by_id.schema_str
    assert sr.get_subjects_by_schema_id(id2) == [subject]

    # a whitespace variant is the same schema
    spaced = v1.replace("\n", "\n\n").replace("string sku = 1;", "string   sku   =   1 ;")
    assert client_factory().lookup_schema(subject, proto(spaced)).schema_id == id1
    assert client_factory().register_schema(subject, proto(spaced)) == id1
    assert client_factory().get_versions(subject) == [1, 2]

    # the Protobuf text and the base64 descriptor the Python serializer sends are one schema
    served = requests.get(f"{herald_url}/schemas/ids/{id2}", params={"format": "serialized"}).json()
    assert client_factory().lookup_schema(subject, proto(served["schema"])).schema_id == id2

    other = LOOKUP_PROTO_V2.format(u=unique).replace("int64 qty = 2;", "int64 qty = 2;\n  bool gift = 3;")
    expect_sr_error(lambda: client_factory().lookup_schema(subject, proto(other)), 404, 40403)
    # the same text as JSON is not a valid JSON Schema; broken .proto text is not a schema
    expect_sr_error(lambda: client_factory().register_schema(subject, Schema(v1, "JSON")), 422, 42201)
    broken = v1.replace("string sku = 1;", "strin sku = ")
    expect_sr_error(lambda: client_factory().register_schema(subject, proto(broken)), 422, 42201)
    # a valid schema of another type is incompatible with the Protobuf versions (not under NONE)
    expect_incompatible(lambda: client_factory().register_schema(subject, json_schema({"type": "object"})))
    assert client_factory().get_versions(subject) == [1, 2]
    assert {"PROTOBUF", "JSON", "AVRO"} <= set(sr.get_schema_types())


def test_json_schema_lookups(client_factory, unique):
    subject = f"js-lookup-{unique}"
    v1 = {"title": f"Lookup{unique}", "type": "object", "properties": {"k": {"type": "string"}}}
    v2 = {"title": f"Lookup{unique}", "type": "object", "properties": {"k": {"type": "string", "maxLength": 99}}}
    # v1 -> v2 adds a constraint (incompatible); register both under NONE
    assert client_factory().set_compatibility(subject, "NONE") == {"compatibility": "NONE"}
    writer = client_factory()
    id1 = writer.register_schema(subject, json_schema(v1))
    id2 = writer.register_schema(subject, json_schema(v2))
    assert id1 != id2

    sr = client_factory()
    found = sr.lookup_schema(subject, json_schema(v1))
    assert (found.schema_id, found.version, found.subject) == (id1, 1, subject)
    assert found.schema.schema_type == "JSON"
    found2 = client_factory().lookup_schema(subject, Schema(json.dumps(v2, indent=2), "JSON"))
    assert (found2.schema_id, found2.version) == (id2, 2)
    assert found2.schema.schema_type == "JSON"

    latest = sr.get_latest_version(subject)
    assert (latest.schema_id, latest.version, latest.subject) == (id2, 2, subject)
    assert latest.schema.schema_type == "JSON"
    assert json.loads(latest.schema.schema_str) == v2
    by_id = client_factory().get_schema(id1)
    assert by_id.schema_type == "JSON"
    assert json.loads(by_id.schema_str) == v1

    # the same text looked up as AVRO does not parse as Avro ("object" is no Avro type)
    expect_sr_error(
        lambda: client_factory().lookup_schema(subject, Schema(json.dumps(v1), "AVRO")), 422, 42201
    )
    missing = {"title": f"Lookup{unique}", "type": "object", "properties": {"z": {"type": "boolean"}}}
    expect_sr_error(lambda: client_factory().lookup_schema(subject, json_schema(missing)), 404, 40403)
    expect_sr_error(lambda: client_factory().get_latest_version(f"js-nope-{unique}"), 404, 40401)
    # invalid JSON text is not a JSON Schema
    expect_sr_error(
        lambda: client_factory().register_schema(f"js-bad-{unique}", Schema("{not json", "JSON")), 422, 42201
    )
