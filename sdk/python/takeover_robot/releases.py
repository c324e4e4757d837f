"""Release channels: which version of a task's policy the robots run.

Every version a learner publishes goes to the version archive, ``<prefix>policies``, under the
key ``task/version`` (``pendulum/42``); a record with no value there (a tombstone) retires that
version. An archived version is a candidate: robots run it only once a release channel of its
task points to it. The channels are the compacted topic ``<prefix>releases``, key
``task/channel``, value a ``Release`` record; the newest record per key is the channel:

- ``stable``: every robot not in the canary share runs its version;
- ``canary``: a share of the robots (``canary_share``), chosen by robot id (:func:`in_canary`),
  runs its version instead; version 0 means there is no canary.

People move the channels with ``takeover policy`` (promote, canary, pin, rollback), the release
controller with its canary gate; robots only read them. This module holds the rules the Java
side (``io.takeover.schemas.release``) holds: keys, canary membership, and the channels as the
topic says them (:class:`ReleaseBook`).
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any, Iterable, Mapping

from . import wire
from .errors import WireFormatError

STABLE = "stable"
"""The channel of every robot not in the canary share."""
CANARY = "canary"
"""The channel of a share of the robots, chosen by robot id, trying a version before everyone."""
CHANNELS: tuple[str, ...] = (STABLE, CANARY)

_VERSION = re.compile(r"[+-]?[0-9]+")
_LONG_MAX = (1 << 63) - 1


def archive_key(task: str, version: int) -> str:
    """The key of a version in the archive, ``<prefix>policies``: ``task/version``."""
    return f"{task}/{int(version)}"


def archive_version(key: str | bytes | None, task: str) -> int:
    """The version an archive key of ``task`` names; -1 when the key is not one of its versions
    (another task's, or not ``task/version``). As Java's ``PolicyArchive.version``."""
    if isinstance(key, (bytes, bytearray)):
        key = bytes(key).decode("utf-8", "replace")
    if key is None or len(key) <= len(task) + 1 or not key.startswith(task) or key[len(task)] != "/":
        return -1
    rest = key[len(task) + 1:]
    if not _VERSION.fullmatch(rest):
        return -1
    version = int(rest)
    return version if -_LONG_MAX - 1 <= version <= _LONG_MAX else -1


def release_key(task: str, channel: str) -> str:
    """The key of a channel's releases on ``<prefix>releases``: ``task/channel``."""
    return f"{task}/{_channel(channel)}"


def canary_fraction(robot_id: str) -> float:
    """Where a robot stands in [0, 1) for the canary: the first 8 bytes of the SHA-256 of its id
    (UTF-8), read as a big-endian unsigned 64-bit integer, its top 53 bits times 2^-53."""
    digest = hashlib.sha256(robot_id.encode("utf-8", "replace")).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) * 2.0 ** -53


def in_canary(robot_id: str, share: float) -> bool:
    """Whether a robot is in a canary of this share of the robots: its
    :func:`canary_fraction` is below ``share``. The same robots stay in as the share grows. As
    Java's ``Channel.inCanary``."""
    if not share > 0:
        return False
    return canary_fraction(robot_id) < share


def decode_release(data: bytes) -> dict[str, Any]:
    """A ``Release`` from its single-object encoding (:class:`WireFormatError` if it is not one)."""
    return wire.decode("Release", data)


def encode_release(release: Mapping[str, Any]) -> bytes:
    """The single-object encoding of a ``Release`` record."""
    return wire.encode("Release", release)


def build_release(task: str, channel: str, version: int, set_by: str, reason: str, *, canary_share: float = 0.0,
                  pinned: bool = False, history: Iterable[int] = (), evidence: Mapping[str, float] | None = None,
                  set_at: int | None = None) -> dict[str, Any]:
    """A ``Release`` record: ``channel`` of ``task`` points to ``version`` (0: none). For tests
    and tools; robots do not write releases (their Kafka user may not)."""
    return {"task": task, "channel": _channel(channel), "version": int(version), "set_by": set_by,
            "set_at": int(time.time() * 1000) if set_at is None else int(set_at), "reason": reason,
            "pinned": bool(pinned), "canary_share": float(canary_share), "history": [int(v) for v in history],
            "evidence": dict(evidence or {})}


class ReleaseBook:
    """One task's channels as the releases topic says them, applied record by record in topic
    order: the newest release per channel wins. Not thread-safe. As Java's ``ReleaseBook``."""

    def __init__(self, task: str):
        self.task = task
        self._channels: dict[str, dict[str, Any]] = {}

    def apply(self, key: str | bytes | None, value: bytes | None) -> str | None:
        """Applies one record of the releases topic; records of other tasks are ignored. Returns
        None, or why the record was refused (undecodable, or its key and value disagree)."""
        if isinstance(key, (bytes, bytearray)):
            key = bytes(key).decode("utf-8", "replace")
        for channel in CHANNELS:
            if key != release_key(self.task, channel):
                continue
            if value is None:
                self._channels.pop(channel, None)
                return None
            try:
                release = decode_release(value)
            except WireFormatError as e:
                return f"undecodable release under key {key}: {e}"
            if release["task"] != self.task or release["channel"] != channel:
                return f"release under key {key} is for {release['task']}/{release['channel']}"
            self._channels[channel] = release
            return None
        return None

    def get(self, channel: str) -> dict[str, Any] | None:
        """The channel's newest release, None when it has none."""
        return self._channels.get(_channel(channel))

    def version(self, channel: str) -> int:
        """The version a channel points to; 0 when it points to none."""
        release = self.get(channel)
        return 0 if release is None else int(release["version"])

    def canary_share(self) -> float:
        """The canary's share of the robots; 0 without a canary (none, or version 0)."""
        canary = self._channels.get(CANARY)
        return 0.0 if canary is None or canary["version"] == 0 else float(canary["canary_share"])

    def channel_of(self, robot_id: str) -> str:
        """The channel a robot follows now."""
        return CANARY if in_canary(robot_id, self.canary_share()) else STABLE

    def version_for(self, robot_id: str) -> int:
        """The version a robot's channel points to; 0 when it points to none."""
        return self.version(self.channel_of(robot_id))

    def channels(self) -> dict[str, dict[str, Any]]:
        """Every channel with a release: channel name → its newest release (copies)."""
        return {channel: dict(release) for channel, release in self._channels.items()}


def _channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}: stable or canary")
    return channel
