"""The wire format equals Java's byte for byte: canonical form, fingerprints, encodings."""

from __future__ import annotations

import json
import re

import avro.schema
import pytest

from conftest import from_json, vectors
from takeover_robot import wire
from takeover_robot.errors import UnknownSchemaError, WireFormatError

RECORDS = vectors("wire.json")["records"]
IDS = [f"{r['type']}: {r['name']}" for r in RECORDS]


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_fingerprint_equals_java(record):
    assert wire.contract().codec(record["type"]).fingerprint_hex == record["fingerprint"]


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_encoding_equals_java_byte_for_byte(record):
    codec = wire.contract().codec(record["type"])
    value = from_json(codec.schema_json, record["value"])
    assert codec.encode(value).hex() == record["encoded"]


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_decoding_gives_the_java_value(record):
    codec = wire.contract().codec(record["type"])
    assert codec.decode(bytes.fromhex(record["encoded"])) == from_json(codec.schema_json, record["value"])


def test_every_contract_type_has_a_vector():
    assert set(wire.contract().codecs) == {r["type"] for r in RECORDS}


# Fingerprints from the Avro specification's own test data (share/test/data/schema-tests.txt).
SPEC_CASES = [
    ('"int"', '"int"', 8247732601305521295),
    ('{"type":"long"}', '"long"', -3434872931120570953),
    ('[ "int" , {"type":"boolean"} ]', '["int","boolean"]', 5392556393470105090),
    ('{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}',
     '{"name":"x.y.foo","type":"record","fields":[]}', 5916914534497305771),
    ('{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}',
     '{"name":"a.b.foo","type":"record","fields":[]}', -4616218487480524110),
    ('{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":"true"},'
     '{"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo"}',
     '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
     -4860222112080293046),
    ('{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
     '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}', -4448647247586288245),
    ('{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
     '{"name":"x.y.z.foo","type":"fixed","size":32}', -3064184465700546786),
    ('{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', -589620603366471059),
    ('{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', -8732877298790414990),
    ('{"name":"PigValue","type":"record","fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
     '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
     -1759257747318642341),
]


@pytest.mark.parametrize("schema,canonical,fingerprint", SPEC_CASES)
def test_canonical_form_and_fingerprint_follow_the_avro_spec(schema, canonical, fingerprint):
    assert wire.canonical_form(schema) == canonical
    assert wire.schema_fingerprint(schema) == fingerprint % (1 << 64)


def test_rabin_of_nothing_is_the_empty_fingerprint():
    assert wire.rabin_fingerprint(b"") == 0xC15D213AA4D7A795


def test_logical_types_are_canonicalised_as_their_plain_type():
    with_logical = {"type": "record", "name": "r", "fields": [
        {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "x"}]}
    assert wire.canonical_form(with_logical) == '{"name":"r","type":"record","fields":[{"name":"t","type":"long"}]}'


@pytest.mark.parametrize("type_name", sorted(wire.contract().codecs))
def test_canonical_form_matches_avro_library_where_it_is_right(type_name):
    # python3-avro writes a primitive with properties (logicalType, avro.java.string) as
    # {"type":"long"} where the spec says "long"; elsewhere it agrees with us.
    codec = wire.contract().codec(type_name)
    library = avro.schema.parse(json.dumps(codec.schema_json)).canonical_form
    assert re.sub(r'\{"type":("[a-z]+")\}', r"\1", library) == wire.canonical_form(codec.schema_json)


def _step(**overrides):
    step = {"robot_id": "r", "task": "t", "episode_id": "e", "step": 0, "event_time": 1, "observation": [1.0],
            "action": [0.5]}
    step.update(overrides)
    return step


def test_defaults_fill_left_out_fields():
    decoded = wire.decode("Step", wire.encode("Step", _step()))
    assert decoded["policy_version"] == 0
    assert decoded["control"] is None and decoded["success"] is None
    assert decoded["terminated"] is False and decoded["truncated"] is False


def test_numpy_values_are_accepted():
    np = pytest.importorskip("numpy")
    value = _step(observation=np.array([0.25, -1.5], np.float32), action=np.float32([0.5]), step=np.int64(3))
    decoded = wire.decode("Step", wire.encode("Step", value))
    assert decoded["observation"] == [0.25, -1.5] and decoded["step"] == 3


def test_a_missing_required_field_is_named():
    value = _step()
    del value["episode_id"]
    with pytest.raises(WireFormatError, match="episode_id"):
        wire.encode("Step", value)


def test_an_unknown_field_is_named():
    with pytest.raises(WireFormatError, match="colour"):
        wire.encode("Step", _step(colour="red"))


def test_a_wrong_type_is_named():
    with pytest.raises(WireFormatError, match=r"Step\.observation\[1\]"):
        wire.encode("Step", _step(observation=[1.0, "x"]))


def test_another_schema_is_refused_with_both_fingerprints():
    data = bytearray(wire.encode("Step", _step()))
    data[2] ^= 0xFF
    with pytest.raises(UnknownSchemaError) as refused:
        wire.decode("Step", bytes(data))
    error = refused.value
    assert error.expected == wire.contract().codec("Step").fingerprint_hex
    assert error.actual == bytes(data[2:10]).hex()
    assert error.expected in str(error) and error.actual in str(error) and "upgrade" in str(error)


def test_a_record_of_another_type_says_which():
    data = wire.encode("Step", _step())
    with pytest.raises(UnknownSchemaError, match="it is a Step, not a Intervention|it is a Step"):
        wire.decode("Intervention", data)


def test_bytes_without_the_marker_are_refused():
    with pytest.raises(WireFormatError, match="C3 01"):
        wire.decode("Step", b"\x00\x01" + bytes(20))


def test_a_truncated_datum_is_refused():
    data = wire.encode("Step", _step())
    with pytest.raises(WireFormatError, match="corrupt"):
        wire.decode("Step", data[:-3])


def test_trailing_bytes_are_refused():
    with pytest.raises(WireFormatError):
        wire.decode("Step", wire.encode("Step", _step()) + b"\x00")


def test_topic_names_follow_the_prefix():
    assert wire.contract().topic("steps") == "takeover.steps"
    assert wire.contract().topic("fleet-stats", "lab.") == "lab.fleet-stats"
