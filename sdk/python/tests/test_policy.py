"""Policies run as Java's MlpPolicy runs them, and refuse what does not verify."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from conftest import LEARNER_KEY, TRUSTED, vectors
from takeover_robot import InvalidPolicyError, Policy, PolicySubscriber, TaskSpec, build_snapshot, signing, wire

JAVA = vectors("policy.json")
SNAPSHOT = bytes.fromhex(JAVA["snapshot"])


def java_task() -> TaskSpec:
    """The task the Java vector's snapshot was made for (its dimensions and bounds)."""
    s = wire.decode("PolicySnapshot", SNAPSHOT)
    return TaskSpec(JAVA["task"], s["obs_dim"], s["act_dim"], s["action_low"], s["action_high"], 200, 50.0)


def test_deterministic_actions_equal_java():
    policy = Policy.from_bytes(SNAPSHOT, java_task())
    assert len(JAVA["observations"]) == len(JAVA["deterministic_actions"]) > 0
    for obs, expected in zip(JAVA["observations"], JAVA["deterministic_actions"]):
        np.testing.assert_allclose(policy.act(obs), expected, rtol=0, atol=1e-5)


def test_sampled_actions_lie_within_bounds_and_vary():
    task = java_task()
    policy = Policy.from_bytes(SNAPSHOT, task)
    rng = np.random.default_rng(7)
    obs = JAVA["observations"][0]
    actions = np.array([policy.act(obs, deterministic=False, rng=rng) for _ in range(500)])
    assert np.all(actions >= np.float32(task.action_low)) and np.all(actions <= np.float32(task.action_high))
    assert actions.std(axis=0).min() > 1e-3
    assert len({tuple(a) for a in actions}) > 100


def test_sampling_follows_the_squashed_gaussian():
    # one layer, zero weights: mean = bias[0], log std = bias[1]; the draw is tanh(mu + sigma * z)
    task = TaskSpec("t", 2, 1, [-3.0], [1.0], 10, 10.0)
    policy = Policy(build_snapshot(task, 1, [(np.zeros((2, 2)), np.array([0.3, np.log(0.5)]))]), task)
    z = np.random.default_rng(1).standard_normal(1)
    action = policy.act([0.0, 0.0], deterministic=False, rng=np.random.default_rng(1))
    expected = -3.0 + (np.tanh(0.3 + 0.5 * z) + 1) / 2 * 4.0
    np.testing.assert_allclose(action, expected, atol=1e-6)
    np.testing.assert_allclose(policy.act([0.0, 0.0]), -3.0 + (np.tanh(0.3) + 1) / 2 * 4.0, atol=1e-6)


def test_log_std_is_clipped():
    task = TaskSpec("t", 1, 1, [-1.0], [1.0], 10, 10.0)
    huge = Policy(build_snapshot(task, 1, [(np.zeros((2, 1)), np.array([0.0, 50.0]))]), task)
    tiny = Policy(build_snapshot(task, 1, [(np.zeros((2, 1)), np.array([0.0, -50.0]))]), task)
    z = np.random.default_rng(3).standard_normal(1)
    np.testing.assert_allclose(huge.act([0.0], False, np.random.default_rng(3)), np.tanh(np.exp(2.0) * z), atol=1e-6)
    np.testing.assert_allclose(tiny.act([0.0], False, np.random.default_rng(3)), np.tanh(np.exp(-5.0) * z), atol=1e-6)


def test_network_matches_the_readme_numpy():
    task = TaskSpec("t", 3, 2, [-1.0, 0.0], [1.0, 5.0], 10, 10.0)
    rng = np.random.default_rng(0)
    layers = [(rng.normal(size=(8, 3)), rng.normal(size=8)), (rng.normal(size=(8, 8)), rng.normal(size=8)),
              (rng.normal(size=(4, 8)), rng.normal(size=4))]
    mean, std = np.array([0.1, -0.2, 0.3]), np.array([0.5, 2.0, 1.0])
    policy = Policy(build_snapshot(task, 1, layers, obs_mean=mean, obs_std=std), task)
    obs = np.array([0.7, -1.1, 0.4])
    x = (obs - mean) / std
    for w, b in layers[:-1]:
        x = np.maximum(w @ x + b, 0)
    out = layers[-1][0] @ x + layers[-1][1]
    low, high = np.array(task.action_low), np.array(task.action_high)
    np.testing.assert_allclose(policy.act(obs), low + (np.tanh(out[:2]) + 1) / 2 * (high - low), atol=1e-5)
    assert policy.layers == 3 and policy.version == 1


def test_wrong_observation_length_is_refused():
    policy = Policy.from_bytes(SNAPSHOT, java_task())
    with pytest.raises(ValueError, match="shape"):
        policy.act([0.0] * (policy.obs_dim + 1))


def _snapshot() -> dict:
    return wire.decode("PolicySnapshot", SNAPSHOT)


def _reencode(s: dict) -> bytes:
    return wire.encode("PolicySnapshot", s)


def _tamper(change) -> dict:
    s = copy.deepcopy(_snapshot())
    change(s)
    return s


def _flip_weight(s):
    data = bytearray(s["weights"][0]["data"])
    data[0] ^= 1
    s["weights"][0]["data"] = bytes(data)


REFUSALS = {
    "a tampered weight": (_flip_weight, "sha256"),
    "another task": (lambda s: s.update(task="reacher"), "task"),
    "another architecture": (lambda s: s.update(architecture="lstm"), "architecture"),
    "other dimensions": (lambda s: s.update(obs_dim=s["obs_dim"] + 1), "dimensions"),
    "other bounds": (lambda s: s.update(action_high=[x + 1 for x in s["action_high"]]), "action_high"),
    "a non-positive std": (lambda s: s.update(obs_std=[0.0] * len(s["obs_std"])), "std"),
    "a non-finite mean": (lambda s: s.update(obs_mean=[float("nan")] * len(s["obs_mean"])), "obs_mean"),
    "a missing bias": (lambda s: s.update(weights=s["weights"][:-1], weights_sha256=_sha(s["weights"][:-1])),
                       "weight and a bias"),
}


def _sha(weights):
    from takeover_robot.policy import weights_sha256
    return weights_sha256(weights)


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_bad_snapshot_is_refused_with_its_reason(case):
    change, reason = REFUSALS[case]
    with pytest.raises(InvalidPolicyError, match=reason):
        Policy(_tamper(change), java_task())


def test_inconsistent_shapes_are_refused():
    task = TaskSpec("t", 3, 1, [-1.0], [1.0], 10, 10.0)
    with pytest.raises(InvalidPolicyError, match="shape"):
        Policy(build_snapshot(task, 1, [(np.zeros((4, 2)), np.zeros(4)), (np.zeros((2, 4)), np.zeros(2))]), task)
    with pytest.raises(InvalidPolicyError, match="outputs"):
        Policy(build_snapshot(task, 1, [(np.zeros((3, 3)), np.zeros(3))]), task)


def test_non_finite_weights_are_refused():
    task = TaskSpec("t", 1, 1, [-1.0], [1.0], 10, 10.0)
    with pytest.raises(InvalidPolicyError, match="non-finite"):
        Policy(build_snapshot(task, 1, [(np.array([[np.inf], [0.0]]), np.zeros(2))]), task)


def test_undecodable_bytes_are_an_invalid_policy():
    with pytest.raises(InvalidPolicyError, match="undecodable") as refused:
        Policy.from_bytes(SNAPSHOT[:-5], java_task())
    assert refused.value.reason == "undecodable"


class TestSubscriberWithoutKafka:
    """The subscriber's rules, fed through offer()."""

    def snapshot(self, version: int, tamper: bool = False) -> bytes:
        s = _snapshot()
        s["version"] = version
        if tamper:  # corrupt after signing, without fixing the checksum
            s = signing.sign(s, LEARNER_KEY)
            _flip_weight(s)
            return _reencode(s)
        return _reencode(signing.sign(s, LEARNER_KEY))

    def test_installs_newer_versions_and_refuses_older_as_replayed(self):
        sub = PolicySubscriber(None, java_task(), TRUSTED)
        assert sub.current() is None and sub.current_version == 0
        assert sub.offer(self.snapshot(2))
        assert sub.current_version == 2
        assert not sub.offer(self.snapshot(1)) and not sub.offer(self.snapshot(2))
        assert sub.current_version == 2 and sub.refused["replayed"] == 2
        assert sub.offer(self.snapshot(5)) and sub.current_version == 5
        assert sub.rejected == 2

    def test_a_tampered_snapshot_is_refused_and_the_last_good_kept(self):
        sub = PolicySubscriber(None, java_task(), TRUSTED)
        sub.offer(self.snapshot(3))
        assert not sub.offer(self.snapshot(4, tamper=True))
        assert sub.current_version == 3 and sub.rejected == 1
        assert sub.last_refusal == "bad_signature" and "signature does not match" in sub.last_rejection
        assert sub.offer(self.snapshot(4)) and sub.current_version == 4

    def test_a_signed_snapshot_unfit_for_the_task_is_invalid(self):
        sub = PolicySubscriber(None, java_task(), TRUSTED)
        s = _snapshot()
        s["version"] = 4
        _flip_weight(s)  # the checksum no longer matches, the signature does (the learner signed it so)
        assert not sub.offer(_reencode(signing.sign(s, LEARNER_KEY)))
        assert sub.last_refusal == "invalid" and "sha256" in sub.last_rejection
        other = java_task()
        other = TaskSpec(other.name, other.obs_dim + 1, other.act_dim, other.action_low, other.action_high, 200, 50.0)
        assert not PolicySubscriber(None, other, TRUSTED).offer(self.snapshot(5))
        assert sub.current() is None and sub.refused["invalid"] == 1

    def test_pin_and_unpin(self):
        sub = PolicySubscriber(None, java_task(), TRUSTED, keep_versions=3)
        for v in (1, 2, 3, 4):
            sub.offer(self.snapshot(v))
        assert sub.versions() == [2, 3, 4]
        with pytest.raises(KeyError, match="v1"):
            sub.pin(1)
        assert sub.pin(2).version == 2
        sub.offer(self.snapshot(5))
        assert sub.current_version == 2 and sub.pinned == 2
        sub.unpin()
        assert sub.current_version == 5 and sub.pinned is None

    def test_wait_for_version_has_a_deadline(self):
        import threading
        sub = PolicySubscriber(None, java_task(), TRUSTED)
        assert not sub.wait_for_version(1, timeout=0.05)
        timer = threading.Timer(0.05, lambda: sub.offer(self.snapshot(7)))
        timer.start()
        try:
            assert sub.wait_for_version(7, timeout=5.0)
        finally:
            timer.cancel()
