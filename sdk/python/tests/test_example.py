"""The example point robot: its operator's rules, the episodes it publishes, and a real run."""

from __future__ import annotations

import json
import sys

import nacl.signing
import numpy as np
import pytest

from conftest import LEARNER_KEY, SDK, TRUSTED, archive, point
from test_robot import Recorder
from takeover_robot import PolicySubscriber, Robot, TrustedKeysError, build_snapshot, signing, wire

sys.path.insert(0, str(SDK / "examples"))
import point_robot  # noqa: E402
from point_robot import TASK, PointRobot, ScriptedOperator, Tally  # noqa: E402


def test_the_task_is_valid():
    assert TASK.validate().name == "point2d"


def test_the_operator_takes_over_a_stalled_robot_after_its_reaction_time():
    operator = ScriptedOperator(patience=4, reaction=2, drive=3)
    decisions = [operator.watch(0.8) for _ in range(10)]
    first = decisions.index("TAKEOVER")
    assert first == 4 + 2  # it needs 4 steps to judge, then reacts 2 steps later
    assert decisions.count("TAKEOVER") == 1 and operator.in_control


def test_the_operator_leaves_a_robot_that_heads_for_the_goal_alone():
    operator = ScriptedOperator()
    assert [operator.watch(1.5 - 0.09 * k) for k in range(15)] == [None] * 15


def test_the_operator_hands_back_after_driving():
    operator = ScriptedOperator(patience=2, reaction=0, drive=3, rng=np.random.default_rng(0))
    while operator.watch(0.5) != "TAKEOVER":
        pass
    for _ in range(3):
        assert operator.watch(0.5) is None
        action = operator.act(np.array([0.0, 0.0, 0.3, -0.4]))
        assert np.all(np.abs(action) <= 1) and action[0] > 0 > action[1]
    assert operator.watch(0.5) == "HANDBACK" and not operator.in_control


def _simulate(policy_layers=None, steps: int = 2000, seed: int = 0) -> tuple[Tally, Recorder]:
    recorder = Recorder()
    subscriber = PolicySubscriber(None, TASK, TRUSTED)
    if policy_layers is not None:
        snapshot = build_snapshot(TASK, 1, policy_layers, obs_mean=TASK.observation_mean, obs_std=TASK.observation_std,
                                  signing_key=LEARNER_KEY)
        assert archive(subscriber, 1, wire.encode("PolicySnapshot", snapshot)) and point(subscriber, 1)
    tally = Tally()
    robot = PointRobot(Robot("py-1", TASK, recorder, subscriber), np.random.default_rng(seed), tally)
    while tally.total_steps < steps:
        robot.tick()
    robot.stop()
    return tally, recorder


def _goal_seeking():
    w = np.zeros((4, 4))
    w[0, 2] = w[1, 3] = 6.0  # the mean heads for the goal
    return [(w, np.array([0.0, 0.0, -2.0, -2.0]))]


def test_a_random_robot_is_taken_over_and_a_goal_seeking_one_is_not():
    random_tally, _ = _simulate()
    assert random_tally.per_1k(0) > 30
    seeking_tally, _ = _simulate(_goal_seeking())
    assert seeking_tally.steps[1] > 1900 and seeking_tally.per_1k(1) < 2
    assert seeking_tally.successes / seeking_tally.episodes > 0.95


def test_episodes_and_takeovers_follow_the_contract():
    tally, recorder = _simulate(steps=1500, seed=3)
    by_episode: dict[str, list[dict]] = {}
    for step in recorder.steps:
        by_episode.setdefault(step["episode_id"], []).append(step)
    assert len(by_episode) == tally.episodes
    for steps in by_episode.values():
        assert [s["step"] for s in steps] == list(range(len(steps)))
        assert all(len(s["action"]) == 2 for s in steps[:-1])
        final = steps[-1]
        assert final["action"] == [] and (final["terminated"] or final["truncated"])
        assert final["success"] == final["terminated"]
    takeovers = [i for i in recorder.interventions if i["kind"] == "TAKEOVER"]
    assert len(takeovers) == tally.total_takeovers > 0
    for takeover in takeovers:
        steps = by_episode[takeover["episode_id"]]
        before = [s for s in steps if s["event_time"] < takeover["event_time"] and s["action"]]
        after = [s for s in steps if s["event_time"] >= takeover["event_time"] and s["action"]]
        assert before and before[-1]["control"] == "POLICY"  # the transition that earns -1 is the policy's
        assert after and after[0]["control"] == "OPERATOR"
        assert takeover["operator_id"] == "py-operator"
    kinds = [i["kind"] for i in recorder.interventions]
    assert all(a != b for a, b in zip(kinds, kinds[1:]))  # takeover and hand-back alternate
    for takeover, handback in zip(recorder.interventions[::2], recorder.interventions[1::2]):
        assert handback["episode_id"] == takeover["episode_id"]  # a takeover ends in its own episode


def test_trusted_keys_and_kafka_config_come_from_options_env_or_local_mode(tmp_path, monkeypatch):
    monkeypatch.delenv("TAKEOVER_TRUSTED_KEYS", raising=False)
    monkeypatch.delenv("TAKEOVER_PY_KAFKA_CONFIG", raising=False)
    monkeypatch.delenv("TAKEOVER_BOOTSTRAP", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.pub").write_text(signing.public_pem(LEARNER_KEY))
    (tmp_path / "b.pub").write_text(signing.public_pem(nacl.signing.SigningKey(bytes([3] * 32))))
    args = point_robot.parse_args([])
    assert args.trusted_keys == [str(point_robot.LOCAL_KEYS)] or args.trusted_keys == [
        str(point_robot.REPO_ROOT / point_robot.LOCAL_KEYS)]
    assert args.kafka_config is None and args.bootstrap is None
    local = tmp_path / ".takeover" / "local" / "keys"
    local.mkdir(parents=True)
    (local / "local.pub").write_text(signing.public_pem(LEARNER_KEY))
    assert point_robot.load_trusted_keys(point_robot.parse_args([])) == TRUSTED
    args = point_robot.parse_args(["--trusted-keys", "a.pub,b.pub"])
    assert len(point_robot.load_trusted_keys(args)) == 2
    args = point_robot.parse_args(["--trusted-keys", "a.pub", "--trusted-keys", str(tmp_path / "b.pub")])
    assert len(point_robot.load_trusted_keys(args)) == 2
    monkeypatch.setenv("TAKEOVER_TRUSTED_KEYS", "b.pub, a.pub")
    monkeypatch.setenv("TAKEOVER_PY_KAFKA_CONFIG", "kafka.properties")
    args = point_robot.parse_args([])
    assert len(point_robot.load_trusted_keys(args)) == 2 and args.kafka_config == "kafka.properties"
    monkeypatch.setenv("TAKEOVER_TRUSTED_KEYS", "missing.pub")
    with pytest.raises(TrustedKeysError, match="missing.pub"):
        point_robot.load_trusted_keys(point_robot.parse_args([]))


def test_without_trusted_keys_the_example_stops_before_kafka(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("TAKEOVER_TRUSTED_KEYS", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(point_robot, "REPO_ROOT", tmp_path / "elsewhere")
    assert point_robot.main(["--bootstrap", "localhost:1", "--steps", "1"]) == 2
    error = capsys.readouterr().err
    assert "no trusted policy keys" in error and "bin/takeover local" in error and "--trusted-keys" in error


@pytest.mark.kafka
def test_the_example_runs_against_kafka(kafka, tmp_path, capsys):
    (tmp_path / "learner.pub").write_text(signing.public_pem(LEARNER_KEY))
    code = point_robot.main(["--bootstrap", kafka.bootstrap, "--prefix", kafka.prefix, "--robots", "2",
                             "--steps", "300", "--hz", "0", "--seed", "4", "--spool-dir", str(tmp_path / "spool"),
                             "--trusted-keys", str(tmp_path / "learner.pub")])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    result = json.loads(next(line for line in reversed(lines) if line.startswith("RESULT "))[len("RESULT "):])
    assert result["steps"] >= 300 and result["delivered"] and result["versions_used"] == [0]
    assert result["per_version"]["0"]["takeovers"] == result["takeovers"] > 0
    assert result["max_version"] == 0 and result["failed"] == 0
