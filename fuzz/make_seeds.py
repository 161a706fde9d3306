#!/usr/bin/env python3
"""Writes the hand-written seed corpus under fuzz/corpus/<target>/seed-*.

Run from anywhere: python3 fuzz/make_seeds.py [path/to/avro-compat-cases.json]
The Avro compatibility pairs come from the project's own shared/testdata file when it is
given (or found beside the checkout); everything else is written here.
"""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, f"seed-{name}"), "wb") as f:
        f.write(data)


def pair(a, b):
    return a.encode() + b"\0" + b.encode()


# ---------------------------------------------------------------- Avro schemas
AVRO = {
    "primitive": '"string"',
    "primitive-object": '{"type":"long"}',
    "record": json.dumps({
        "type": "record", "name": "User", "namespace": "com.example", "doc": "a user",
        "aliases": ["Person"],
        "fields": [
            {"name": "id", "type": "long"},
            {"name": "name", "type": "string", "default": "", "order": "descending"},
            {"name": "email", "type": ["null", "string"], "default": None},
            {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
            {"name": "attrs", "type": {"type": "map", "values": "int"}, "default": {}},
            {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"],
                                      "default": "A"}, "default": "B"},
            {"name": "hash", "type": {"type": "fixed", "name": "Md5", "size": 16}},
            {"name": "score", "type": "double", "default": 1.5, "aliases": ["points"]},
        ],
    }),
    "recursive": json.dumps({
        "type": "record", "name": "List", "fields": [
            {"name": "head", "type": "int"},
            {"name": "tail", "type": ["null", "List"], "default": None}]}),
    "logical": json.dumps({
        "type": "record", "name": "L", "fields": [
            {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9,
                                   "scale": 2}},
            {"name": "u", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
            {"name": "x", "type": {"type": "string", "logicalType": "unknown-kept"},
             "custom": {"k": [1, 2]}}]}),
    "union": '["null","int",{"type":"record","name":"R","fields":[]},{"type":"map","values":"R"}]',
    "namespaces": json.dumps({
        "type": "record", "name": "a.b.Outer", "fields": [
            {"name": "inner", "type": {"type": "record", "name": "Inner", "namespace": "c",
                                       "fields": [{"name": "x", "type": "int"}]}},
            {"name": "again", "type": "c.Inner"},
            {"name": "e", "type": {"type": "enum", "name": ".Top", "symbols": ["X"]}}]}),
    "defaults": json.dumps({
        "type": "record", "name": "D", "fields": [
            {"name": "b", "type": "bytes", "default": "\u00ff\u0000"},
            {"name": "f", "type": "float", "default": "NaN"},
            {"name": "r", "type": {"type": "record", "name": "In", "fields": [
                {"name": "v", "type": "int"}]}, "default": {"v": 1}},
            {"name": "u", "type": ["string", "null"], "default": "x"}]}),
}
for name, text in AVRO.items():
    write("avro_parse", name, text)
# A dependency and a schema using its type by full name.
write("avro_parse", "with-dependency", pair(
    '{"type":"record","name":"Address","namespace":"ref","fields":[{"name":"city","type":"string"}]}',
    '{"type":"record","name":"Customer","fields":[{"name":"home","type":"ref.Address"},'
    '{"name":"work","type":["null","ref.Address"],"default":null}]}'))

# ---------------------------------------------------------------- Avro binary payloads
# Selector bytes index the SCHEMAS list in fuzz_targets/avro_decode.rs.
def zz(n):
    n = (n << 1) ^ (n >> 63)
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def s(text):
    return zz(len(text)) + text


write("avro_decode", "int", bytes([2]) + zz(-300))
write("avro_decode", "long", bytes([3]) + zz(1 << 40))
write("avro_decode", "double", bytes([5]) + struct.pack("<d", 3.25))
write("avro_decode", "string", bytes([7]) + s(b"hello"))
write("avro_decode", "array", bytes([8]) + zz(2) + zz(1) + zz(-1) + zz(-1) + zz(2) + zz(7) + zz(0))
write("avro_decode", "map", bytes([9]) + zz(1) + s(b"k") + s(b"v") + zz(0))
write("avro_decode", "union", bytes([10]) + zz(3) + zz(1) + zz(5) + zz(0))
write("avro_decode", "record-all", bytes([13]) + b"\x01" + zz(1) + zz(2) + struct.pack("<f", 1.0)
      + struct.pack("<d", 2.0) + s(b"\x00\xff") + s(b"str") + zz(1) + b"abcd"
      + zz(1) + zz(0) + zz(0) + zz(1) + s(b"m") + zz(1) + b"wxyz" + zz(0) + zz(0))
write("avro_decode", "linked-list", bytes([14]) + zz(1) + zz(1) + zz(2) + zz(1) + zz(3) + zz(0))
write("avro_decode", "decimal", bytes([19]) + s(b"\x01\x00"))
write("avro_decode", "uuid", bytes([21]) + s(b"123e4567-e89b-12d3-a456-426614174000"))

# ---------------------------------------------------------------- Avro compatibility pairs
def avro_pairs(path):
    try:
        with open(path) as f:
            cases = json.load(f)
    except OSError:
        return []
    wanted = [c for c in cases if isinstance(c["reader"], (dict, list))
              or isinstance(c["writer"], (dict, list))]
    return wanted[::4]


cases_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    HERE, "..", "..", "shared", "testdata", "avro-compat-cases.json")
for i, case in enumerate(avro_pairs(cases_path)):
    write("avro_compat", f"case-{i:02}", pair(json.dumps(case["reader"]), json.dumps(case["writer"])))
write("avro_compat", "field-added", pair(
    AVRO["record"], AVRO["record"].replace('{"name": "id", "type": "long"}, ', '')))
write("avro_compat", "recursive-vs-union", pair(AVRO["recursive"], AVRO["union"]))

# ---------------------------------------------------------------- Protobuf
PROTO = {
    "proto3": '''syntax = "proto3";
package com.example.v1;

import "google/protobuf/timestamp.proto";

option java_package = "com.example";
option java_multiple_files = true;

// A user.
message User {
  int64 id = 1;
  string name = 2 [deprecated = true];
  repeated string tags = 3;
  map<string, int32> attrs = 4;
  google.protobuf.Timestamp created = 5;
  oneof contact {
    string email = 6;
    string phone = 7;
  }
  Kind kind = 8;
  optional bytes blob = 9;
  reserved 10, 12 to 15;
  reserved "old";
  message Nested {
    enum Inner { INNER_UNSPECIFIED = 0; }
    Inner inner = 1;
  }
  Nested nested = 11;
}

enum Kind {
  option allow_alias = true;
  KIND_UNSPECIFIED = 0;
  KIND_A = 1;
  KIND_ALIAS = 1;
}

service Users {
  rpc Get(User) returns (User);
  rpc Watch(stream User) returns (stream User) { option deprecated = true; }
}
''',
    "proto2": '''syntax = "proto2";
package legacy;

message Msg {
  required int32 a = 1 [default = 7];
  optional string b = 2 [default = "x"];
  repeated group Item = 3 {
    optional int32 value = 4;
  }
  extensions 100 to 199;
}

extend Msg {
  optional int32 extra = 100;
}
''',
    "no-syntax": 'message A { optional int32 x = 1; message B { optional A a = 1; } }\n',
    "confluent-meta": '''syntax = "proto3";
package meta;

import "confluent/meta.proto";
import "confluent/type/decimal.proto";

message Price {
  confluent.type.Decimal amount = 1 [(confluent.field_meta) = { params: [ { key: "precision", value: "8" } ] }];
}
''',
    "well-known": '''syntax = "proto3";
import "google/protobuf/any.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/wrappers.proto";
import "google/type/money.proto";
message W {
  google.protobuf.Any any = 1;
  google.protobuf.Struct s = 2;
  google.protobuf.StringValue sv = 3;
  google.type.Money m = 4;
}
''',
    "custom-option": '''syntax = "proto3";
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions { string label = 50000; }
message O { string f = 1 [(label) = "hello", json_name = "eff"]; }
''',
}
for name, text in PROTO.items():
    write("protobuf_parse", name, text)
write("protobuf_parse", "with-dependency", pair(
    'syntax = "proto3";\npackage dep;\nmessage Address { string city = 1; }\n',
    'syntax = "proto3";\nimport "dep.proto";\nmessage Customer { dep.Address home = 1; }\n'))


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def vfield(number, value):
    return varint(number << 3) + varint(value)


# FileDescriptorProto { package "desc"; message_type { name "M"; field { name "x" number 1
# label OPTIONAL type INT32 } }; syntax "proto3" }, base64 encoded.
import base64
fdp = (field(2, b"desc")
       + field(4, field(1, b"M") + field(2, field(1, b"x") + vfield(3, 1) + vfield(4, 1)
                                              + vfield(5, 5)))
       + field(12, b"proto3"))
write("protobuf_parse", "descriptor-base64", base64.b64encode(fdp))

write("protobuf_compat", "field-added", pair(
    'syntax = "proto3";\nmessage M { int32 a = 1; }\n',
    'syntax = "proto3";\nmessage M { int32 a = 1; string b = 2; }\n'))
write("protobuf_compat", "type-changed", pair(
    'syntax = "proto3";\npackage p;\nmessage M { int32 a = 1; oneof o { string x = 2; } }\n',
    'syntax = "proto3";\npackage q;\nmessage M { int64 a = 1; string x = 2; }\nmessage N {}\n'))
write("protobuf_compat", "enum-changed", pair(
    'syntax = "proto3";\nenum E { A = 0; B = 1; }\nmessage M { E e = 1; map<string,E> m = 2; }\n',
    'syntax = "proto3";\nenum E { A = 0; }\nmessage M { E e = 1; map<int32,E> m = 2; }\n'))
write("protobuf_compat", "full-vs-proto2", pair(PROTO["proto3"], PROTO["proto2"]))

# ---------------------------------------------------------------- JSON Schema
JSON = {
    "object": {
        "$schema": "http://json-schema.org/draft-07/schema#", "title": "User", "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 0},
            "name": {"type": "string", "maxLength": 10, "pattern": "^[a-z]+$"},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "kind": {"enum": ["a", "b", None]},
            "when": {"type": "string", "format": "date-time"}},
        "required": ["id"], "additionalProperties": False},
    "defs-ref": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {"node": {"type": "object", "properties": {
            "value": {"type": "number"}, "next": {"$ref": "#/$defs/node"}}}},
        "$ref": "#/$defs/node"},
    "combinators": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "definitions": {"pos": {"type": "number", "minimum": 0, "exclusiveMinimum": True}},
        "oneOf": [{"$ref": "#/definitions/pos"}, {"type": "string"}],
        "not": {"enum": [5]}},
    "2019-unevaluated": {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "type": "object", "properties": {"a": {"type": "string"}},
        "allOf": [{"properties": {"b": {"type": "integer"}}}],
        "unevaluatedProperties": False,
        "dependentRequired": {"a": ["b"]}},
    "draft6": {
        "$schema": "http://json-schema.org/draft-06/schema#",
        "type": ["array", "null"], "items": [{"type": "integer"}], "additionalItems": False,
        "contains": {"const": 1}, "propertyNames": {"maxLength": 3}},
    "if-then-else": {
        "if": {"properties": {"k": {"const": "x"}}},
        "then": {"required": ["x"]}, "else": {"required": ["y"]},
        "patternProperties": {"^p_": {"type": "boolean"}},
        "dependencies": {"x": {"required": ["z"]}}},
    "boolean-true": True,
}
INSTANCES = {
    "object": {"id": 3, "name": "abc", "tags": ["x", "y"], "kind": None},
    "defs-ref": {"value": 1, "next": {"value": 2, "next": {"value": "bad"}}},
    "combinators": 3,
    "2019-unevaluated": {"a": "s", "b": 1, "c": 2},
    "draft6": [1, "x"],
    "if-then-else": {"k": "x", "p_a": True},
    "boolean-true": [1, {"a": None}],
}
for name, schema in JSON.items():
    write("json_schema_parse", name, json.dumps(schema).encode() + b"\0"
          + json.dumps(INSTANCES[name]).encode())
write("json_schema_parse", "with-dependency",
      json.dumps({"type": "object", "properties": {"addr": {"$ref": "dep.json"}}}).encode()
      + b"\0" + json.dumps({"addr": {"city": 1}}).encode() + b"\0"
      + json.dumps({"$id": "dep.json", "type": "object",
                    "properties": {"city": {"type": "string"}}}).encode())

JPAIRS = {
    "property-added": (
        {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
        {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
         "required": ["b"], "additionalProperties": False}),
    "narrowed": (
        {"type": ["string", "number"], "maxLength": 5, "minimum": 1},
        {"type": "string", "maxLength": 3, "enum": ["a", "b"]}),
    "combined": (
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}),
    "array-items": (
        {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "number"}}}},
        {"type": "array", "items": [{"type": "object"}], "additionalItems": {"type": "string"},
         "maxItems": 3}),
    "recursive": (JSON["defs-ref"], JSON["object"]),
    "draft-mix": (JSON["2019-unevaluated"], JSON["if-then-else"]),
}
for name, (a, b) in JPAIRS.items():
    write("json_schema_compat", name, pair(json.dumps(a), json.dumps(b)))
