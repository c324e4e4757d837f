"""Policies run as Java's MlpPolicy runs them, and refuse what does not verify."""

from __future__ import annotations

import copy

import nacl.signing
import numpy as np
import pytest

from conftest import LEARNER_KEY, TRUSTED, archive, point, vectors
from takeover_robot import InvalidPolicyError, Policy, PolicySubscriber, TaskSpec, build_snapshot, signing, wire
from takeover_robot.releases import build_release, canary_fraction, encode_release, in_canary

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


ROBOTS = [f"robot-{i}" for i in range(200)]
OTHER_KEY = nacl.signing.SigningKey(bytes([9] * 32))


def _signed(version: int, key=LEARNER_KEY, **changes) -> bytes:
    s = _snapshot()
    s.update(version=version, parent_version=version - 1, **changes)
    return _reencode(signing.sign(s, key))


def _unsigned(version: int) -> bytes:
    s = _snapshot()
    s.update(version=version, parent_version=version - 1, signing_key_id=None, signature=None)
    return _reencode(s)


def _version(sub: PolicySubscriber, robot: str) -> int:
    policy = sub.current(robot)
    return 0 if policy is None else policy.version


class TestSubscriberWithoutKafka:
    """The subscriber's rules, fed through offer() and release() as its Kafka thread feeds them
    (the cases of Java's PolicySubscriberTest)."""

    @staticmethod
    def subscriber(**options) -> PolicySubscriber:
        return PolicySubscriber(None, java_task(), TRUSTED, **options)

    def test_robots_run_only_what_the_stable_channel_names_once_it_is_verified(self):
        sub = self.subscriber()
        assert archive(sub, 3, _signed(3))
        assert sub.current("robot-1") is None, "a candidate no channel names runs nowhere"
        assert sub.newest_verified == 3 and sub.current_version == 0
        assert point(sub, 3)
        assert _version(sub, "robot-1") == 3 and sub.current_version == 3
        point(sub, 5)
        assert _version(sub, "robot-1") == 3, "v5 is named but not here yet: robots keep v3"
        assert archive(sub, 5, _signed(5))
        assert _version(sub, "robot-1") == 5 and sub.channel_of("robot-1") == "stable"
        assert sub.rejected == 0

    def test_a_canary_runs_on_its_share_of_the_robots_chosen_by_id_and_closing_it_returns_them_to_stable(self):
        sub = self.subscriber()
        archive(sub, 3, _signed(3))
        archive(sub, 4, _signed(4))
        point(sub, 3)
        point(sub, 4, "canary", canary_share=0.25)
        canary = [r for r in ROBOTS if _version(sub, r) == 4]
        assert canary == [r for r in ROBOTS if in_canary(r, 0.25)]
        assert canary == [r for r in ROBOTS if canary_fraction(r) < 0.25]
        assert len(canary) == 36  # what Java's Channel.inCanary gives these 200 ids
        assert 30 < len(canary) < 70, f"about a quarter of 200: {len(canary)}"
        assert all(r in canary or _version(sub, r) == 3 for r in ROBOTS)
        assert all(sub.channel_of(r) == ("canary" if r in canary else "stable") for r in ROBOTS)
        assert sub.canary_version == 4 and sub.canary_share == 0.25 and sub.current_version == 3

        assert point(sub, 0, "canary", history=[4])  # closed
        assert all(_version(sub, r) == 3 for r in ROBOTS), "every robot back on stable"
        assert sub.canary_version == 0 and sub.canary_share == 0.0

    def test_a_canary_of_a_version_not_yet_verified_keeps_its_robots_on_stable(self):
        sub = self.subscriber()
        archive(sub, 3, _signed(3))
        point(sub, 3)
        point(sub, 4, "canary", canary_share=0.5)
        assert all(_version(sub, r) == 3 for r in ROBOTS) and sub.canary_share == 0.0
        archive(sub, 4, _signed(4))
        assert {_version(sub, r) for r in ROBOTS} == {3, 4}
        assert sub.version_for("robot-19") == 4 and sub.version_for("robot-7") == 3

    def test_the_canary_share_counts_only_while_the_canary_has_a_version(self):
        sub = self.subscriber()
        archive(sub, 3, _signed(3))
        point(sub, 3)
        point(sub, 0, "canary", canary_share=0.9)  # a closed canary that kept its share
        assert all(_version(sub, r) == 3 for r in ROBOTS) and sub.channel_of("robot-19") == "stable"

    def test_a_rollback_moves_every_robot_to_the_version_before(self):
        sub = self.subscriber()
        archive(sub, 3, _signed(3))
        archive(sub, 4, _signed(4))
        point(sub, 3)
        point(sub, 4, history=[3])
        assert _version(sub, "robot-7") == 4
        assert point(sub, 3, pinned=True, history=[])  # what `takeover policy rollback` writes
        assert all(_version(sub, r) == 3 for r in ROBOTS)
        assert sub.rejected == 0, "a rollback names an older version: nothing is replayed"
        assert sub.channels()["stable"]["pinned"] is True

    def test_a_tampered_snapshot_with_its_hash_recomputed_is_refused_and_the_last_good_version_stays(self):
        sub = self.subscriber()
        archive(sub, 3, _signed(3))
        point(sub, 3)
        forged = signing.sign({**_snapshot(), "version": 4, "parent_version": 3}, LEARNER_KEY)
        data = bytearray(forged["weights"][0]["data"])
        data[0] ^= 1  # one weight changed ...
        forged["weights"][0]["data"] = bytes(data)
        forged["weights_sha256"] = _sha(forged["weights"])  # ... and the checksum made to match
        assert not archive(sub, 4, _reencode(forged))
        point(sub, 4)
        assert _version(sub, "robot-1") == 3 and sub.refused["bad_signature"] == 1

        moved = signing.sign({**_snapshot(), "version": 5}, LEARNER_KEY)
        moved["action_high"] = [20.0] * len(moved["action_high"])  # a bound a robot acts on
        assert not archive(sub, 5, _reencode(moved))
        point(sub, 5)
        assert sub.refused["bad_signature"] == 2 and _version(sub, "robot-1") == 3

    def test_unsigned_untrusted_replayed_misfiled_and_undecodable_snapshots_are_refused_each_with_its_reason(self):
        sub = self.subscriber()
        assert not archive(sub, 2, _unsigned(2))
        point(sub, 2)
        assert sub.current("robot-1") is None, "an unsigned snapshot never runs"
        archive(sub, 5, _signed(5))
        point(sub, 5)
        assert not archive(sub, 6, _signed(6, OTHER_KEY))
        assert not archive(sub, 4, _signed(4))  # a genuine old snapshot, published again
        assert not archive(sub, 5, _signed(5))
        assert not archive(sub, 9, _signed(8))  # filed under another version
        assert sub.last_refusal == "invalid" and "filed under pendulum/9" in sub.last_rejection
        assert not archive(sub, 7, bytes([1, 2, 3]))
        unsignable = signing.sign({**_snapshot(), "version": 7}, LEARNER_KEY)
        unsignable["signature"] = bytes([1, 2, 3])  # not even 64 bytes
        assert not archive(sub, 7, _reencode(unsignable))

        assert _version(sub, "robot-1") == 5
        assert sub.refused == {"undecodable": 1, "unsigned": 1, "unknown_key": 1, "bad_signature": 1,
                               "replayed": 2, "invalid": 1}
        assert sub.rejected == 7 and sub.newest_verified == 5 and sub.versions() == [5]

    def test_a_signed_snapshot_unfit_for_the_task_is_refused_as_invalid(self):
        sub = self.subscriber()
        assert not archive(sub, 3, _signed(3, obs_dim=java_task().obs_dim + 1))
        assert sub.refused["invalid"] == 1 and "dimensions" in sub.last_rejection

    def test_a_retired_version_is_dropped_but_one_a_channel_names_stays_in_use(self):
        sub = self.subscriber()
        archive(sub, 3, _signed(3))
        archive(sub, 4, _signed(4))
        point(sub, 4)
        assert not archive(sub, 3, None)  # retired by the release controller
        assert sub.versions() == [4]
        point(sub, 3)
        assert _version(sub, "robot-1") == 4, "v3 is gone: robots keep v4 rather than nothing"
        archive(sub, 4, None)
        assert sub.versions() == [] and _version(sub, "robot-1") == 4, "retiring what runs stops nothing"

    def test_records_of_other_tasks_and_keys_without_a_version_are_ignored(self):
        sub = self.subscriber()
        task = sub.task.name
        assert not sub.offer(f"{task}x/3", _signed(3)) and not sub.offer(task, _signed(3))
        assert not sub.offer(f"{task}/v3", _signed(3)) and not sub.offer(None, _signed(3))
        assert not sub.offer(f"other/3", bytes([1, 2, 3]))
        assert sub.rejected == 0 and sub.versions() == []
        assert sub.offer(f"{task}/3".encode(), _signed(3))  # keys come from Kafka as bytes
        other = build_release("other", "stable", 3, "pytest", "not ours")
        assert sub.release("other/stable", encode_release(other)) and sub.current_version == 0

    def test_a_release_that_does_not_decode_or_is_misfiled_changes_nothing(self):
        sub = self.subscriber()
        archive(sub, 3, _signed(3))
        archive(sub, 4, _signed(4))
        point(sub, 3)
        task = sub.task.name
        assert not sub.release(f"{task}/stable", b"\x01\x02")
        assert "undecodable" in sub.last_release_refusal
        canary = build_release(task, "canary", 4, "pytest", "filed under stable", canary_share=0.5)
        assert not sub.release(f"{task}/stable", encode_release(canary))
        assert "is for" in sub.last_release_refusal and sub.releases_refused == 2
        assert sub.current_version == 3 and sub.canary_version == 0
        assert sub.release(f"{task}/stable", None)  # a channel's tombstone clears it ...
        assert sub.channels() == {} and sub.current_version == 0  # ... and robots have nothing to run

    def test_it_keeps_the_newest_versions_and_those_the_channels_name(self):
        sub = self.subscriber(keep_versions=3)
        for v in (1, 2, 3):
            archive(sub, v, _signed(v))
        point(sub, 2, history=[1])
        point(sub, 3, "canary", canary_share=0.1)
        for v in range(4, 9):
            archive(sub, v, _signed(v))
        assert sub.versions() == [1, 2, 3, 6, 7, 8]  # stable, its history (a rollback's target), the canary
        point(sub, 1, pinned=True)
        assert _version(sub, "robot-7") == 1

    def test_nothing_is_dropped_before_the_channels_are_known(self):
        sub = self.subscriber(keep_versions=2)
        sub._channels_read = False  # as at start, before the releases topic is read to its end
        for v in range(1, 6):
            archive(sub, v, _signed(v))
        assert sub.versions() == [1, 2, 3, 4, 5]
        point(sub, 1)
        sub._channels_known()
        assert sub.versions() == [1, 4, 5] and _version(sub, "robot-1") == 1

    def test_wait_for_version_and_for_stable_have_a_deadline(self):
        import threading
        sub = self.subscriber()
        assert not sub.wait_for_version(1, timeout=0.05) and not sub.wait_for_stable(7, timeout=0.05)
        timer = threading.Timer(0.05, lambda: (archive(sub, 7, _signed(7)), point(sub, 7)))
        timer.start()
        try:
            assert sub.wait_for_version(7, timeout=5.0) and sub.wait_for_stable(7, timeout=5.0)
        finally:
            timer.cancel()
