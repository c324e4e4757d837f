"""Task specs: every problem named, files read, the registry's rules."""

from __future__ import annotations

import json

import pytest

from takeover_robot import TaskSpec, TaskSpecError, load, wire
from takeover_robot.tasks import _refusal


def point2d(**changes) -> TaskSpec:
    spec = TaskSpec("point2d", 4, 2, [-1.0, -1.0], [1.0, 1.0], 50, 50.0, ["x", "y", "goal_dx", "goal_dy"],
                    ["vx", "vy"], [0.0] * 4, [0.5, 0.5, 0.75, 0.75], "a point that drives to a goal")
    for k, v in changes.items():
        setattr(spec, k, v)
    return spec


def test_a_valid_spec_has_no_problems():
    assert point2d().problems() == []
    assert point2d().validate() == point2d()
    assert TaskSpec("a", 1, 1, [0.0], [1.0], 1, 0.5).problems() == []


CASES = {
    "name": ({"name": "Point 2D"}, "name"),
    "long name": ({"name": "a" * 65}, "at most 64"),
    "obs_dim 0": ({"obs_dim": 0}, "obs_dim"),
    "obs_dim too big": ({"obs_dim": 4097}, "obs_dim"),
    "act_dim too big": ({"act_dim": 257}, "act_dim"),
    "bounds length": ({"action_low": [-1.0]}, "action_low must have act_dim = 2 entries"),
    "bounds order": ({"action_low": [-1.0, 1.0]}, "below action_high"),
    "infinite bound": ({"action_high": [1.0, float("inf")]}, "finite"),
    "steps": ({"max_episode_steps": 0}, "max_episode_steps"),
    "hz": ({"control_hz": 0.0}, "control_hz"),
    "hz nan": ({"control_hz": float("nan")}, "control_hz"),
    "names length": ({"observation_names": ["x"]}, "observation_names must have obs_dim = 4"),
    "blank name": ({"action_names": ["vx", " "]}, "non-blank"),
    "names repeated": ({"action_names": ["v", "v"]}, "unique; repeated: v"),
    "mean length": ({"observation_mean": [0.0]}, "observation_mean"),
    "std zero": ({"observation_std": [0.5, 0.0, 1.0, 1.0]}, "observation_std must be above 0"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_is_said(case):
    changes, said = CASES[case]
    with pytest.raises(TaskSpecError) as refused:
        point2d(**changes).validate()
    assert len(refused.value.problems) == 1, refused.value.problems
    assert said in str(refused.value)


def test_every_problem_is_listed_at_once():
    spec = TaskSpec("Bad Name", 2, 0, [], [], 0, -1.0, ["a", "a"], [], [0.0], [])
    with pytest.raises(TaskSpecError) as refused:
        spec.validate()
    problems = refused.value.problems
    assert len(problems) == 6, problems
    message = str(refused.value)
    for word in ("name", "act_dim", "max_episode_steps", "control_hz", "observation_names", "observation_mean"):
        assert word in message


def test_load_yaml_and_json(tmp_path):
    yaml_file = tmp_path / "point2d.yaml"
    yaml_file.write_text("name: point2d\nobs_dim: 4\nact_dim: 2\naction_low: [-1, -1]\naction_high: [1, 1]\n"
                         "max_episode_steps: 50\ncontrol_hz: 50\n"
                         "observation_names: [x, y, goal_dx, goal_dy]\naction_names: [vx, vy]\n"
                         "observation_mean: [0, 0, 0, 0]\nobservation_std: [0.5, 0.5, 0.75, 0.75]\n"
                         "description: a point that drives to a goal\n")
    assert load(yaml_file) == point2d()
    json_file = tmp_path / "point2d.json"
    json_file.write_text(json.dumps({"name": "p", "obs_dim": 1, "act_dim": 1, "action_low": [0],
                                     "action_high": [1], "max_episode_steps": 5, "control_hz": 10}))
    assert load(json_file).name == "p"


def test_load_names_unknown_and_missing_fields(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("name: t\nobs_dims: 4\nact_dim: 2\n")
    with pytest.raises(TaskSpecError) as refused:
        load(f)
    message = str(refused.value)
    assert "unknown field 'obs_dims'" in message and "missing field 'obs_dim'" in message
    assert "missing field 'control_hz'" in message


def test_load_validates(tmp_path):
    f = tmp_path / "t.json"
    f.write_text(json.dumps({"name": "t", "obs_dim": 1, "act_dim": 1, "action_low": [1], "action_high": [0],
                             "max_episode_steps": 5, "control_hz": 10}))
    with pytest.raises(TaskSpecError, match="below action_high"):
        load(f)


def test_the_registration_record_round_trips():
    record = point2d().to_record("robot-team", 1767323045678)
    assert TaskSpec.from_record(wire.decode("TaskRegistration", wire.encode("TaskRegistration", record))) == point2d()


def test_the_java_registration_vector_reads_as_a_spec():
    from conftest import vectors
    java = next(r for r in vectors("wire.json")["records"] if r["type"] == "TaskRegistration")
    spec = TaskSpec.from_record(wire.decode("TaskRegistration", bytes.fromhex(java["encoded"])))
    assert spec.validate().name == java["value"]["name"]


def test_on_the_wire_rounds_to_float32():
    spec = point2d(observation_std=[0.1, 0.1, 0.1, 0.1])
    assert spec.on_the_wire().observation_std[0] == pytest.approx(0.1, abs=1e-8)
    assert spec.on_the_wire().observation_std[0] != 0.1
    assert spec.on_the_wire() == spec.on_the_wire().on_the_wire()


class TestRegistryRules:
    def encoded(self, spec: TaskSpec) -> bytes:
        return wire.encode("TaskRegistration", spec.to_record("me", 1))

    def test_a_registration_enters(self):
        tasks: dict = {}
        assert _refusal("point2d", self.encoded(point2d()), tasks) is None
        assert tasks["point2d"] == point2d().on_the_wire()

    def test_a_key_other_than_the_name_is_refused(self):
        assert "key" in _refusal("other", self.encoded(point2d()), {})

    def test_changed_dimensions_are_refused_and_the_first_kept(self):
        tasks: dict = {}
        _refusal("point2d", self.encoded(point2d()), tasks)
        refusal = _refusal("point2d", self.encoded(point2d(obs_dim=5, observation_names=[], observation_mean=[],
                                                            observation_std=[])), tasks)
        assert "obs_dim 4" in refusal and "obs_dim 5" in refusal
        assert tasks["point2d"].obs_dim == 4

    def test_an_invalid_registration_is_refused(self):
        assert "invalid" in _refusal("p", self.encoded(point2d(name="p", max_episode_steps=0)), {})

    def test_an_undecodable_registration_is_refused(self):
        assert "undecodable" in _refusal("p", b"\xc3\x01" + bytes(12), {})
