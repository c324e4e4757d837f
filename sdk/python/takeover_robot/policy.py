"""Learned policies: verified from a ``PolicySnapshot`` and run with numpy, as the Java SDK runs
them (``MlpPolicy``); and a subscriber that follows one task's version archive
(``<prefix>policies``) and release channels (``<prefix>releases``, see
:mod:`takeover_robot.releases`), verifies every version with the keys it trusts
(:mod:`takeover_robot.signing`) and gives each robot the version its channel points to.

:class:`Policy` checks that a snapshot fits its task, not who made it: it loads unsigned
snapshots too (for tools and tests) unless given ``trusted`` keys. :class:`PolicySubscriber`,
the path by which a robot gets the policies it runs, always checks the signature first."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

import numpy as np
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

import nacl.signing

from . import signing, wire
from .errors import InvalidPolicyError, RefusedPolicyError, WireFormatError
from .kafka import ConnectionLike, connection, robot_group_id
from .releases import CANARY, STABLE, ReleaseBook, archive_version, in_canary
from .signing import Refusal, TrustedKeys
from .tasks import TaskSpec

LOG = logging.getLogger(__name__)

ARCHITECTURE = "tanh-gaussian-mlp/relu"
LOG_STD_MIN = np.float32(-5.0)
LOG_STD_MAX = np.float32(2.0)
_F32 = np.dtype("<f4")
KEPT_VERSIONS = 32
"""Verified versions a subscriber keeps besides those the channels name (Java's ``KEPT_VERSIONS``)."""


class Policy:
    """A verified ``tanh-gaussian-mlp/relu`` policy for one task. Immutable; safe to share
    between threads.

    The network sees ``(obs - obs_mean) / obs_std``; ReLU after every layer but the last, whose
    2·act_dim outputs are the mean μ and log σ of a Gaussian squashed by tanh and scaled to
    [action_low, action_high]. Arithmetic is float32, as in Java.
    """

    def __init__(self, snapshot: Mapping[str, Any], task: TaskSpec, trusted: TrustedKeys | None = None):
        """Verifies ``snapshot`` (a decoded ``PolicySnapshot``) against ``task``; raises
        :class:`InvalidPolicyError` saying what does not check out.

        With ``trusted`` keys it first checks the signature (see :func:`signing.verify`) and
        raises :class:`RefusedPolicyError` (``unsigned``, ``unknown_key``, ``bad_signature``) for
        a snapshot no trusted key signed. Without, the signature is not checked: for tools and
        tests only; robots get their policies through :class:`PolicySubscriber`, which always
        checks it.
        """
        where = f"policy {snapshot.get('task')} v{snapshot.get('version')}: "
        if trusted is not None:
            signing.verify(snapshot, trusted)
        weights, biases = _verify(snapshot, task, where)
        self.task: str = snapshot["task"]
        self.version: int = snapshot["version"]
        self.parent_version: int = snapshot["parent_version"]
        self.created_at: int = snapshot["created_at"]
        self.obs_dim: int = snapshot["obs_dim"]
        self.act_dim: int = snapshot["act_dim"]
        self.learner_stats: dict[str, float] = dict(snapshot.get("learner_stats", {}))
        self.weights_sha256: str = snapshot["weights_sha256"]
        self.signing_key_id: str | None = snapshot.get("signing_key_id")
        """The id of the key that signed the snapshot (checked only when it came with trusted keys)."""
        self.action_low = np.asarray(snapshot["action_low"], _F32)
        self.action_high = np.asarray(snapshot["action_high"], _F32)
        self._mean = np.asarray(snapshot["obs_mean"], _F32)
        self._inv_std = (np.float32(1.0) / np.asarray(snapshot["obs_std"], _F32)).astype(_F32)
        self._weights = weights
        self._biases = biases
        for array in (self.action_low, self.action_high):
            array.setflags(write=False)

    @staticmethod
    def from_bytes(data: bytes, task: TaskSpec, trusted: TrustedKeys | None = None) -> "Policy":
        """Decodes and verifies a single-object encoded ``PolicySnapshot`` (its signature too
        when given ``trusted`` keys); bytes that are no snapshot raise :class:`InvalidPolicyError`
        with reason ``undecodable``."""
        return Policy(decode_snapshot(data, task.name), task, trusted)

    @property
    def layers(self) -> int:
        """How many linear layers the network has."""
        return len(self._weights)

    def output(self, obs: Sequence[float] | np.ndarray) -> np.ndarray:
        """The last layer's raw output for one observation: μ, then log σ (2·act_dim float32)."""
        x = np.asarray(obs, dtype=_F32)
        if x.shape != (self.obs_dim,):
            raise ValueError(f"policy {self.task} v{self.version} takes observations of shape ({self.obs_dim},), "
                             f"got {x.shape}")
        x = (x - self._mean) * self._inv_std
        last = len(self._weights) - 1
        for i, (w, b) in enumerate(zip(self._weights, self._biases)):
            x = w @ x + b
            if i < last:
                x = np.maximum(x, np.float32(0))
        return x

    def act(self, obs: Sequence[float] | np.ndarray, deterministic: bool = True,
            rng: np.random.Generator | None = None) -> np.ndarray:
        """The action for one observation (float32, within the bounds).

        Deterministic: the squashed mean. Otherwise a draw ``u = μ + σ·N(0, 1)`` (log σ clipped to
        [-5, 2]) squashed the same way, from ``rng`` (a fresh generator when None).
        """
        out = self.output(obs)
        mean = out[: self.act_dim]
        if deterministic:
            pre = mean.astype(np.float64)
        else:
            rng = rng if rng is not None else np.random.default_rng()
            log_std = np.clip(out[self.act_dim:], LOG_STD_MIN, LOG_STD_MAX)
            pre = mean.astype(np.float64) + np.exp(log_std.astype(np.float64)) * rng.standard_normal(self.act_dim)
        squashed = np.tanh(pre).astype(_F32)
        return self.action_low + (squashed + np.float32(1)) * np.float32(0.5) * (self.action_high - self.action_low)

    def __repr__(self) -> str:
        widths = [self.obs_dim] + [w.shape[0] for w in self._weights]
        return f"Policy({self.task} v{self.version}, {'-'.join(map(str, widths))})"


def decode_snapshot(data: bytes, task: str = "?") -> dict[str, Any]:
    """A ``PolicySnapshot`` dict from its single-object encoding; raises
    :class:`InvalidPolicyError` with reason ``undecodable`` for bytes that are not one."""
    try:
        return wire.decode("PolicySnapshot", data)
    except WireFormatError as e:
        raise InvalidPolicyError(f"undecodable policy snapshot for {task}: {e}", Refusal.UNDECODABLE.value) from e


def weights_sha256(weights: Sequence[Mapping[str, Any]]) -> str:
    """Lower-case hex SHA-256 over the ``data`` bytes of every tensor, in order."""
    digest = hashlib.sha256()
    for tensor in weights:
        digest.update(tensor["data"])
    return digest.hexdigest()


def _verify(s: Mapping[str, Any], task: TaskSpec, where: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    def refuse(why: str) -> InvalidPolicyError:
        return InvalidPolicyError(where + why)

    if s["task"] != task.name:
        raise refuse(f"is for task {s['task']}, not {task.name}")
    if s["architecture"] != ARCHITECTURE:
        raise refuse(f"unknown architecture {s['architecture']!r}: this SDK runs {ARCHITECTURE!r}; "
                     "upgrade takeover_robot if the learner is newer")
    if (s["obs_dim"], s["act_dim"]) != (task.obs_dim, task.act_dim):
        raise refuse(f"dimensions {s['obs_dim']}→{s['act_dim']} do not match the task's "
                     f"{task.obs_dim}→{task.act_dim}")
    lengths = {"obs_mean": task.obs_dim, "obs_std": task.obs_dim, "action_low": task.act_dim,
               "action_high": task.act_dim}
    for name, length in lengths.items():
        if len(s[name]) != length:
            raise refuse(f"{name} has {len(s[name])} entries, the task has {length}")
        if not np.all(np.isfinite(np.asarray(s[name], np.float64))):
            raise refuse(f"{name} is not finite")
    if not np.all(np.asarray(s["obs_std"], _F32) > 0):
        raise refuse("observation std must be above 0")
    for name, bound in (("action_low", task.action_low), ("action_high", task.action_high)):
        if not np.array_equal(np.asarray(s[name], _F32), np.asarray(bound, _F32)):
            raise refuse(f"{name} {list(s[name])} differs from the task's {list(bound)}")
    actual = weights_sha256(s["weights"])
    if actual != s["weights_sha256"]:
        raise refuse(f"weights sha256 {actual} differs from the declared {s['weights_sha256']} "
                     "(corrupt; tampering is what the signature catches)")
    tensors = s["weights"]
    if len(tensors) < 2 or len(tensors) % 2:
        raise refuse(f"expected a weight and a bias per layer, got {len(tensors)} tensors")
    by_name = {t["name"]: t for t in tensors}
    weights: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    width = task.obs_dim
    for layer in range(len(tensors) // 2):
        w, b = by_name.get(f"layer{layer}.weight"), by_name.get(f"layer{layer}.bias")
        if w is None or b is None:
            raise refuse(f"missing layer{layer}.weight or layer{layer}.bias")
        shape = list(w["shape"])
        if len(shape) != 2 or shape[1] != width or list(b["shape"]) != shape[:1]:
            raise refuse(f"layer{layer}.weight has shape {shape} (bias {list(b['shape'])}), expected [*, {width}]")
        for t in (w, b):
            if len(t["data"]) != 4 * int(np.prod(t["shape"])):
                raise refuse(f"{t['name']} holds {len(t['data'])} bytes, its shape {list(t['shape'])} needs "
                             f"{4 * int(np.prod(t['shape']))}")
        weight = np.frombuffer(w["data"], _F32).reshape(shape).astype(np.float32)
        bias = np.frombuffer(b["data"], _F32).astype(np.float32)
        if not (np.all(np.isfinite(weight)) and np.all(np.isfinite(bias))):
            raise refuse(f"non-finite weight or bias in layer {layer}")
        weight.setflags(write=False)
        bias.setflags(write=False)
        weights.append(weight)
        biases.append(bias)
        width = shape[0]
    if width != 2 * task.act_dim:
        raise refuse(f"last layer has {width} outputs, expected {2 * task.act_dim} (mean and log std)")
    return weights, biases


class _Assignment(NamedTuple):
    """What the robots act with now: stable's policy, the canary's, and the canary's share."""

    stable: Policy | None
    canary: Policy | None
    canary_share: float


_NOTHING = _Assignment(None, None, 0.0)


class PolicySubscriber:
    """A task's policies for the robots of one process: follows the version archive
    (``<prefix>policies``, key ``task/version``) and the task's release channels
    (``<prefix>releases``, key ``task/channel``) from their beginnings, and gives each robot its
    channel's version (:meth:`current`), swapped atomically: a robot reads it between two
    control steps.

    Every archived version is verified as it arrives: it is kept only if a trusted key signed it
    (checked before anything in it is used), its version is newer than every one verified
    before, it is filed under its own version, and it fits the task. Otherwise it is refused,
    logged with its reason (a :class:`~takeover_robot.signing.Refusal` label: ``undecodable``,
    ``unsigned``, ``unknown_key``, ``bad_signature``, ``replayed``, ``invalid``) and counted
    (:attr:`refused`, :attr:`rejected`, :attr:`last_rejection`). A verified version is a
    candidate: no robot runs it until a channel points to it.

    A robot runs the canary's version if it is in the canary's share (chosen by robot id, see
    :func:`~takeover_robot.releases.in_canary`) and that version is verified here; stable's
    otherwise. A channel that points to a version not verified (yet) keeps its robots on what
    they ran: stable's robots on the previous stable version (nothing before the first), the
    canary's on stable. A rollback points stable to an older version verified before: it is
    looked up, not refused. A tombstone in the archive drops that version; robots running it
    keep it until a channel moves them.
    """

    def __init__(self, target: ConnectionLike | None, task: TaskSpec,
                 trusted: TrustedKeys | str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None, *,
                 keep_versions: int = KEPT_VERSIONS, rack: str | None = None,
                 consumer_config: Mapping[str, Any] | None = None):
        """
        :param target: the Kafka connection (or ``"host:port"``); None follows nothing, and
                       records come only through :meth:`offer` and :meth:`release`
        :param trusted: the public keys of the learners whose policies this robot runs:
                        :class:`~takeover_robot.signing.TrustedKeys`, or the path of a ``NAME.pub``
                        file or of a directory of them (several: a list, or comma-separated).
                        Required: without, :class:`~takeover_robot.errors.TrustedKeysError`
                        (make a key pair with ``takeover keys generate``)
        :param keep_versions: how many of the newest verified versions are kept besides those a
                              channel names (and stable's history, for a rollback)
        :param rack: this robot's ``client.rack``, to fetch from the nearest replica
        :param consumer_config: further librdkafka consumer settings; ``group.id`` defaults to
                                ``<prefix>robot-policy-<uuid>``, within the robot ACL's groups
        """
        self.trusted = signing.trusted_keys(trusted)
        self.task = task
        self._keep = max(1, keep_versions)
        self._lock = threading.Condition()
        self._verified: dict[int, Policy] = {}  # by version; guarded by _lock
        self._book = ReleaseBook(task.name)  # guarded by _lock
        self._assignment = _NOTHING  # replaced whole, read without the lock
        self._newest = 0  # the newest version verified
        self._channels_read = target is None  # the releases topic read to the end it had at start
        self._release_ends: dict[int, int] = {}
        self._warned_unversioned = False
        self._waiting: set[int] = set()  # versions the channels name that are not verified here
        self._refused: dict[str, int] = dict.fromkeys(signing.REASONS, 0)
        self._releases_refused = 0
        self._last_rejection: str | None = None
        self._last_refusal: str | None = None
        self._last_release_refusal: str | None = None
        self._last_error: str | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        if target is not None:
            conn = connection(target)
            settings = {"group.id": robot_group_id(conn, "policy"), "enable.auto.commit": False,
                        "auto.offset.reset": "earliest", "fetch.wait.max.ms": 50, "enable.partition.eof": True,
                        "max.partition.fetch.bytes": 32 << 20, **(consumer_config or {})}
            if rack:
                settings["client.rack"] = rack
            self._consumer = Consumer(conn.client_config(settings))
            self._topic = conn.topic("policies")
            self._releases_topic = conn.topic("releases")
            self._thread = threading.Thread(target=self._follow, name=f"takeover-policies-{task.name}", daemon=True)
            self._thread.start()

    # -- what the robots run ---------------------------------------------------------------------

    def current(self, robot_id: str) -> Policy | None:
        """The policy robot ``robot_id`` acts with now: the canary's if the robot is in the
        canary's share and that version is verified, else stable's; None until stable points to
        a verified version."""
        a = self._assignment
        return a.canary if a.canary is not None and in_canary(robot_id, a.canary_share) else a.stable

    def channel_of(self, robot_id: str) -> str:
        """The channel robot ``robot_id`` runs now: ``"canary"`` or ``"stable"``."""
        a = self._assignment
        return CANARY if a.canary is not None and in_canary(robot_id, a.canary_share) else STABLE

    def version_for(self, robot_id: str) -> int:
        """The version :meth:`current` gives ``robot_id``; 0 when none."""
        policy = self.current(robot_id)
        return 0 if policy is None else policy.version

    @property
    def current_version(self) -> int:
        """The version stable's robots act with; 0 before the first."""
        stable = self._assignment.stable
        return 0 if stable is None else stable.version

    @property
    def canary_version(self) -> int:
        """The version the canary's robots act with; 0 without a canary (or while its version is
        not verified here)."""
        canary = self._assignment.canary
        return 0 if canary is None else canary.version

    @property
    def canary_share(self) -> float:
        """The share of the robots in the canary; 0 without one."""
        return self._assignment.canary_share

    @property
    def newest_verified(self) -> int:
        """The newest version verified, run or not; 0 before any."""
        return self._newest

    def versions(self) -> list[int]:
        """The verified versions kept, oldest first."""
        with self._lock:
            return sorted(self._verified)

    def channels(self) -> dict[str, dict[str, Any]]:
        """The task's channels as the releases topic says them: ``"stable"``/``"canary"`` → its
        newest ``Release`` record (copies); a channel without a release is left out."""
        with self._lock:
            return self._book.channels()

    # -- refusals --------------------------------------------------------------------------------

    @property
    def rejected(self) -> int:
        """Snapshots refused so far, for every reason."""
        return sum(self._refused.values())

    @property
    def refused(self) -> dict[str, int]:
        """Snapshots refused so far by reason: every label of
        :class:`~takeover_robot.signing.Refusal`, 0 for those that never happened (a copy)."""
        with self._lock:
            return dict(self._refused)

    @property
    def last_rejection(self) -> str | None:
        """Why the last refused snapshot was refused (the log line's message)."""
        return self._last_rejection

    @property
    def last_refusal(self) -> str | None:
        """The reason label of the last refusal (e.g. ``"bad_signature"``), None before any."""
        return self._last_refusal

    @property
    def releases_refused(self) -> int:
        """Records of the releases topic refused (undecodable, or key and value disagree)."""
        return self._releases_refused

    @property
    def last_release_refusal(self) -> str | None:
        """Why the last refused release was refused, None before any."""
        return self._last_release_refusal

    @property
    def last_error(self) -> str | None:
        """The last error Kafka reported to the subscriber, if any."""
        return self._last_error

    # -- records ---------------------------------------------------------------------------------

    def offer(self, key: str | bytes | None, data: bytes | None) -> bool:
        """One record of the archive: ``key`` ``task/version``, ``data`` an encoded snapshot, or
        None for a tombstone, which drops that version. Records of other tasks are ignored.

        A snapshot is verified in Java's order: decoded (else ``undecodable``), signed by a
        trusted key (else ``unsigned``, ``unknown_key``, ``bad_signature``), newer than every
        version verified (else ``replayed``), filed under its own version (else ``invalid``), fit
        for the task (else ``invalid``). Returns whether it was verified and kept; a refusal is
        logged, counted in :attr:`refused`, and changes nothing else."""
        key_version = archive_version(key, self.task.name)
        if key_version < 0:
            if not self._warned_unversioned and key in (self.task.name, self.task.name.encode()):
                self._warned_unversioned = True
                LOG.warning("a policy snapshot under the key %r, without a version, is ignored: the archive files "
                            "versions under task/version (is a learner older than release channels publishing?)",
                            self.task.name)
            return False  # another task's, or not a version key
        if data is None:
            with self._lock:
                if self._verified.pop(key_version, None) is not None:
                    LOG.info("policy %s v%d retired", self.task.name, key_version)
            return False
        where = key.decode("utf-8", "replace") if isinstance(key, (bytes, bytearray)) else key
        try:
            snapshot = decode_snapshot(data, self.task.name)
            signing.verify(snapshot, self.trusted)  # nothing else in it is looked at before this
        except RefusedPolicyError as e:
            with self._lock:
                self._reject(e.reason, f"{e} (under {where})" if e.reason == Refusal.UNDECODABLE.value else str(e))
            return False
        with self._lock:
            try:
                if snapshot["version"] <= self._newest:
                    raise RefusedPolicyError(Refusal.REPLAYED, f"policy {self.task.name} v{snapshot['version']} "
                                             f"arrived after v{self._newest}: an old snapshot published again")
                if snapshot["version"] != key_version:
                    raise InvalidPolicyError(f"policy {self.task.name} v{snapshot['version']} is filed under {where}")
                policy = Policy(snapshot, self.task)
            except RefusedPolicyError as e:
                self._reject(e.reason, str(e))
                return False
            self._newest = policy.version
            self._verified[policy.version] = policy
            LOG.info("policy %s v%d verified", self.task.name, policy.version)
            self._trim()
            self._reassign()
            self._lock.notify_all()
            return True

    def release(self, key: str | bytes | None, data: bytes | None) -> bool:
        """One record of the releases topic (key ``task/channel``, value an encoded ``Release``;
        None clears the channel); records of other tasks are ignored. Moves the robots of the
        channel to its version once that version is verified. Returns False when the record is
        refused (undecodable, or its key and value disagree): logged, counted in
        :attr:`releases_refused`, the channel unchanged."""
        with self._lock:
            refusal = self._book.apply(key, data)
            if refusal is not None:
                self._releases_refused += 1
                self._last_release_refusal = refusal
                LOG.warning("release refused: %s", refusal)
            self._reassign()
            self._lock.notify_all()
            return refusal is None

    # -- waiting ---------------------------------------------------------------------------------

    def wait_for_version(self, version: int, timeout: float) -> bool:
        """Waits up to ``timeout`` seconds until a version at least ``version`` has been verified
        (run or not); returns whether one was."""
        return self._wait(lambda: self._newest >= version, timeout)

    def wait_for_stable(self, version: int, timeout: float) -> bool:
        """Waits up to ``timeout`` seconds until stable's robots run ``version``; returns whether
        they do."""
        return self._wait(lambda: self.current_version == version, timeout)

    def _wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
            return True

    def close(self, timeout: float = 5.0) -> None:
        """Stops following the topics."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> "PolicySubscriber":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside ----------------------------------------------------------------------------------

    def _reassign(self) -> None:
        """Points each channel's robots at its version, once verified; until then they keep what
        they ran. Called with the lock held."""
        old = self._assignment
        stable_version = self._book.version(STABLE)
        canary_version = self._book.version(CANARY)
        stable = None if stable_version == 0 else self._verified.get(stable_version, old.stable)
        canary = None if canary_version == 0 else self._verified.get(canary_version)
        new = _Assignment(stable, canary, 0.0 if canary is None else self._book.canary_share())
        waiting = {v for v in (stable_version, canary_version) if v and v not in self._verified}
        for version in sorted(waiting - self._waiting):
            LOG.info("policy %s: a channel points to v%d, not verified here (yet): its robots keep what they run",
                     self.task.name, version)
        self._waiting = waiting
        if new.stable is not old.stable or new.canary is not old.canary or new.canary_share != old.canary_share:
            self._assignment = new
            LOG.info("policy %s: stable v%d%s", self.task.name, 0 if stable is None else stable.version,
                     "" if canary is None else f" (canary v{canary.version} for {new.canary_share:.0%} of robots)")

    def _trim(self) -> None:
        """Keeps the newest versions, those the channels name and stable's history (what a
        rollback goes back to). Nothing is dropped until the releases topic has been read to the
        end it had at start: until then the versions the channels name are not known."""
        if not self._channels_read or len(self._verified) <= self._keep:
            return
        named = {self._book.version(STABLE), self._book.version(CANARY), self.current_version, self.canary_version}
        stable = self._book.get(STABLE)
        if stable is not None:
            named.update(stable["history"])
        named.update(sorted(self._verified)[-self._keep:])
        for version in [v for v in self._verified if v not in named]:
            del self._verified[version]

    def _reject(self, reason: str, why: str) -> None:
        self._refused[reason] = self._refused.get(reason, 0) + 1
        self._last_rejection = why
        self._last_refusal = reason
        LOG.warning("policy snapshot refused (%s), keeping v%d: %s", reason, self.current_version, why)

    def _follow(self) -> None:
        assigned = False
        try:
            while not self._stopping.is_set():
                if not assigned:
                    assigned = self._assign()
                    if not assigned:
                        self._stopping.wait(1.0)
                    continue
                message = self._consumer.poll(0.1)
                if message is None:
                    continue
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        if message.topic() == self._releases_topic:
                            self._read_release(message.partition(), message.offset() - 1)
                    else:
                        self._last_error = error.str()
                        LOG.warning("reading %s: %s", message.topic() or self._topic, error.str())
                    continue
                if message.topic() == self._releases_topic:
                    self.release(message.key(), message.value())
                    self._read_release(message.partition(), message.offset())
                else:
                    self.offer(message.key(), message.value())
        except Exception as e:  # keep the robots running on their last good policies, and say why
            self._last_error = f"the policy subscriber stopped: {type(e).__name__}: {e}"
            LOG.error("%s; the robots keep v%d", self._last_error, self.current_version)
        finally:
            self._consumer.close()

    def _read_release(self, partition: int, offset: int) -> None:
        """Notes how far the releases topic is read; once at the end it had at start, the channels
        are known and the versions kept can be trimmed."""
        end = self._release_ends.get(partition)
        if end is not None and offset + 1 >= end:
            del self._release_ends[partition]
            if not self._release_ends:
                self._channels_known()

    def _channels_known(self) -> None:
        with self._lock:
            self._channels_read = True
            self._trim()

    def _assign(self) -> bool:
        """Assigns every partition of both topics from the beginning; False while one does not
        exist."""
        partitions: dict[str, list[int]] = {}
        for topic in (self._topic, self._releases_topic):
            try:
                metadata = self._consumer.list_topics(topic, timeout=5.0)
            except KafkaException as e:
                self._last_error = e.args[0].str()
                return False
            described = metadata.topics.get(topic)
            if described is None or described.error is not None or not described.partitions:
                if self._last_error != f"topic {topic} does not exist":
                    LOG.warning("topic %s does not exist yet; waiting for it", topic)
                self._last_error = f"topic {topic} does not exist"
                return False
            partitions[topic] = sorted(described.partitions)
        self._release_ends = {}
        for p in partitions[self._releases_topic]:
            try:
                low, high = self._consumer.get_watermark_offsets(TopicPartition(self._releases_topic, p),
                                                                 timeout=5.0, cached=False)
            except KafkaException as e:
                self._last_error = e.args[0].str()
                return False
            if high > low:
                self._release_ends[p] = high
        self._consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING)
                               for topic, ps in partitions.items() for p in ps])
        if not self._release_ends:
            self._channels_known()
        return True


def build_snapshot(task: TaskSpec, version: int, layers: Sequence[tuple[np.ndarray, np.ndarray]], *,
                   obs_mean: Sequence[float] | None = None, obs_std: Sequence[float] | None = None,
                   parent_version: int = 0, created_at: int | None = None,
                   learner_stats: Mapping[str, float] | None = None,
                   signing_key: nacl.signing.SigningKey | None = None) -> dict[str, Any]:
    """A ``PolicySnapshot`` record for ``task`` from (weight [out, in], bias [out]) pairs in
    forward order, with its SHA-256 filled in, and signed by ``signing_key`` when given
    (unsigned otherwise: robots refuse it): for tests and tools that publish policies."""
    weights = []
    for i, (w, b) in enumerate(layers):
        w = np.asarray(w, _F32)
        b = np.asarray(b, _F32)
        weights.append({"name": f"layer{i}.weight", "shape": list(w.shape), "data": w.tobytes()})
        weights.append({"name": f"layer{i}.bias", "shape": list(b.shape), "data": b.tobytes()})
    snapshot = {
        "task": task.name, "version": version, "parent_version": parent_version,
        "created_at": int(time.time() * 1000) if created_at is None else created_at,
        "obs_dim": task.obs_dim, "act_dim": task.act_dim,
        "action_low": list(task.action_low), "action_high": list(task.action_high),
        "architecture": ARCHITECTURE, "weights": weights,
        "obs_mean": list(obs_mean if obs_mean is not None else [0.0] * task.obs_dim),
        "obs_std": list(obs_std if obs_std is not None else [1.0] * task.obs_dim),
        "weights_sha256": weights_sha256(weights), "learner_stats": dict(learner_stats or {}),
        "signing_key_id": None, "signature": None,
    }
    return signing.sign(snapshot, signing_key) if signing_key is not None else snapshot
