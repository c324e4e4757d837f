"""A secured cluster's librdkafka settings reach every client unchanged, and the consumer groups
the SDK invents are within the robot principal's ACLs."""

from __future__ import annotations

import time

import pytest

from conftest import REPO, TRUSTED
from takeover_robot import Connection, Outbox, PolicySubscriber, TakeoverError, TaskSpec, create_topics, read_properties
from takeover_robot import kafka as kafka_module
from takeover_robot import outbox as outbox_module
from takeover_robot import policy as policy_module
from takeover_robot import tasks as tasks_module

SECURITY = {
    "security.protocol": "SASL_SSL",
    "sasl.mechanisms": "SCRAM-SHA-512",
    "sasl.username": "robot",
    "sasl.password": "p#ss=word with spaces",
    "ssl.ca.location": "/etc/takeover/ca.pem",
    "ssl.endpoint.identification.algorithm": "none",
}
TASK = TaskSpec("point2d", 4, 2, [-1.0, -1.0], [1.0, 1.0], 50, 50.0)


class Made(Exception):
    """Stops the SDK right after it made a client: what it was given is all the test needs."""


@pytest.fixture
def clients(monkeypatch):
    """Every Kafka client class the SDK uses, replaced by one that records its settings."""
    made: list[tuple[str, dict]] = []

    def fake(kind):
        def construct(config):
            made.append((kind, dict(config)))
            raise Made(kind)
        return construct

    monkeypatch.setattr(outbox_module, "Producer", fake("outbox producer"))
    monkeypatch.setattr(tasks_module, "Producer", fake("registration producer"))
    monkeypatch.setattr(policy_module, "Consumer", fake("policy consumer"))
    monkeypatch.setattr(kafka_module, "Consumer", fake("reader consumer"))
    monkeypatch.setattr(kafka_module, "AdminClient", fake("admin"))
    return made


def test_every_client_gets_the_security_settings_unchanged(clients, tmp_path):
    conn = Connection("broker-1:9093", "acme.", SECURITY)
    with pytest.raises(Made):
        Outbox(conn, tmp_path / "spool")
    with pytest.raises(Made):
        tasks_module._produce_one(conn, conn.topic("tasks"), "point2d", b"x", time.monotonic() + 1)
    with pytest.raises(Made):
        PolicySubscriber(conn, TASK, TRUSTED)
    with pytest.raises(Made):
        next(kafka_module.read_to_end(conn, conn.topic("tasks"), timeout=1.0))
    with pytest.raises(Made):
        create_topics(conn)
    assert [kind for kind, _ in clients] == ["outbox producer", "registration producer", "policy consumer",
                                             "reader consumer", "admin"]
    for kind, config in clients:
        assert config["bootstrap.servers"] == "broker-1:9093", kind
        assert {k: config[k] for k in SECURITY} == SECURITY, kind


def test_invented_group_ids_are_within_the_robot_acl(clients):
    conn = Connection("broker-1:9093", "acme.", SECURITY)
    with pytest.raises(Made):
        PolicySubscriber(conn, TASK, TRUSTED)
    with pytest.raises(Made):
        next(kafka_module.read_to_end(conn, conn.topic("tasks"), timeout=1.0))
    groups = [config["group.id"] for _, config in clients]
    assert groups[0].startswith("acme.robot-policy-") and groups[1].startswith("acme.robot-reader-")
    assert len(set(groups)) == 2
    # the prefix Java grants the robot principal READ on
    java = (REPO / "schemas/src/main/java/io/takeover/schemas/kafka/KafkaAccess.java").read_text()
    assert f'ROBOT_GROUPS = "{kafka_module.ROBOT_GROUPS}"' in java


def test_a_group_id_of_ones_own_is_kept(clients):
    with pytest.raises(Made):
        PolicySubscriber(Connection("b:1", "acme."), TASK, TRUSTED, consumer_config={"group.id": "acme.robot-mine"})
    assert clients[0][1]["group.id"] == "acme.robot-mine"


def test_a_properties_file_is_read_as_librdkafka_settings(tmp_path):
    file = tmp_path / "kafka.properties"
    file.write_text("# a secured cluster\n\n! also a comment\nbootstrap.servers = broker-1:9093,broker-2:9093\n"
                    "security.protocol=SASL_SSL\n  sasl.mechanisms = SCRAM-SHA-512\nsasl.username=robot\n"
                    "sasl.password=p#ss=word with spaces  \nssl.ca.location=/etc/takeover/ca.pem\n"
                    "ssl.endpoint.identification.algorithm=none\n")
    settings = read_properties(file)
    assert settings == {"bootstrap.servers": "broker-1:9093,broker-2:9093", **SECURITY}
    conn = Connection.from_config_file(file, prefix="acme.")
    assert conn.bootstrap == "broker-1:9093,broker-2:9093" and dict(conn.config) == SECURITY
    assert conn.client_config({"acks": "all"})["sasl.password"] == "p#ss=word with spaces"
    assert Connection.from_config_file(file, bootstrap="other:9093").bootstrap == "other:9093"
    assert Connection.from_config_file(None).bootstrap == "localhost:9092"


def test_a_bad_properties_file_says_where(tmp_path):
    file = tmp_path / "kafka.properties"
    file.write_text("security.protocol=SASL_SSL\nsasl.jaas.config=org.apache...ScramLoginModule required;\n")
    with pytest.raises(TakeoverError, match=r"kafka.properties:2: sasl.jaas.config is a Java client setting; "
                                            r"librdkafka \(this SDK\) takes sasl.username and sasl.password"):
        read_properties(file)
    file.write_text("security.protocol SASL_SSL\n")
    with pytest.raises(TakeoverError, match="kafka.properties:1: expected key=value"):
        read_properties(file)
    with pytest.raises(TakeoverError, match="cannot read the Kafka client config"):
        read_properties(tmp_path / "missing.properties")


def test_the_settings_are_ones_librdkafka_takes():
    from confluent_kafka import Producer
    settings = {k: v for k, v in SECURITY.items() if k != "ssl.ca.location"}  # that file does not exist here
    Producer(Connection("localhost:1", config=settings).client_config())  # refuses unknown or misspelt settings
