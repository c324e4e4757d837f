"""Robots run only policies a trusted key signed: the signed bytes equal Java's, and unsigned,
forged, untrusted and replayed snapshots are refused with Java's reasons."""

from __future__ import annotations

import copy
import logging
import re

import nacl.signing
import pytest

from conftest import LEARNER_KEY, REPO, TRUSTED, archive, point, vectors
from takeover_robot import (
    InvalidPolicyError,
    Policy,
    PolicySubscriber,
    RefusedPolicyError,
    TaskSpec,
    TrustedKeys,
    TrustedKeysError,
    signing,
    wire,
)
from takeover_robot.policy import weights_sha256

JAVA = vectors("policy.json")
SNAPSHOT = bytes.fromhex(JAVA["snapshot"])
# another learner's key (a fixed seed, not the vectors' key), and the rotation's next key
OTHER_KEY = nacl.signing.SigningKey(bytes([7] * 32))
NEXT_KEY = nacl.signing.SigningKey(bytes(range(100, 132)))


def java_task() -> TaskSpec:
    s = wire.decode("PolicySnapshot", SNAPSHOT)
    return TaskSpec(JAVA["task"], s["obs_dim"], s["act_dim"], s["action_low"], s["action_high"], 200, 50.0)


def decoded() -> dict:
    return wire.decode("PolicySnapshot", SNAPSHOT)


def with_version(version: int, key: nacl.signing.SigningKey | None = LEARNER_KEY) -> dict:
    s = decoded()
    s["version"] = version
    return signing.sign(s, key) if key is not None else {**s, "signing_key_id": None, "signature": None}


def encoded(s: dict) -> bytes:
    return wire.encode("PolicySnapshot", s)


def tampered(s: dict) -> dict:
    """One weight byte changed and the checksum recomputed: only the signature can tell."""
    s = copy.deepcopy(s)
    data = bytearray(s["weights"][2]["data"])
    data[5] ^= 0x40
    s["weights"][2]["data"] = bytes(data)
    s["weights_sha256"] = weights_sha256(s["weights"])
    return s


def refusal(s: dict, trusted: TrustedKeys = TRUSTED) -> str:
    with pytest.raises(RefusedPolicyError) as refused:
        signing.verify(s, trusted)
    return refused.value.reason


# -- the Java vector ------------------------------------------------------------------------------


def test_the_java_snapshot_verifies_and_its_signed_bytes_are_ours():
    s = decoded()
    assert s["signing_key_id"] == JAVA["signing_key_id"] and len(s["signature"]) == 64
    assert signing.signed_bytes(s) == bytes.fromhex(JAVA["signed_bytes"])
    trusted = TrustedKeys.from_pem(JAVA["signing_public_key"])
    assert trusted.ids() == [JAVA["signing_key_id"]]
    assert signing.verify(s, trusted) == JAVA["signing_key_id"]
    assert Policy.from_bytes(SNAPSHOT, java_task(), trusted).signing_key_id == JAVA["signing_key_id"]


def test_keys_are_named_and_written_as_java_does():
    # the vectors' key is Java's SigningKey.fromSeed(0, 1, ..., 31); Ed25519 signatures are deterministic
    assert signing.key_id(LEARNER_KEY) == JAVA["signing_key_id"]
    assert signing.public_pem(LEARNER_KEY) == JAVA["signing_public_key"]
    unsigned = {**decoded(), "signing_key_id": None, "signature": None}
    assert signing.sign(unsigned, LEARNER_KEY)["signature"] == decoded()["signature"]


def test_the_refusal_labels_are_javas():
    java = (REPO / "schemas/src/main/java/io/takeover/schemas/policy/PolicyRefusal.java").read_text()
    body = java[java.index("enum PolicyRefusal"):]
    constants = re.findall(r"^\s*([A-Z_]+)[,;]", body, re.M)
    assert tuple(c.lower() for c in constants) == signing.REASONS


# -- refusals -------------------------------------------------------------------------------------


def test_a_tampered_snapshot_with_a_recomputed_checksum_is_a_bad_signature():
    bad = tampered(decoded())
    Policy(bad, java_task())  # fits the task: the checksum alone lets it through
    assert refusal(bad) == "bad_signature"
    with pytest.raises(RefusedPolicyError, match="changed after signing, or forged"):
        Policy(bad, java_task(), TRUSTED)


@pytest.mark.parametrize("field", ["signature", "signing_key_id"])
def test_an_unsigned_snapshot_is_refused(field):
    s = decoded()
    s[field] = None
    assert refusal(s) == "unsigned"


def test_a_snapshot_signed_by_an_untrusted_key_is_refused():
    s = decoded()
    s["signing_key_id"] = signing.key_id(OTHER_KEY)
    s["signature"] = OTHER_KEY.sign(signing.signed_bytes(s)).signature
    assert signing.verify(s, TrustedKeys.of(OTHER_KEY)) == signing.key_id(OTHER_KEY)  # good, by its own key
    with pytest.raises(RefusedPolicyError, match=signing.key_id(OTHER_KEY)) as refused:
        signing.verify(s, TRUSTED)
    assert refused.value.reason == "unknown_key"


def test_a_signature_under_a_borrowed_key_id_is_bad():
    s = decoded()
    s["signature"] = OTHER_KEY.sign(signing.signed_bytes(s)).signature  # claims the trusted key's id
    assert refusal(s) == "bad_signature"


@pytest.mark.parametrize("signature", [b"", bytes(63), bytes(65), bytes(64)])
def test_a_malformed_signature_is_bad(signature):
    assert refusal({**decoded(), "signature": signature}) == "bad_signature"


def test_every_signed_field_is_covered():
    changes = {
        "signing_key_id": lambda s: s.update(signing_key_id=s["signing_key_id"][:-1] + "0"),
        "task": lambda s: s.update(task="pendulum2"),
        "version": lambda s: s.update(version=s["version"] + 1),
        "parent_version": lambda s: s.update(parent_version=s["parent_version"] + 1),
        "created_at": lambda s: s.update(created_at=s["created_at"] + 1),
        "obs_dim": lambda s: s.update(obs_dim=s["obs_dim"] + 1),
        "act_dim": lambda s: s.update(act_dim=s["act_dim"] + 1),
        "action_low": lambda s: s.update(action_low=[-1.5]),
        "action_high": lambda s: s.update(action_high=[1.5]),
        "architecture": lambda s: s.update(architecture="tanh-gaussian-mlp/tanh"),
        "tensor name": lambda s: s["weights"][0].update(name="layer9.weight"),
        "tensor shape": lambda s: s["weights"][0].update(shape=[3, 16]),
        "tensor order": lambda s: s["weights"].reverse(),
        "obs_mean": lambda s: s.update(obs_mean=[0.0, 0.0, 0.0]),
        "obs_std": lambda s: s.update(obs_std=[2.0, 2.0, 2.0]),
    }
    original = signing.signed_bytes(decoded())
    for name, change in changes.items():
        s = decoded()
        change(s)
        assert signing.signed_bytes(s) != original, name
        assert refusal(s) in ("bad_signature", "unknown_key"), name
    s = decoded()
    s["learner_stats"] = {"anything": 1.0}  # statistics are not acted on, and not signed
    signing.verify(s, TRUSTED)


def test_policy_objects_load_unsigned_snapshots_for_tools_but_not_with_trusted_keys():
    unsigned = with_version(3, key=None)
    assert Policy(unsigned, java_task()).version == 3
    with pytest.raises(RefusedPolicyError) as refused:
        Policy(unsigned, java_task(), TRUSTED)
    assert refused.value.reason == "unsigned" and not isinstance(refused.value, InvalidPolicyError)


# -- the subscriber -------------------------------------------------------------------------------


class TestSubscriber:
    """Fed through offer() and release(), as the Kafka thread feeds it."""

    def test_it_runs_the_java_snapshot(self):
        sub = PolicySubscriber(None, java_task(), TrustedKeys.from_pem(JAVA["signing_public_key"]))
        version = decoded()["version"]
        assert archive(sub, version, SNAPSHOT) and sub.newest_verified == version
        assert point(sub, version) and sub.current("py-1").version == version
        assert sub.rejected == 0 and set(sub.refused) == set(signing.REASONS)

    def test_it_refuses_each_kind_and_counts_it_by_reason(self, caplog):
        sub = PolicySubscriber(None, java_task(), TRUSTED)
        assert archive(sub, 5, encoded(with_version(5))) and point(sub, 5)
        forged = with_version(6, OTHER_KEY)
        cases = [
            (6, SNAPSHOT[:-5], "undecodable"),
            (6, encoded(with_version(6, key=None)), "unsigned"),
            (6, encoded(forged), "unknown_key"),
            (6, encoded(tampered(with_version(6))), "bad_signature"),
            (4, encoded(with_version(4)), "replayed"),
            (5, encoded(with_version(5)), "replayed"),
            (6, encoded(signing.sign({**with_version(6), "obs_std": [0.0, 0.0, 0.0]}, LEARNER_KEY)), "invalid"),
        ]
        with caplog.at_level(logging.WARNING, logger="takeover_robot.policy"):
            for version, data, reason in cases:
                assert not archive(sub, version, data), reason
                assert sub.last_refusal == reason
                assert f"refused ({reason}), keeping v5" in caplog.records[-1].getMessage()
        assert sub.current_version == 5 and sub.versions() == [5]
        assert sub.refused == {"undecodable": 1, "unsigned": 1, "unknown_key": 1, "bad_signature": 1,
                               "replayed": 2, "invalid": 1}
        assert sub.rejected == 7
        assert archive(sub, 6, encoded(with_version(6))) and point(sub, 6) and sub.current_version == 6

    def test_an_older_version_after_a_newer_is_replayed_and_the_newer_stays(self):
        sub = PolicySubscriber(None, java_task(), TRUSTED)
        assert archive(sub, 8, encoded(with_version(8)))
        assert not archive(sub, 7, encoded(with_version(7)))
        assert sub.last_refusal == "replayed" and "v7 arrived after v8" in sub.last_rejection
        assert sub.newest_verified == 8 and sub.versions() == [8] and sub.refused["replayed"] == 1

    def test_the_signature_is_checked_before_the_version(self):
        sub = PolicySubscriber(None, java_task(), TRUSTED)
        assert archive(sub, 8, encoded(with_version(8)))
        assert not archive(sub, 3, encoded(with_version(3, key=None)))
        assert sub.last_refusal == "unsigned"
        assert not archive(sub, 9, encoded(tampered(with_version(9))))
        assert sub.last_refusal == "bad_signature"
        # a refused newer snapshot does not move the newest verified version
        assert archive(sub, 9, encoded(with_version(9))) and sub.newest_verified == 9

    def test_trusting_two_keys_accepts_both_during_a_rotation(self, tmp_path):
        (tmp_path / "old.pub").write_text(signing.public_pem(LEARNER_KEY))
        (tmp_path / "new.pub").write_text(signing.public_pem(NEXT_KEY))
        (tmp_path / "README").write_text("not a key, and not read: only *.pub are")
        sub = PolicySubscriber(None, java_task(), tmp_path)
        assert sub.trusted.ids() == sorted([signing.key_id(LEARNER_KEY), signing.key_id(NEXT_KEY)])
        assert archive(sub, 1, encoded(with_version(1, LEARNER_KEY)))
        assert archive(sub, 2, encoded(with_version(2, NEXT_KEY)))
        point(sub, 2)
        assert sub.current("py-1").signing_key_id == signing.key_id(NEXT_KEY)
        assert archive(sub, 3, encoded(with_version(3, LEARNER_KEY))) and point(sub, 3) and sub.current_version == 3
        # after the rotation the robot trusts only the new key
        after = PolicySubscriber(None, java_task(), tmp_path / "new.pub")
        assert not archive(after, 4, encoded(with_version(4, LEARNER_KEY))) and after.last_refusal == "unknown_key"
        assert archive(after, 4, encoded(with_version(4, NEXT_KEY)))

    @pytest.mark.parametrize("trusted", [None, TrustedKeys(), []])
    def test_it_needs_trusted_keys(self, trusted):
        with pytest.raises(TrustedKeysError, match="takeover keys generate"):
            PolicySubscriber(None, java_task(), trusted)

    def test_trusted_keys_may_be_given_as_comma_separated_paths(self, tmp_path):
        (tmp_path / "a.pub").write_text(signing.public_pem(LEARNER_KEY))
        (tmp_path / "b.pub").write_text(signing.public_pem(NEXT_KEY))
        sub = PolicySubscriber(None, java_task(), f"{tmp_path / 'a.pub'}, {tmp_path / 'b.pub'}")
        assert len(sub.trusted) == 2


# -- key files ------------------------------------------------------------------------------------


def test_a_garbage_public_key_file_is_a_clear_error(tmp_path):
    garbage = tmp_path / "learner.pub"
    garbage.write_bytes(b"\x00\xffnot a key at all\n")
    with pytest.raises(TrustedKeysError, match=rf"{re.escape(str(garbage))} is not an Ed25519 public key: .*PEM"):
        TrustedKeys.read(garbage)
    with pytest.raises(TrustedKeysError, match="learner.pub is not an Ed25519 public key"):
        PolicySubscriber(None, java_task(), tmp_path)


def test_a_key_of_another_algorithm_or_broken_base64_is_refused(tmp_path):
    rsa_like = "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAK8=\n-----END PUBLIC KEY-----\n"
    (tmp_path / "rsa.pub").write_text(rsa_like)
    with pytest.raises(TrustedKeysError, match="another algorithm or malformed"):
        TrustedKeys.read(tmp_path / "rsa.pub")
    (tmp_path / "cut.pub").write_text(signing.public_pem(LEARNER_KEY).replace("=", ""))
    with pytest.raises(TrustedKeysError, match="not base64"):
        TrustedKeys.read(tmp_path / "cut.pub")


def test_no_keys_is_a_clear_error(tmp_path):
    with pytest.raises(TrustedKeysError, match="no trusted policy keys in .*takeover keys generate"):
        TrustedKeys.read(tmp_path)
    with pytest.raises(TrustedKeysError, match="no trusted policy keys at .*missing.pub: no such file"):
        TrustedKeys.read(tmp_path / "missing.pub")


def test_keys_read_from_files_dirs_and_pem_agree(tmp_path):
    (tmp_path / "local.pub").write_text(JAVA["signing_public_key"])
    by_file = TrustedKeys.read(tmp_path / "local.pub")
    assert by_file == TrustedKeys.read(tmp_path) == TrustedKeys.read([str(tmp_path)])
    assert by_file == TrustedKeys.from_pem(JAVA["signing_public_key"]) == TrustedKeys.of(LEARNER_KEY.verify_key)
    assert JAVA["signing_key_id"] in by_file and len(by_file) == 1


def test_a_connected_robot_needs_trusted_keys_before_it_reaches_kafka(tmp_path):
    from takeover_robot import Robot
    with pytest.raises(TrustedKeysError, match="takeover keys generate"):
        Robot.connect("py-1", java_task(), "127.0.0.1:9", tmp_path, timeout=0.1)
    assert not any(tmp_path.iterdir())  # no outbox was opened
