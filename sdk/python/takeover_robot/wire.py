"""The wire format: Avro single-object encoding, byte for byte what the Java side writes.

A value on the wire is ``C3 01``, the 8-byte little-endian CRC-64-AVRO fingerprint of the
writer schema's Parsing Canonical Form, then the Avro binary datum. The schemas come from
``contract.json`` next to this module, which the Java build generates from the ``.avsc`` files.

In Python a record is a ``dict`` by field name; ``timestamp-millis`` fields are plain ``int``
epoch milliseconds, enums are their symbol strings, ``bytes`` are ``bytes``, unions are the
branch's value or ``None``. Fields with a default may be left out when encoding.
"""

from __future__ import annotations

import functools
import io
import json
import numbers
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import avro.errors
import avro.io
import avro.schema

from .errors import UnknownSchemaError, WireFormatError

MARKER = b"\xc3\x01"
"""The two bytes every single-object encoded value starts with."""

HEADER_SIZE = len(MARKER) + 8

CONTRACT_PATH = Path(__file__).with_name("contract.json")
"""Where the schemas and topic names of the contract this SDK speaks are."""

EMPTY_64 = 0xC15D213AA4D7A795
"""The CRC-64-AVRO fingerprint of no bytes at all, and its polynomial."""

_MASK_64 = (1 << 64) - 1
_PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_NAMED = frozenset({"record", "error", "enum", "fixed"})


def _rabin_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (EMPTY_64 if fp & 1 else 0)
        table.append(fp)
    return tuple(table)


_RABIN_TABLE = _rabin_table()


def rabin_fingerprint(data: bytes) -> int:
    """The CRC-64-AVRO (64-bit Rabin) fingerprint of ``data``, as an unsigned 64-bit integer."""
    fp = EMPTY_64
    for byte in data:
        fp = (fp >> 8) ^ _RABIN_TABLE[(fp ^ byte) & 0xFF]
    return fp & _MASK_64


def canonical_form(schema: Any) -> str:
    """The Parsing Canonical Form of a schema given as parsed JSON, or as JSON text (a bare
    type name such as ``int`` counts as parsed).

    Follows the Avro specification: primitives as plain strings, full names, only the
    attributes that matter for parsing (``name, type, fields, symbols, items, values, size``,
    in that order), no whitespace; a named type is written in full once and by name after.
    Logical types, docs, defaults and aliases are dropped, as the Java library does.
    """
    if isinstance(schema, str) and schema.lstrip()[:1] in ("{", "[", '"'):
        schema = json.loads(schema)
    return _Canonicaliser().form(schema, "")


def schema_fingerprint(schema: Any) -> int:
    """The CRC-64-AVRO fingerprint of the schema's Parsing Canonical Form (unsigned)."""
    return rabin_fingerprint(canonical_form(schema).encode("utf-8"))


def fingerprint_hex(fingerprint: int) -> str:
    """The fingerprint's 8 bytes as they appear on the wire (little-endian), in hex."""
    return fingerprint.to_bytes(8, "little").hex()


class _Canonicaliser:
    def __init__(self) -> None:
        self.defined: set[str] = set()

    def form(self, schema: Any, namespace: str) -> str:
        if isinstance(schema, str):
            return self._reference(schema, namespace)
        if isinstance(schema, list):
            return "[" + ",".join(self.form(branch, namespace) for branch in schema) + "]"
        if not isinstance(schema, Mapping) or "type" not in schema:
            raise WireFormatError(f"not an Avro schema: {schema!r}")
        kind = schema["type"]
        if not isinstance(kind, str):
            return self.form(kind, namespace)
        if kind in _NAMED:
            return self._named(schema, kind, namespace)
        if kind == "array":
            return '{"type":"array","items":' + self.form(schema["items"], namespace) + "}"
        if kind == "map":
            return '{"type":"map","values":' + self.form(schema["values"], namespace) + "}"
        return self._reference(kind, namespace)

    def _reference(self, name: str, namespace: str) -> str:
        if name in _PRIMITIVES:
            return _json_string(name)
        if "." not in name and namespace and f"{namespace}.{name}" in self.defined:
            name = f"{namespace}.{name}"
        if name not in self.defined:
            raise WireFormatError(f"schema refers to {name!r} before defining it")
        return _json_string(name)

    def _named(self, schema: Mapping[str, Any], kind: str, namespace: str) -> str:
        name = _fullname(schema["name"], schema.get("namespace"), namespace)
        if name in self.defined:
            return _json_string(name)
        self.defined.add(name)
        own_namespace = name.rpartition(".")[0]
        parts = ['"name":' + _json_string(name), '"type":' + _json_string(kind)]
        if kind in ("record", "error"):
            fields = [
                '{"name":' + _json_string(f["name"]) + ',"type":' + self.form(f["type"], own_namespace) + "}"
                for f in schema["fields"]
            ]
            parts.append('"fields":[' + ",".join(fields) + "]")
        elif kind == "enum":
            parts.append('"symbols":[' + ",".join(_json_string(s) for s in schema["symbols"]) + "]")
        else:
            parts.append('"size":' + str(int(schema["size"])))
        return "{" + ",".join(parts) + "}"


def _fullname(name: str, namespace: str | None, enclosing: str) -> str:
    if "." in name:
        return name
    space = namespace if namespace is not None else enclosing
    return f"{space}.{name}" if space else name


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _without_logical_types(schema: Any) -> Any:
    """The schema with every ``logicalType`` removed: timestamps become plain longs."""
    if isinstance(schema, list):
        return [_without_logical_types(s) for s in schema]
    if isinstance(schema, Mapping):
        return {k: _without_logical_types(v) for k, v in schema.items() if k != "logicalType"}
    return schema


@dataclass(frozen=True)
class RecordCodec:
    """Encodes and decodes one record type of the contract in single-object encoding."""

    type_name: str
    schema_json: Mapping[str, Any]
    fingerprint: int = field(init=False)
    _header: bytes = field(init=False, repr=False)
    _schema: avro.schema.RecordSchema = field(init=False, repr=False)
    _plain: Mapping[str, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        fingerprint = schema_fingerprint(self.schema_json)
        plain = _without_logical_types(self.schema_json)
        object.__setattr__(self, "fingerprint", fingerprint)
        object.__setattr__(self, "_header", MARKER + fingerprint.to_bytes(8, "little"))
        object.__setattr__(self, "_plain", plain)
        object.__setattr__(self, "_schema", avro.schema.parse(json.dumps(plain)))

    @property
    def fingerprint_hex(self) -> str:
        """This schema's fingerprint bytes in wire order, in hex (16 digits)."""
        return fingerprint_hex(self.fingerprint)

    def encode(self, value: Mapping[str, Any]) -> bytes:
        """The single-object encoding of ``value``.

        Fields left out take their schema default; numpy arrays and scalars are accepted.
        Raises :class:`WireFormatError` naming the field when the value does not fit the schema.
        """
        datum = _prepare(self._plain, value, self.type_name, _NamedTypes())
        out = io.BytesIO()
        out.write(self._header)
        try:
            avro.io.DatumWriter(self._schema).write(datum, avro.io.BinaryEncoder(out))
        except (avro.errors.AvroException, struct.error, OverflowError, ValueError) as e:
            raise WireFormatError(f"cannot encode this {self.type_name}: {e}") from e
        return out.getvalue()

    def decode(self, data: bytes) -> dict[str, Any]:
        """The record in ``data``; :class:`WireFormatError` when it is not one written with this
        schema (:class:`UnknownSchemaError` for another schema, naming both fingerprints)."""
        data = bytes(data)
        self.check_header(data)
        stream = io.BytesIO(data)
        stream.seek(HEADER_SIZE)
        try:
            value = avro.io.DatumReader(self._schema).read(avro.io.BinaryDecoder(stream))
        except Exception as e:  # avro raises assorted errors on a corrupt datum
            raise WireFormatError(f"the {self.type_name} datum is corrupt ({type(e).__name__}: {e}); "
                                  "the writer and this SDK disagree on the bytes") from e
        if stream.tell() != len(data):
            raise WireFormatError(f"the {self.type_name} datum ends {len(data) - stream.tell()} bytes before "
                                  "the value does: corrupt, or written by another encoder")
        return value

    def check_header(self, data: bytes) -> None:
        """Raises unless ``data`` starts with the marker and this schema's fingerprint."""
        if len(data) < HEADER_SIZE or data[:2] != MARKER:
            raise WireFormatError(f"not a single-object encoded {self.type_name}: it does not start with "
                                  "C3 01 (was it written by something that does not speak the Takeover contract?)")
        if data[:HEADER_SIZE] != self._header:
            actual = int.from_bytes(data[2:HEADER_SIZE], "little")
            raise UnknownSchemaError(self.type_name, self.fingerprint_hex, fingerprint_hex(actual),
                                     contract().type_of(actual))


class _NamedTypes:
    """Named types met so far while walking a schema: later references use the name only."""

    def __init__(self) -> None:
        self.by_name: dict[str, Any] = {}

    def resolve(self, schema: Any) -> Any:
        if isinstance(schema, str) and schema not in _PRIMITIVES:
            return self.by_name.get(schema) or self.by_name.get(schema.rpartition(".")[2], schema)
        if isinstance(schema, Mapping) and schema.get("type") in _NAMED:
            self.by_name.setdefault(schema["name"], schema)
            self.by_name.setdefault(schema["name"].rpartition(".")[2], schema)
        return schema


def _prepare(schema: Any, value: Any, path: str, named: _NamedTypes) -> Any:
    """The value as avro.io wants it: defaults filled in, numpy values made plain Python."""
    schema = named.resolve(schema)
    if isinstance(schema, list):
        if value is None:
            return None
        for branch in schema:
            if named.resolve(branch) != "null":
                return _prepare(branch, value, path, named)
        return value
    kind = schema if isinstance(schema, str) else schema["type"]
    if isinstance(kind, (list, Mapping)):
        return _prepare(kind, value, path, named)
    if kind == "record":
        if not isinstance(value, Mapping):
            raise WireFormatError(f"{path} must be a mapping of field names to values, got {type(value).__name__}")
        missing = [f["name"] for f in schema["fields"] if f["name"] not in value and "default" not in f]
        if missing:
            raise WireFormatError(f"{path} lacks the field(s) {', '.join(missing)}, which have no default")
        unknown = sorted(set(value) - {f["name"] for f in schema["fields"]})
        if unknown:
            raise WireFormatError(f"{path} has no field(s) {', '.join(unknown)} in this contract")
        return {
            f["name"]: _prepare(f["type"], value[f["name"]] if f["name"] in value else f["default"],
                                f"{path}.{f['name']}", named)
            for f in schema["fields"]
        }
    if kind == "array":
        if hasattr(value, "tolist") and not isinstance(value, (bytes, str)):
            value = value.tolist()
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise WireFormatError(f"{path} must be a list, got {type(value).__name__}")
        return [_prepare(schema["items"], item, f"{path}[{i}]", named) for i, item in enumerate(value)]
    if kind == "map":
        if not isinstance(value, Mapping):
            raise WireFormatError(f"{path} must be a mapping, got {type(value).__name__}")
        return {str(k): _prepare(schema["values"], v, f"{path}[{k!r}]", named) for k, v in value.items()}
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise WireFormatError(f"{path} must be a number, got {value!r}")
        return float(value)
    if kind in ("int", "long"):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise WireFormatError(f"{path} must be an integer, got {value!r}")
        return int(value)
    if kind == "boolean":
        if hasattr(value, "dtype") and value.dtype == bool:
            return bool(value)
        return value
    if kind == "bytes" and isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


@dataclass(frozen=True)
class Contract:
    """The schemas and topic names of one version of the wire contract."""

    prefix: str
    topics: Mapping[str, str]
    codecs: Mapping[str, RecordCodec]

    @staticmethod
    def load(path: Path | str = CONTRACT_PATH) -> "Contract":
        """Reads a ``contract.json`` (as the Java build writes it)."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise WireFormatError(f"the contract file {path} is missing: reinstall takeover_robot "
                                  "(the Java build generates it)") from e
        codecs = {name: RecordCodec(name, schema) for name, schema in raw["schemas"].items()}
        return Contract(prefix=raw.get("prefix", "takeover."), topics=dict(raw["topics"]), codecs=codecs)

    def codec(self, type_name: str) -> RecordCodec:
        """The codec of a record type (``Step``, ``Intervention``, ``PolicySnapshot``, ...)."""
        try:
            return self.codecs[type_name]
        except KeyError:
            raise WireFormatError(f"no record type {type_name!r} in the contract; "
                                  f"it has {', '.join(sorted(self.codecs))}") from None

    def type_of(self, fingerprint: int) -> str | None:
        """The record type whose schema has this fingerprint, if this contract has one."""
        for name, codec in self.codecs.items():
            if codec.fingerprint == fingerprint:
                return name
        return None

    def topic(self, suffix: str, prefix: str | None = None) -> str:
        """The full topic name, e.g. ``topic("steps")`` is ``takeover.steps``."""
        if suffix not in self.topics:
            raise WireFormatError(f"no topic {suffix!r} in the contract; it has {', '.join(self.topics)}")
        return (self.prefix if prefix is None else prefix) + self.topics[suffix]


@functools.lru_cache(maxsize=1)
def contract() -> Contract:
    """The contract this SDK speaks (loaded once from ``contract.json``)."""
    return Contract.load()


def encode(type_name: str, value: Mapping[str, Any]) -> bytes:
    """``value`` as a single-object encoded record of ``type_name``."""
    return contract().codec(type_name).encode(value)


def decode(type_name: str, data: bytes) -> dict[str, Any]:
    """The ``type_name`` record in ``data``; see :meth:`RecordCodec.decode`."""
    return contract().codec(type_name).decode(data)
