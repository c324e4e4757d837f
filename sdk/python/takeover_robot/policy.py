"""Learned policies: verified from a ``PolicySnapshot`` and run with numpy, as the Java SDK runs
them (``MlpPolicy``); and a subscriber that follows ``<prefix>policies`` for one task and runs
only snapshots signed by a key it trusts (:mod:`takeover_robot.signing`).

:class:`Policy` checks that a snapshot fits its task, not who made it: it loads unsigned
snapshots too (for tools and tests) unless given ``trusted`` keys. :class:`PolicySubscriber`,
the path by which a robot gets the policies it runs, always checks the signature first."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

import nacl.signing

from . import signing, wire
from .errors import InvalidPolicyError, RefusedPolicyError, WireFormatError
from .kafka import ConnectionLike, connection, robot_group_id
from .signing import Refusal, TrustedKeys
from .tasks import TaskSpec

LOG = logging.getLogger(__name__)

ARCHITECTURE = "tanh-gaussian-mlp/relu"
LOG_STD_MIN = np.float32(-5.0)
LOG_STD_MAX = np.float32(2.0)
_F32 = np.dtype("<f4")


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


class PolicySubscriber:
    """Follows ``<prefix>policies`` for one task from the beginning of the compacted topic,
    verifies every snapshot and swaps in each newer version atomically: a robot reads
    :meth:`current` between two control steps.

    A snapshot runs only if a trusted key signed it (checked before anything in it is used),
    its version is newer than every one verified before, and it fits the task. Otherwise it is
    refused, logged with its reason (a :class:`~takeover_robot.signing.Refusal` label:
    ``undecodable``, ``unsigned``, ``unknown_key``, ``bad_signature``, ``replayed``,
    ``invalid``), counted (:attr:`refused`, :attr:`rejected`, :attr:`last_rejection`), and the
    last good version stays. A version can be pinned: the robot then stays on it while newer
    ones are verified and kept.
    """

    def __init__(self, target: ConnectionLike | None, task: TaskSpec,
                 trusted: TrustedKeys | str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None, *,
                 keep_versions: int = 16, rack: str | None = None, consumer_config: Mapping[str, Any] | None = None):
        """
        :param target: the Kafka connection (or ``"host:port"``); None follows nothing, and
                       snapshots come only through :meth:`offer`
        :param trusted: the public keys of the learners whose policies this robot runs:
                        :class:`~takeover_robot.signing.TrustedKeys`, or the path of a ``NAME.pub``
                        file or of a directory of them (several: a list, or comma-separated).
                        Required: without, :class:`~takeover_robot.errors.TrustedKeysError`
                        (make a key pair with ``takeover keys generate``)
        :param keep_versions: how many of the last verified versions stay available to :meth:`pin`
        :param rack: this robot's ``client.rack``, to fetch from the nearest replica
        :param consumer_config: further librdkafka consumer settings; ``group.id`` defaults to
                                ``<prefix>robot-policy-<uuid>``, within the robot ACL's groups
        """
        self.trusted = signing.trusted_keys(trusted)
        self.task = task
        self._keep = max(1, keep_versions)
        self._lock = threading.Condition()
        self._recent: OrderedDict[int, Policy] = OrderedDict()  # verified, oldest first
        self._current: Policy | None = None
        self._pinned = 0
        self._newest = 0  # the newest version verified
        self._refused: dict[str, int] = dict.fromkeys(signing.REASONS, 0)
        self._last_rejection: str | None = None
        self._last_refusal: str | None = None
        self._last_error: str | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        if target is not None:
            conn = connection(target)
            settings = {"group.id": robot_group_id(conn, "policy"), "enable.auto.commit": False,
                        "auto.offset.reset": "earliest", "fetch.wait.max.ms": 50,
                        "max.partition.fetch.bytes": 32 << 20, **(consumer_config or {})}
            if rack:
                settings["client.rack"] = rack
            self._consumer = Consumer(conn.client_config(settings))
            self._topic = conn.topic("policies")
            self._thread = threading.Thread(target=self._follow, name=f"takeover-policies-{task.name}", daemon=True)
            self._thread.start()

    def current(self) -> Policy | None:
        """The policy to act with now; None until the first good one arrives."""
        return self._current

    @property
    def current_version(self) -> int:
        """The version :meth:`current` runs; 0 when none."""
        policy = self._current
        return 0 if policy is None else policy.version

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
    def last_error(self) -> str | None:
        """The last error Kafka reported to the subscriber, if any."""
        return self._last_error

    @property
    def pinned(self) -> int | None:
        """The pinned version, or None when following the newest."""
        return self._pinned or None

    def versions(self) -> list[int]:
        """The verified versions kept, oldest first: the ones :meth:`pin` accepts."""
        with self._lock:
            return list(self._recent)

    def offer(self, data: bytes) -> bool:
        """Verifies one encoded snapshot, in Java's order: decodes it (else ``undecodable``),
        checks its signature by a trusted key (else ``unsigned``, ``unknown_key``,
        ``bad_signature``), that its version is newer than every one verified (else
        ``replayed``), and that it fits the task (else ``invalid``). Keeps it, and installs it
        unless a version is pinned. Returns whether it was kept; a refusal is logged, counted in
        :attr:`refused`, and leaves the current policy as it is."""
        try:
            snapshot = decode_snapshot(data, self.task.name)
            signing.verify(snapshot, self.trusted)  # nothing else in it is looked at before this
        except RefusedPolicyError as e:
            with self._lock:
                self._reject(e.reason, str(e))
            return False
        with self._lock:
            try:
                if snapshot["version"] <= self._newest:
                    raise RefusedPolicyError(Refusal.REPLAYED, f"policy {self.task.name} v{snapshot['version']} "
                                             f"arrived after v{self._newest}: an old snapshot published again")
                policy = Policy(snapshot, self.task)
            except RefusedPolicyError as e:
                self._reject(e.reason, str(e))
                return False
            self._newest = policy.version
            self._recent[policy.version] = policy
            while len(self._recent) > self._keep:
                self._recent.popitem(last=False)
            if not self._pinned:
                self._current = policy
                LOG.info("policy %s v%d installed", self.task.name, policy.version)
            else:
                LOG.info("policy %s v%d verified; staying on pinned v%d", self.task.name, policy.version,
                         self._pinned)
            self._lock.notify_all()
            return True

    def pin(self, version: int) -> Policy:
        """Runs ``version`` from the next control step on, and no newer one until :meth:`unpin`.

        Raises KeyError if that version is not among the last ones verified.
        """
        with self._lock:
            policy = self._recent.get(version)
            if policy is None:
                raise KeyError(f"cannot pin {self.task.name} v{version}: not among the versions received since start "
                               f"{list(self._recent)} (older ones are compacted away or no longer kept)")
            self._pinned = version
            self._current = policy
            LOG.info("policy %s pinned to v%d", self.task.name, version)
            return policy

    def unpin(self) -> None:
        """Follows the newest version again, from the next control step on."""
        with self._lock:
            self._pinned = 0
            if self._recent:
                self._current = next(reversed(self._recent.values()))

    def wait_for_version(self, version: int, timeout: float) -> bool:
        """Waits up to ``timeout`` seconds until a version at least ``version`` has been verified;
        returns whether one was."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not (self._recent and next(reversed(self._recent)) >= version):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
            return True

    def close(self, timeout: float = 5.0) -> None:
        """Stops following the topic."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> "PolicySubscriber":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
                    if error.code() != KafkaError._PARTITION_EOF:
                        self._last_error = error.str()
                        LOG.warning("reading %s: %s", self._topic, error.str())
                    continue
                key = message.key()
                if key is not None and key.decode("utf-8", "replace") == self.task.name and message.value():
                    self.offer(message.value())
        except Exception as e:  # keep the robot running on its last good policy, and say why
            self._last_error = f"the policy subscriber stopped: {type(e).__name__}: {e}"
            LOG.error("%s; the robot keeps v%d", self._last_error, self.current_version)
        finally:
            self._consumer.close()

    def _assign(self) -> bool:
        """Assigns every partition of the topic from the beginning; False while it does not exist."""
        try:
            metadata = self._consumer.list_topics(self._topic, timeout=5.0)
        except KafkaException as e:
            self._last_error = e.args[0].str()
            return False
        described = metadata.topics.get(self._topic)
        if described is None or described.error is not None or not described.partitions:
            if self._last_error is None:
                LOG.warning("topic %s does not exist yet; waiting for it", self._topic)
            self._last_error = f"topic {self._topic} does not exist"
            return False
        self._consumer.assign([TopicPartition(self._topic, p, OFFSET_BEGINNING) for p in described.partitions])
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
