"""The Robot numbers steps, closes episodes by the contract and orders interventions in time."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import LEARNER_KEY, TRUSTED, archive, point
from takeover_robot import Robot, TaskSpec, build_snapshot, wire
from takeover_robot.policy import PolicySubscriber


class Recorder:
    """An outbox that keeps what it is given, encoded and decoded as Kafka would carry it."""

    def __init__(self):
        self.steps: list[dict] = []
        self.interventions: list[dict] = []

    def step(self, step):
        self.steps.append(wire.decode("Step", wire.encode("Step", step)))

    def intervention(self, intervention):
        self.interventions.append(wire.decode("Intervention", wire.encode("Intervention", intervention)))


class Clock:
    def __init__(self, now: int = 1_000):
        self.now = now

    def __call__(self) -> int:
        return self.now


TASK = TaskSpec("point2d", 2, 1, [-1.0], [1.0], 3, 50.0)


def robot(clock=None, policies=None) -> tuple[Robot, Recorder]:
    recorder = Recorder()
    return Robot("py-1", TASK, recorder, policies, clock=clock or Clock()), recorder


def test_an_episode_of_t_actions_is_t_plus_one_steps():
    r, out = robot()
    episode = r.episode_id
    for k in range(3):
        r.step([k, 0.0], [0.5], control="POLICY")
    assert r.truncation_due
    r.end_episode([3.0, 0.0], truncated=True, success=False)
    assert [s["step"] for s in out.steps] == [0, 1, 2, 3]
    assert {s["episode_id"] for s in out.steps} == {episode}
    final = out.steps[-1]
    assert final["action"] == [] and final["truncated"] and not final["terminated"] and final["success"] is False
    assert all(s["action"] == [0.5] for s in out.steps[:-1])
    assert r.episode_id == episode  # until the next step, interventions still belong to it
    handback = r.hand_back("py-operator", "episode over")
    assert handback["episode_id"] == episode and handback["event_time"] > final["event_time"]
    with pytest.raises(ValueError, match="ended already"):
        r.end_episode([3.0, 0.0], truncated=True)
    r.step([0.0, 0.0], [0.0])
    assert out.steps[-1]["step"] == 0 and out.steps[-1]["episode_id"] != episode
    assert r.episode_id == out.steps[-1]["episode_id"]


def test_the_final_step_must_be_terminated_or_truncated():
    r, _ = robot()
    with pytest.raises(ValueError, match="terminated or truncated"):
        r.end_episode([0.0, 0.0])


def test_dimensions_and_finiteness_are_checked_before_sending():
    r, out = robot()
    with pytest.raises(ValueError, match="observation has 3 entries"):
        r.step([0.0, 0.0, 0.0], [0.0])
    with pytest.raises(ValueError, match="action has 2 entries"):
        r.step([0.0, 0.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="NaN"):
        r.step([np.nan, 0.0], [0.0])
    assert out.steps == []


def test_interventions_come_strictly_after_the_step_before_them():
    clock = Clock(5_000)
    r, out = robot(clock)
    r.step([0.0, 0.0], [0.1], control="POLICY")
    clock.now = 5_001  # the clock moves on while the robot waits for it
    takeover = r.take_over("py-operator", "stuck")
    r.step([0.0, 0.0], [0.2], control="OPERATOR")
    r.hand_back("py-operator")
    r.step([0.0, 0.0], [0.3], control="POLICY")
    times = [out.steps[0]["event_time"], takeover["event_time"], out.steps[1]["event_time"],
             out.interventions[1]["event_time"], out.steps[2]["event_time"]]
    assert times[0] < times[1] <= times[2] < times[3] <= times[4]
    assert [i["kind"] for i in out.interventions] == ["TAKEOVER", "HANDBACK"]
    assert out.interventions[0]["episode_id"] == out.steps[0]["episode_id"]
    assert out.interventions[0]["operator_id"] == "py-operator" and out.interventions[0]["reason"] == "stuck"


def test_event_time_never_goes_back():
    clock = Clock(9_000)
    r, out = robot(clock)
    r.step([0.0, 0.0], [0.0])
    clock.now = 8_000
    r.step([0.0, 0.0], [0.0])
    assert out.steps[1]["event_time"] == 9_000


def test_steps_carry_the_version_that_acted():
    subscriber = PolicySubscriber(None, TASK, TRUSTED)
    r, out = robot(policies=subscriber)
    action, version = r.act([0.0, 0.0])
    assert action is None and version == 0
    r.step([0.0, 0.0], [0.0], control="POLICY")
    snapshot = build_snapshot(TASK, 3, [(np.zeros((2, 2)), np.zeros(2))], signing_key=LEARNER_KEY)
    assert archive(subscriber, 3, wire.encode("PolicySnapshot", snapshot))
    assert r.act([0.0, 0.0]) == (None, 0), "a verified candidate runs only once a channel points to it"
    point(subscriber, 3)
    action, version = r.act([0.0, 0.0], deterministic=True)
    assert version == 3 and action.shape == (1,)
    r.step([0.0, 0.0], action, control="POLICY")
    r.step([0.0, 0.0], [0.0], control="OPERATOR")
    assert [s["policy_version"] for s in out.steps] == [0, 3, 3]
    assert [s["control"] for s in out.steps] == ["POLICY", "POLICY", "OPERATOR"]


def test_each_robot_acts_with_its_channels_version():
    subscriber = PolicySubscriber(None, TASK, TRUSTED)
    for version in (3, 4):
        archive(subscriber, version, wire.encode("PolicySnapshot", build_snapshot(
            TASK, version, [(np.zeros((2, 2)), np.zeros(2))], signing_key=LEARNER_KEY)))
    point(subscriber, 3)
    point(subscriber, 4, "canary", canary_share=0.2)
    # robot-19 is in a canary of 20% (Java's Channel.inCanary: its fraction is 0.0097), robot-7 not (0.8828)
    recorder = Recorder()
    canary = Robot("robot-19", TASK, recorder, subscriber, clock=Clock())
    stable = Robot("robot-7", TASK, recorder, subscriber, clock=Clock())
    assert canary.act([0.0, 0.0])[1] == 4 and stable.act([0.0, 0.0])[1] == 3
    canary.step([0.0, 0.0], [0.0], control="POLICY")
    stable.step([0.0, 0.0], [0.0], control="POLICY")
    assert [(s["robot_id"], s["policy_version"]) for s in recorder.steps] == [("robot-19", 4), ("robot-7", 3)]
    point(subscriber, 0, "canary")
    assert canary.act([0.0, 0.0])[1] == 3


def test_control_must_be_known():
    r, _ = robot()
    with pytest.raises(ValueError, match="control"):
        r.step([0.0, 0.0], [0.0], control="HUMAN")
