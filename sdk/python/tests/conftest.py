"""Shared fixtures: the checked-in vectors, the JSON mapping of records, Kafka when configured."""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import nacl.signing
import pytest

SDK = Path(__file__).resolve().parents[1]
REPO = SDK.parents[1]
VECTORS = REPO / "schemas" / "vectors"

sys.path.insert(0, str(SDK))

from takeover_robot import Connection, TaskSpec, TrustedKeys, create_topics  # noqa: E402
from takeover_robot.releases import archive_key, build_release, encode_release, release_key  # noqa: E402

# The key Java's PolicyVectorsTest signs schemas/vectors/policy.json with (seed bytes 0, 1, ..., 31);
# the tests sign their own snapshots with it too, and their robots trust it.
LEARNER_KEY = nacl.signing.SigningKey(bytes(range(32)))
TRUSTED = TrustedKeys.of(LEARNER_KEY)


def vectors(name: str) -> Any:
    """A vector file the Java build writes to schemas/vectors/."""
    path = VECTORS / name
    assert path.exists(), f"{path} is missing: the Java build (WireVectorsTest, PolicyVectorsTest) writes it"
    return json.loads(path.read_text(encoding="utf-8"))


def archive(subscriber, version: int, data: bytes | None) -> bool:
    """Files ``data`` (an encoded snapshot; None: a tombstone) under ``task/version`` of the
    subscriber's task, as the archive topic would deliver it."""
    return subscriber.offer(archive_key(subscriber.task.name, version), data)


def point(subscriber, version: int, channel: str = "stable", **fields) -> bool:
    """Points a channel of the subscriber's task to ``version``, as the releases topic would."""
    task = subscriber.task.name
    release = build_release(task, channel, version, "pytest", f"{channel} v{version}", **fields)
    return subscriber.release(release_key(task, channel), encode_release(release))


def from_json(schema: Any, value: Any, named: dict[str, Any] | None = None) -> Any:
    """A record as the vectors write it (bytes as hex) turned into the SDK's Python value."""
    named = {} if named is None else named
    if isinstance(schema, str):
        schema = named.get(schema, named.get(schema.rpartition(".")[2], schema))
    if isinstance(schema, list):
        if value is None:
            return None
        branches = [b for b in schema if b != "null"]
        return from_json(branches[0], value, named)
    if isinstance(schema, dict):
        kind = schema["type"]
        if kind in ("record", "enum", "fixed"):
            named[schema["name"]] = schema
        if kind == "record":
            return {f["name"]: from_json(f["type"], value[f["name"]], named) for f in schema["fields"]}
        if kind == "array":
            return [from_json(schema["items"], v, named) for v in value]
        if kind == "map":
            return {k: from_json(schema["values"], v, named) for k, v in value.items()}
        if kind == "enum":
            return value
        return from_json(kind, value, named)
    if schema == "bytes":
        return bytes.fromhex(value)
    return value


@pytest.fixture
def pendulum() -> TaskSpec:
    return TaskSpec("pendulum", 3, 1, [-2.0], [2.0], 200, 50.0)


@pytest.fixture
def kafka() -> Connection:
    """A connection to the broker at $TAKEOVER_BOOTSTRAP with a prefix of its own and the
    contract's topics created under it; skips the test when the variable is unset."""
    bootstrap = os.environ.get("TAKEOVER_BOOTSTRAP")
    if not bootstrap:
        pytest.skip("set TAKEOVER_BOOTSTRAP=host:port to run the Kafka tests")
    conn = Connection(bootstrap, prefix=f"pytest-{uuid.uuid4().hex[:8]}.")
    create_topics(conn, data_partitions=2, timeout=30.0)
    return conn
