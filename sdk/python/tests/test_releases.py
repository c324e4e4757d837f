"""Release channels as Java keeps them: the Release record byte for byte, canary membership by
robot id, the keys of the archive and of the channels, and the newest release per channel."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from takeover_robot import wire
from takeover_robot.errors import WireFormatError
from takeover_robot.releases import (
    CANARY,
    STABLE,
    ReleaseBook,
    archive_key,
    archive_version,
    build_release,
    canary_fraction,
    decode_release,
    encode_release,
    in_canary,
    release_key,
)

AVSC = REPO / "schemas" / "src" / "main" / "avro" / "Release.avsc"

# Written by Java: the fingerprint of io.takeover.schemas.Release (SchemaNormalization.parsingFingerprint64 of
# the class generated from Release.avsc by Avro 1.12.2, unsigned), and this record encoded by its encoder.
JAVA_FINGERPRINT = 16321892231012990
JAVA_RELEASE = {"task": "pendulum", "channel": "canary", "version": 42, "set_by": "alice", "set_at": 1_700_000_000_123,
                "reason": "try v42", "pinned": False, "canary_share": 0.25, "history": [41, 40],
                "evidence": {"steps": 1200.0}}
JAVA_ENCODED = ("c3017ee27dacacfc39001070656e64756c756d0c63616e617279540a616c696365f6a1abfef9620e7472792076343200"
                "000000000000d03f04525000020a73746570730000000000c0924000")

# Java's Channel.inCanary: (the first 8 bytes of SHA-256(id), big-endian, >>> 11), as Java computed them.
JAVA_TOP_53_BITS = {"robot-19": 87380254340798, "robot-38": 2305269054144741, "robot-7": 7951397149144248,
                    "py-1": 1119187119207981, "Ünïcode-robot": 1968482428815423}


def _without_java_properties(schema):
    """The schema without the avro.java.string properties the Java build adds to its strings."""
    if isinstance(schema, dict):
        bare = {k: _without_java_properties(v) for k, v in schema.items() if k != "avro.java.string"}
        return bare["type"] if set(bare) == {"type"} and isinstance(bare["type"], str) else bare
    if isinstance(schema, list):
        return [_without_java_properties(s) for s in schema]
    return schema


def test_the_contracts_release_schema_is_release_avsc():
    avsc = json.loads(AVSC.read_text(encoding="utf-8"))
    contract = wire.contract().codec("Release")
    assert _without_java_properties(contract.schema_json) == avsc
    assert contract.fingerprint == wire.schema_fingerprint(avsc) == JAVA_FINGERPRINT
    assert wire.contract().topic("releases") == "takeover.releases"


def test_a_release_is_encoded_as_java_encodes_it():
    assert encode_release(JAVA_RELEASE).hex() == JAVA_ENCODED
    assert decode_release(bytes.fromhex(JAVA_ENCODED)) == JAVA_RELEASE


def test_a_release_takes_its_defaults():
    release = {k: JAVA_RELEASE[k] for k in ("task", "channel", "version", "set_by", "set_at", "reason")}
    assert decode_release(encode_release(release)) == {**release, "pinned": False, "canary_share": 0.0,
                                                       "history": [], "evidence": {}}
    assert decode_release(encode_release(build_release("pendulum", STABLE, 3, "ops", "why", set_at=5))) == {
        "task": "pendulum", "channel": "stable", "version": 3, "set_by": "ops", "set_at": 5, "reason": "why",
        "pinned": False, "canary_share": 0.0, "history": [], "evidence": {}}
    with pytest.raises(ValueError, match="stable or canary"):
        build_release("pendulum", "beta", 3, "ops", "why")


@pytest.mark.parametrize("robot_id,bits", sorted(JAVA_TOP_53_BITS.items()))
def test_canary_membership_is_javas(robot_id, bits):
    assert canary_fraction(robot_id) == bits * 2.0 ** -53
    for share in (0.0, 0.01, 0.1, 0.25, 0.2559, 0.26, 0.5, 0.9, 1.0):
        assert in_canary(robot_id, share) == (share > 0 and bits * 2.0 ** -53 < share), share


def test_three_fixed_robots_as_java_places_them():
    assert in_canary("robot-19", 0.01) and in_canary("robot-19", 0.25)  # 0.0097
    assert not in_canary("robot-38", 0.25) and in_canary("robot-38", 0.26)  # 0.2559
    assert not in_canary("robot-7", 0.5) and in_canary("robot-7", 0.9)  # 0.8828
    assert not in_canary("robot-19", 0.0) and not in_canary("robot-19", -1.0) and not in_canary("robot-19", float("nan"))


def test_the_canary_takes_about_its_share_and_keeps_its_robots_as_it_grows():
    robots = [f"robot-{i}" for i in range(200)]
    assert sum(in_canary(r, 0.25) for r in robots) == 36  # as Java counts them
    many = [f"robot-{i}" for i in range(20_000)]
    for share in (0.05, 0.25, 0.5):
        assert abs(sum(in_canary(r, share) for r in many) / len(many) - share) < 0.015
    small = {r for r in many if in_canary(r, 0.1)}
    assert small <= {r for r in many if in_canary(r, 0.3)}


def test_archive_and_channel_keys():
    assert archive_key("pendulum", 42) == "pendulum/42"
    assert archive_version("pendulum/42", "pendulum") == 42
    assert archive_version(b"pendulum/7", "pendulum") == 7
    for key in ("pendulum", "pendulum/", "pendulumx/3", "pendulum/v3", "other/3", "pendulum/3.0", None,
                "pendulum/99999999999999999999"):
        assert archive_version(key, "pendulum") == -1, key
    assert archive_version("a.b/3", "a.b") == 3 and archive_version("a/b/3", "a") == -1
    assert release_key("pendulum", CANARY) == "pendulum/canary"


def test_the_book_keeps_the_newest_release_per_channel():
    book = ReleaseBook("pendulum")
    assert book.version(STABLE) == 0 and book.canary_share() == 0.0 and book.get(STABLE) is None
    assert book.apply("pendulum/stable", encode_release(build_release("pendulum", STABLE, 3, "a", "r"))) is None
    assert book.apply("pendulum/stable", encode_release(build_release("pendulum", STABLE, 4, "a", "r"))) is None
    assert book.apply("pendulum/canary", encode_release(build_release("pendulum", CANARY, 5, "a", "r",
                                                                      canary_share=0.25))) is None
    assert book.version(STABLE) == 4 and book.version(CANARY) == 5 and book.canary_share() == 0.25
    assert book.version_for("robot-19") == 5 and book.version_for("robot-7") == 4
    assert book.channel_of("robot-19") == CANARY
    # other tasks, and records that do not belong where they are filed, change nothing
    assert book.apply("other/stable", encode_release(build_release("other", STABLE, 9, "a", "r"))) is None
    assert "is for pendulum/canary" in book.apply("pendulum/stable", encode_release(
        build_release("pendulum", CANARY, 9, "a", "r", canary_share=0.5)))
    assert "undecodable" in book.apply("pendulum/canary", b"\x00")
    assert book.version(STABLE) == 4 and book.version(CANARY) == 5
    book.apply("pendulum/canary", encode_release(build_release("pendulum", CANARY, 0, "gate", "closed",
                                                               canary_share=0.25)))
    assert book.canary_share() == 0.0 and book.version_for("robot-19") == 4
    assert book.apply("pendulum/stable", None) is None and book.version(STABLE) == 0
    assert set(book.channels()) == {CANARY}


def test_a_release_of_another_schema_is_no_release():
    with pytest.raises(WireFormatError):
        decode_release(wire.encode("TaskRegistration", {"name": "t", "obs_dim": 1, "act_dim": 1, "action_low": [0.0],
                                                        "action_high": [1.0], "max_episode_steps": 1,
                                                        "control_hz": 1.0}))
