"""Against a real broker ($TAKEOVER_BOOTSTRAP): outbox delivery, task registration, the version
archive and the release channels followed."""

from __future__ import annotations


import numpy as np
import pytest
from confluent_kafka import Producer

from takeover_robot import (
    Outbox,
    Outcome,
    PolicySubscriber,
    TaskConflictError,
    TaskSpec,
    build_snapshot,
    register_task,
    registered_tasks,
    wire,
)
from takeover_robot.kafka import Connection, read_to_end, wait_until
from takeover_robot.policy import weights_sha256
from takeover_robot.releases import CANARY, STABLE, archive_key, build_release, release_key
from conftest import LEARNER_KEY, TRUSTED

pytestmark = pytest.mark.kafka

UNREACHABLE = "127.0.0.1:9"


def _step(robot: str, i: int) -> dict:
    return {"robot_id": robot, "task": "point2d", "episode_id": f"{robot}-e", "step": i,
            "event_time": 1_700_000_000_000 + i, "observation": [float(i), 0.0], "action": [0.5]}


def _published_steps(conn: Connection) -> dict[str, list[tuple[int, int]]]:
    """Per robot id: (step, Kafka timestamp) of every record on the steps topic, in offset order."""
    by_robot: dict[str, list[tuple[int, int]]] = {}
    for message in read_to_end(conn, conn.topic("steps"), timeout=60.0):
        step = wire.decode("Step", message.value())
        assert message.key().decode() == step["robot_id"]
        by_robot.setdefault(step["robot_id"], []).append((step["step"], message.timestamp()[1]))
    return by_robot


def test_outbox_delivers_in_order_with_event_time_stamps(kafka, tmp_path):
    with Outbox(kafka, tmp_path) as outbox:
        for i in range(500):
            outbox.step(_step(f"r{i % 3}", i))
        assert outbox.flush(60.0), outbox.last_error
        assert outbox.sent == 500 and outbox.failed == 0
    published = _published_steps(kafka)
    for r in range(3):
        expected = [i for i in range(500) if i % 3 == r]
        assert [s for s, _ in published[f"r{r}"]] == expected
        assert all(ts == 1_700_000_000_000 + s for s, ts in published[f"r{r}"])
    assert not (tmp_path / "outbox.spool").exists()


def test_nothing_is_lost_across_a_restart_with_a_spool(kafka, tmp_path):
    down = Outbox(Connection(UNREACHABLE, kafka.prefix), tmp_path, memory_records=16, producer_bytes=2048,
                  producer_config={"log_level": 0})
    for i in range(200):
        down.step(_step("py-1", i))
    down.intervention({"robot_id": "py-1", "episode_id": "py-1-e", "operator_id": "op",
                       "event_time": 1_700_000_000_200, "kind": "TAKEOVER"})
    assert not down.close(1.0)
    assert (tmp_path / "outbox.spool").exists()

    up = Outbox(kafka, tmp_path, memory_records=16)
    for i in range(200, 260):
        up.step(_step("py-1", i))
    assert up.close(60.0), up.last_error
    assert up.spool_records_dropped == 0 and up.failed == 0
    assert [s for s, _ in _published_steps(kafka)["py-1"]] == list(range(260))
    interventions = [wire.decode("Intervention", m.value())
                     for m in read_to_end(kafka, kafka.topic("interventions"), timeout=60.0)]
    assert [i["kind"] for i in interventions] == ["TAKEOVER"]
    assert not (tmp_path / "outbox.spool").exists()


def _task(**changes) -> TaskSpec:
    spec = TaskSpec("point2d", 4, 2, [-1.0, -1.0], [1.0, 1.0], 50, 50.0, ["x", "y", "goal_dx", "goal_dy"],
                    ["vx", "vy"], [0.0] * 4, [0.5, 0.5, 0.75, 0.75], "a point that drives to a goal")
    for k, v in changes.items():
        setattr(spec, k, v)
    return spec


def test_register_task_round_trip_and_conflicts(kafka):
    assert registered_tasks(kafka, timeout=30.0) == {}
    assert register_task(_task(), kafka, registered_by="pytest", timeout=30.0) is Outcome.REGISTERED
    assert registered_tasks(kafka, timeout=30.0) == {"point2d": _task().on_the_wire()}
    assert register_task(_task(), kafka, timeout=30.0) is Outcome.UNCHANGED
    assert register_task(_task(description="changed"), kafka, timeout=30.0) is Outcome.UPDATED
    assert registered_tasks(kafka, timeout=30.0)["point2d"].description == "changed"
    with pytest.raises(TaskConflictError) as conflict:
        register_task(_task(obs_dim=5, observation_names=[], observation_mean=[], observation_std=[]), kafka,
                      timeout=30.0)
    assert "obs_dim 4" in str(conflict.value) and "obs_dim 5" in str(conflict.value)
    assert registered_tasks(kafka, timeout=30.0)["point2d"].obs_dim == 4
    end = sum(1 for _ in read_to_end(kafka, kafka.topic("tasks"), timeout=30.0))
    assert end == 2  # the unchanged and the refused specs were not written


def _produce(conn: Connection, suffix: str, key: str, value: bytes | None) -> None:
    producer = Producer(conn.client_config())
    errors: list = []
    producer.produce(conn.topic(suffix), value, key.encode(), on_delivery=lambda e, m: errors.append(e))
    assert producer.flush(30.0) == 0 and errors == [None]


def _publish(conn: Connection, task: str, version: int, value: bytes | None) -> None:
    """Files a version in the archive, as a learner does (None: retires it, as the release controller does)."""
    _produce(conn, "policies", archive_key(task, version), value)


def _point(conn: Connection, task: str, channel: str, version: int, **fields) -> None:
    """Points a release channel to a version, as `takeover policy` and the release controller do."""
    release = build_release(task, channel, version, "pytest", f"{channel} v{version}", **fields)
    _produce(conn, "releases", release_key(task, channel), wire.encode("Release", release))


def test_robots_run_what_the_channels_point_to_and_refuse_what_no_trusted_key_signed(kafka):
    task = TaskSpec("point2d", 4, 2, [-1.0, -1.0], [1.0, 1.0], 50, 50.0)
    rng = np.random.default_rng(0)

    def snapshot(version: int) -> dict:
        layers = [(rng.normal(size=(8, 4)), rng.normal(size=8)), (rng.normal(size=(4, 8)), rng.normal(size=4))]
        return build_snapshot(task, version, layers, signing_key=LEARNER_KEY)

    _publish(kafka, "another-task", 9, wire.encode("PolicySnapshot", {**snapshot(9), "task": "another-task"}))
    _point(kafka, "another-task", STABLE, 9)
    _publish(kafka, "point2d", 1, wire.encode("PolicySnapshot", snapshot(1)))
    # robot-19 is in a canary of half the robots, robot-7 not (Java's Channel.inCanary)
    with PolicySubscriber(kafka, task, TRUSTED) as subscriber:
        assert subscriber.wait_for_version(1, timeout=60.0), subscriber.last_error
        assert subscriber.current("robot-7") is None, "a candidate no channel points to runs nowhere"
        _point(kafka, "point2d", STABLE, 1)
        assert subscriber.wait_for_stable(1, timeout=60.0), subscriber.last_error
        assert subscriber.current("robot-7").version == 1 and subscriber.current("robot-19").version == 1

        tampered = snapshot(2)
        tampered["weights"][0]["data"] = bytes(len(tampered["weights"][0]["data"]))
        tampered["weights_sha256"] = weights_sha256(tampered["weights"])  # only the signature can tell
        _publish(kafka, "point2d", 2, wire.encode("PolicySnapshot", tampered))
        _publish(kafka, "point2d", 2, wire.encode("PolicySnapshot", build_snapshot(task, 2, [
            (np.zeros((4, 4)), np.zeros(4))])))  # unsigned
        assert wait_until(lambda: subscriber.rejected == 2, timeout=60.0)
        assert subscriber.refused["bad_signature"] == 1 and subscriber.refused["unsigned"] == 1
        _point(kafka, "point2d", STABLE, 2, history=[1])  # names a version no robot may run
        assert wait_until(lambda: subscriber.channels().get(STABLE, {}).get("version") == 2, timeout=60.0)
        assert subscriber.current_version == 1

        _publish(kafka, "point2d", 3, wire.encode("PolicySnapshot", snapshot(3)))
        assert subscriber.wait_for_version(3, timeout=60.0)
        assert subscriber.current_version == 1, "v3 is a candidate"
        _point(kafka, "point2d", CANARY, 3, canary_share=0.5)
        assert wait_until(lambda: subscriber.canary_version == 3, timeout=60.0)
        assert subscriber.current("robot-19").version == 3 and subscriber.current("robot-7").version == 1

        _point(kafka, "point2d", STABLE, 3, history=[1])
        _point(kafka, "point2d", CANARY, 0, history=[3])
        assert subscriber.wait_for_stable(3, timeout=60.0)
        assert wait_until(lambda: subscriber.canary_version == 0, timeout=60.0)
        assert subscriber.current("robot-19").version == 3 and subscriber.current("robot-7").version == 3

        _point(kafka, "point2d", STABLE, 1, pinned=True)  # a rollback
        assert subscriber.wait_for_stable(1, timeout=60.0)
        assert subscriber.current("robot-19").version == 1 and subscriber.rejected == 2

        _publish(kafka, "point2d", 3, None)  # retired
        assert wait_until(lambda: subscriber.versions() == [1], timeout=60.0)
    assert subscriber.current("robot-7").act(np.zeros(4)).shape == (2,)

    # a robot that starts now reads both topics from their beginnings and runs what stable points to
    with PolicySubscriber(kafka, task, TRUSTED) as late:
        # both topics read to their ends: v3 retired (the archive's last record), stable rolled back (the releases')
        assert wait_until(lambda: late.newest_verified == 3 and late.versions() == [1]
                          and late.channels().get(STABLE, {}).get("pinned") is True, timeout=60.0), late.last_error
        assert late.current_version == 1 and late.canary_version == 0
        assert late.current("robot-19").version == 1 and late.current("robot-7").version == 1
        assert late.refused["bad_signature"] == 1 and late.refused["unsigned"] == 1 and late.rejected == 2
