"""How the SDK reaches Kafka: servers, client settings and the topic prefix, in one place.

Every producer, consumer and admin client the SDK makes gets the connection's ``config``
unchanged: that is where a secured cluster's librdkafka settings go (``security.protocol``,
``sasl.mechanisms``, ``sasl.username``, ``sasl.password``, ``ssl.ca.location``, ...), most
simply from a properties file (:func:`read_properties`, :meth:`Connection.from_config_file`).
Consumer groups the SDK invents are named ``<prefix>robot-...``: the robot principal's ACLs
grant READ on groups with that prefix only (Java's ``KafkaAccess.ROBOT_GROUPS``).
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Union

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Message, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from . import wire
from .errors import TakeoverError

DEFAULT_PREFIX = "takeover."
ROBOT_GROUPS = "robot-"
"""Consumer groups of robots start with the topic prefix and this (Java's ``KafkaAccess.ROBOT_GROUPS``)."""
# Java client settings that librdkafka does not take, and what it takes instead
_JAVA_ONLY = {
    "sasl.jaas.config": "sasl.username and sasl.password",
    "ssl.truststore.location": "ssl.ca.location (a PEM file)",
    "ssl.truststore.password": "nothing: ssl.ca.location is a PEM file",
    "ssl.truststore.type": "nothing: ssl.ca.location is a PEM file",
    "ssl.keystore.type": "nothing: ssl.keystore.location is a PKCS#12 file (or use ssl.certificate.location "
                         "and ssl.key.location)",
}
_LIBRDKAFKA_LOG = logging.getLogger("takeover_robot.librdkafka")
_TRANSIENT = frozenset({KafkaError.NOT_LEADER_FOR_PARTITION, KafkaError.LEADER_NOT_AVAILABLE,
                        KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError._TRANSPORT, KafkaError._TIMED_OUT})
_PREFIX = re.compile(r"[A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Connection:
    """A Kafka cluster and the topic prefix of one Takeover deployment on it.

    ``config`` holds further librdkafka client settings (TLS, SASL, ...), given to every client.
    """

    bootstrap: str = "localhost:9092"
    prefix: str = DEFAULT_PREFIX
    config: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _PREFIX.fullmatch(self.prefix):
            raise TakeoverError(f"topic prefix must match [A-Za-z0-9._-]*, got {self.prefix!r}")

    def client_config(self, settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Settings for one client: the servers, the common config, then ``settings``."""
        merged: dict[str, Any] = {"bootstrap.servers": self.bootstrap, "logger": _LIBRDKAFKA_LOG}
        merged.update(self.config)
        merged.update(settings or {})
        return merged

    def topic(self, suffix: str) -> str:
        """The full name of a contract topic: ``topic("steps")`` is ``takeover.steps``."""
        return wire.contract().topic(suffix, self.prefix)

    @classmethod
    def from_config_file(cls, path: str | os.PathLike[str] | None, bootstrap: str | None = None,
                         prefix: str = DEFAULT_PREFIX) -> "Connection":
        """A connection whose clients all get the librdkafka settings of the properties file at
        ``path`` (see :func:`read_properties`; None: no file). The servers are ``bootstrap``,
        else the file's ``bootstrap.servers``, else ``localhost:9092``."""
        config = read_properties(path) if path is not None else {}
        from_file = config.pop("bootstrap.servers", None)
        return cls(bootstrap or from_file or "localhost:9092", prefix, config)


ConnectionLike = Union[Connection, str]


def read_properties(path: str | os.PathLike[str]) -> dict[str, str]:
    """librdkafka client settings from a properties file: ``key=value`` lines (spaces around
    the key and the value are dropped; the value is kept otherwise, ``#`` included), blank lines
    and lines starting with ``#`` or ``!`` skipped. The keys are librdkafka's, as for
    ``kcat -F``, not the Java client's; a file written for Java (``sasl.jaas.config``,
    ``ssl.truststore.location``, ...) is refused with the librdkafka names to use instead.

    Raises :class:`TakeoverError` naming the file and line of a problem.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise TakeoverError(f"cannot read the Kafka client config {path}: {e.strerror or e}") from e
    settings: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#!":
            continue
        key, equals, value = stripped.partition("=")
        key = key.strip()
        if not equals or not key:
            raise TakeoverError(f"{path}:{number}: expected key=value (librdkafka settings), got {stripped!r}")
        if key in _JAVA_ONLY:
            raise TakeoverError(f"{path}:{number}: {key} is a Java client setting; librdkafka (this SDK) takes "
                                f"{_JAVA_ONLY[key]}")
        settings[key] = value.strip()
    return settings


def robot_group_id(target: ConnectionLike, purpose: str) -> str:
    """A fresh consumer group id within the robot ACL's groups: ``<prefix>robot-<purpose>-<uuid>``."""
    return f"{connection(target).prefix}{ROBOT_GROUPS}{purpose}-{uuid.uuid4()}"


def connection(target: ConnectionLike, prefix: str | None = None) -> Connection:
    """A :class:`Connection` from one, or from ``"host:port"`` (with ``prefix`` or the default)."""
    if isinstance(target, Connection):
        if prefix is not None and prefix != target.prefix:
            return Connection(target.bootstrap, prefix, target.config)
        return target
    return Connection(target, DEFAULT_PREFIX if prefix is None else prefix)


# Topic settings of the contract, as the Java side creates them (io.takeover.schemas.Topics).
_DATA = {"retention.ms": "-1", "retention.bytes": str(8 << 30)}
_TOPIC_SPECS: dict[str, tuple[int | None, dict[str, str]]] = {
    "steps": (None, _DATA),
    "interventions": (None, _DATA),
    "transitions": (None, _DATA),
    "policies": (1, {"cleanup.policy": "compact", "retention.ms": "-1", "max.message.bytes": str(16 << 20),
                     "segment.bytes": str(64 << 20), "segment.ms": "3600000", "min.cleanable.dirty.ratio": "0.1"}),
    "fleet-stats": (1, _DATA),
    "dead-letters": (1, _DATA),
    "tasks": (1, {"cleanup.policy": "compact", "retention.ms": "-1"}),
    "releases": (1, {"cleanup.policy": "compact", "retention.ms": "-1"}),
}


def create_topics(target: ConnectionLike, data_partitions: int = 3, replication: int = 1,
                  timeout: float = 30.0) -> list[str]:
    """Creates the contract's topics that do not exist yet, with the settings the Java side
    gives them; returns the names it created. For development and tests: production clusters
    create topics with ``bin/takeover topics``."""
    conn = connection(target)
    admin = AdminClient(conn.client_config())
    existing = set(admin.list_topics(timeout=timeout).topics)
    wanted = [
        NewTopic(conn.topic(suffix), partitions or data_partitions, replication, config=dict(configs))
        for suffix, (partitions, configs) in _TOPIC_SPECS.items()
        if conn.topic(suffix) not in existing
    ]
    created = []
    for name, future in (admin.create_topics(wanted, request_timeout=timeout).items() if wanted else []):
        try:
            future.result(timeout)
            created.append(name)
        except KafkaException as e:
            if e.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise TakeoverError(f"cannot create topic {name}: {e.args[0].str()}") from e

    def led() -> bool:
        topics = admin.list_topics(timeout=timeout).topics
        return all(name in topics and topics[name].partitions
                   and all(p.leader >= 0 for p in topics[name].partitions.values()) for name in created)

    if not wait_until(led, timeout, interval=0.1):
        raise TakeoverError(f"the topics {created} were created but have no leader after {timeout} s")
    return created


def read_to_end(conn: Connection, topic: str, timeout: float,
                settings: Mapping[str, Any] | None = None) -> Iterator[Message]:
    """Every record of ``topic`` from its beginning to the end offsets it had when called.

    Raises :class:`TakeoverError` when the topic does not exist or its end is not reached
    within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    consumer = Consumer(conn.client_config({
        "group.id": robot_group_id(conn, "reader"), "enable.auto.commit": False,
        "enable.partition.eof": True, "auto.offset.reset": "earliest", **(settings or {})}))
    try:
        partitions = _partitions(consumer, conn, topic, deadline)
        ends: dict[int, int] = {}
        for p in partitions:
            low, high = _watermarks(consumer, conn, TopicPartition(topic, p), deadline)
            if high > low:
                ends[p] = high
        if not ends:
            return
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        while ends:
            message = consumer.poll(min(0.5, _left(deadline, conn, topic)))
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    if message.offset() >= ends.get(message.partition(), 0):
                        ends.pop(message.partition(), None)
                    continue
                if error.fatal() or not error.retriable():
                    raise TakeoverError(f"cannot read {topic}: {error.str()}")
                continue
            yield message
            if message.offset() + 1 >= ends.get(message.partition(), 0):
                ends.pop(message.partition(), None)
    finally:
        consumer.close()


def _watermarks(consumer: Consumer, conn: Connection, partition: TopicPartition, deadline: float) -> tuple[int, int]:
    """The partition's low and high offsets, asked again while its leader is not ready."""
    while True:
        try:
            return consumer.get_watermark_offsets(partition, timeout=_left(deadline, conn, partition.topic),
                                                  cached=False)
        except KafkaException as e:
            if not (e.args[0].retriable() or e.args[0].code() in _TRANSIENT):
                raise TakeoverError(f"cannot read {partition.topic}: {e.args[0].str()}") from e
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))


def _partitions(consumer: Consumer, conn: Connection, topic: str, deadline: float) -> list[int]:
    try:
        metadata = consumer.list_topics(topic, timeout=_left(deadline, conn, topic))
    except KafkaException as e:
        raise TakeoverError(f"cannot reach Kafka at {conn.bootstrap} to read {topic}: {e.args[0].str()}; "
                            "check the address and that the brokers run") from e
    described = metadata.topics.get(topic)
    if described is None or described.error is not None:
        raise TakeoverError(f"topic {topic} does not exist on {conn.bootstrap}: create the Takeover topics first "
                            f"(bin/takeover topics, or takeover_robot.create_topics) with prefix {conn.prefix!r}")
    return sorted(described.partitions)


def _left(deadline: float, conn: Connection, topic: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TakeoverError(f"could not read {topic} to its end in time: is Kafka at {conn.bootstrap} "
                            "reachable and not overloaded? Try again with a longer timeout")
    return left


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.01) -> bool:
    """Whether ``condition()`` became true within ``timeout`` seconds (checked every ``interval``)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
