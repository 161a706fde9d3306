"""Helpers shared by the real-client test modules."""

import struct

import pytest
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext


def value_ctx(topic):
    return SerializationContext(topic, MessageField.VALUE)


def framed_id(data):
    assert isinstance(data, bytes) and len(data) > 5, data
    assert data[0] == 0, f"magic byte must be 0, got {data[0]}"
    return struct.unpack(">I", data[1:5])[0]


def expect_sr_error(fn, http_status, error_codes):
    """Run fn, expect a SchemaRegistryError with the given HTTP status and one of error_codes."""
    if isinstance(error_codes, int):
        error_codes = (error_codes,)
    with pytest.raises(SchemaRegistryError) as info:
        fn()
    err = info.value
    assert err.http_status_code == http_status, f"status {err.http_status_code} ({err})"
    assert err.error_code in error_codes, f"error_code {err.error_code} ({err})"
    return err
