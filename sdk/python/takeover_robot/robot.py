"""One robot's session with Takeover: its task registered, its steps and interventions sent
through an :class:`~takeover_robot.outbox.Outbox`, acting with the policy version its release
channel points to."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .kafka import ConnectionLike, connection
from .outbox import Outbox
from .policy import Policy, PolicySubscriber
from .signing import TrustedKeys, trusted_keys
from .tasks import TaskSpec, register_task

POLICY = "POLICY"
OPERATOR = "OPERATOR"
TAKEOVER = "TAKEOVER"
HANDBACK = "HANDBACK"


def wall_clock_ms() -> int:
    """Now, in epoch milliseconds (UTC)."""
    return time.time_ns() // 1_000_000


class Robot:
    """Publishes one robot's episodes by the contract's rules.

    It numbers the steps of each episode from 0, gives each episode a fresh id, stamps every
    record with the wall clock (never earlier than the robot's previous record), and closes an
    episode of T actions with the final step T: the last observation, an empty action, and
    ``terminated`` or ``truncated`` set. Interventions are stamped strictly after the step
    before them, so that step stays on the policy's side of a takeover.
    """

    def __init__(self, robot_id: str, task: TaskSpec, outbox: Outbox, policies: PolicySubscriber | None = None,
                 clock: Callable[[], int] = wall_clock_ms):
        """Uses ``outbox`` and ``policies`` as given (several robots may share them)."""
        if not robot_id:
            raise ValueError("a robot needs a non-empty robot_id")
        self.robot_id = robot_id
        self.task = task.validate()
        self.outbox = outbox
        self.policies = policies
        self._clock = clock
        self._owned: list[Any] = []
        self._last_time = 0
        self._episode_id = self._new_episode_id()
        self._ended = False  # the episode ended: the next step starts a new one
        self._step = 0
        self._acted_version: int | None = None

    @classmethod
    def connect(cls, robot_id: str, task: TaskSpec, target: ConnectionLike, spool_dir: str | Path, *,
                trusted: TrustedKeys | str | Path | Sequence[str | Path] | None = None, register: bool = True,
                subscribe: bool = True, timeout: float = 30.0) -> "Robot":
        """A robot with its own outbox (spooling to ``spool_dir``) and policy subscriber, which
        runs only policies signed by a key of ``trusted`` (required when ``subscribe``: see
        :class:`~takeover_robot.policy.PolicySubscriber`), after registering ``task`` (see
        :func:`~takeover_robot.tasks.register_task`)."""
        conn = connection(target)
        keys = trusted_keys(trusted) if subscribe else None  # before anything is sent: no keys, no robot
        if register:
            register_task(task, conn, registered_by=robot_id, timeout=timeout)
        outbox = Outbox(conn, spool_dir)
        try:
            policies = PolicySubscriber(conn, task, keys) if subscribe else None
        except BaseException:
            outbox.close(timeout)
            raise
        robot = cls(robot_id, task, outbox, policies)
        robot._owned = [outbox] + ([policies] if policies else [])
        return robot

    # -- state ------------------------------------------------------------------------------------

    @property
    def episode_id(self) -> str:
        """The id of the running episode; after :meth:`end_episode`, of the one that just ended,
        until the next step starts a new one (so a hand-back right after the end belongs to it)."""
        return self._episode_id

    @property
    def step_index(self) -> int:
        """The index the next step gets (the actions taken so far in this episode)."""
        return self._step

    @property
    def truncation_due(self) -> bool:
        """Whether the episode has had the task's ``max_episode_steps`` actions: end it now."""
        return self._step >= self.task.max_episode_steps

    def policy(self) -> Policy | None:
        """The policy this robot acts with now: its channel's (``policies.current(robot_id)``:
        the canary's if the robot is in the canary's share, else stable's); None before the
        first stable release of a verified version."""
        return self.policies.current(self.robot_id) if self.policies is not None else None

    def act(self, observation: Sequence[float] | np.ndarray, deterministic: bool = False,
            rng: np.random.Generator | None = None) -> tuple[np.ndarray | None, int]:
        """The action of :meth:`policy` and its version; ``(None, 0)`` while there is no policy.
        The next :meth:`step` records that version as its ``policy_version``."""
        policy = self.policy()
        self._acted_version = 0 if policy is None else policy.version
        if policy is None:
            return None, 0
        return policy.act(observation, deterministic=deterministic, rng=rng), policy.version

    # -- records ---------------------------------------------------------------------------------

    def step(self, observation: Sequence[float] | np.ndarray, action: Sequence[float] | np.ndarray, *,
             control: str | None = None, reward: float | None = None, policy_version: int | None = None,
             event_time: int | None = None) -> dict[str, Any]:
        """Publishes step k of the episode: ``observation`` s_k and the ``action`` a_k executed
        there; ``control`` is ``"POLICY"``, ``"OPERATOR"`` or None (unknown). Returns the record."""
        obs = self._vector(observation, self.task.obs_dim, "observation")
        act = self._vector(action, self.task.act_dim, "action")
        if self._ended:
            self._episode_id = self._new_episode_id()
            self._ended = False
        record = self._record(obs, act, control, reward, policy_version, event_time)
        self.outbox.step(record)
        self._step += 1
        return record

    def end_episode(self, observation: Sequence[float] | np.ndarray, *, terminated: bool = False,
                    truncated: bool = False, success: bool | None = None, reward: float | None = None,
                    control: str | None = None, event_time: int | None = None) -> dict[str, Any]:
        """Publishes the final step (the last observation, no action); the next step starts a new
        episode. One of ``terminated`` (the task's own end) and ``truncated`` (a time limit) must
        be set."""
        if not (terminated or truncated):
            raise ValueError("the final step of an episode is terminated or truncated: set one of them")
        if self._ended:
            raise ValueError(f"episode {self._episode_id} has ended already: take a step to start the next one")
        obs = self._vector(observation, self.task.obs_dim, "observation")
        record = self._record(obs, [], control, reward, None, event_time)
        record.update(terminated=bool(terminated), truncated=bool(truncated),
                      success=None if success is None else bool(success))
        self.outbox.step(record)
        self._ended = True
        self._step = 0
        return record

    def take_over(self, operator_id: str, reason: str | None = None) -> dict[str, Any]:
        """Publishes a TAKEOVER by ``operator_id``: the steps from now on are the operator's."""
        return self._intervention(TAKEOVER, operator_id, reason)

    def hand_back(self, operator_id: str, reason: str | None = None) -> dict[str, Any]:
        """Publishes a HANDBACK: the steps from now on are the policy's again."""
        return self._intervention(HANDBACK, operator_id, reason)

    def close(self, timeout: float = 10.0) -> None:
        """Stops what :meth:`connect` started: sends what is waiting (up to ``timeout``)."""
        for part in self._owned:
            part.close(timeout)
        self._owned = []

    def __enter__(self) -> "Robot":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers ---------------------------------------------------------------------------------

    def _record(self, obs: list[float], act: list[float], control: str | None, reward: float | None,
                policy_version: int | None, event_time: int | None) -> dict[str, Any]:
        if control not in (None, POLICY, OPERATOR):
            raise ValueError(f"control must be 'POLICY', 'OPERATOR' or None, got {control!r}")
        if policy_version is None:
            policy_version = self._acted_version
            if policy_version is None:
                policy = self.policy()
                policy_version = 0 if policy is None else policy.version
        self._acted_version = None
        return {
            "robot_id": self.robot_id, "task": self.task.name, "episode_id": self._episode_id, "step": self._step,
            "event_time": self._stamp(event_time), "observation": obs, "action": act,
            "policy_version": int(policy_version), "control": control,
            "reward": None if reward is None else float(reward),
            "terminated": False, "truncated": False, "success": None,
        }

    def _intervention(self, kind: str, operator_id: str, reason: str | None) -> dict[str, Any]:
        now = self._clock()
        patience = time.monotonic() + 0.01
        while now <= self._last_time and time.monotonic() < patience:  # strictly after the step before it
            time.sleep(0.0005)
            now = self._clock()
        self._last_time = max(now, self._last_time + 1)
        record = {"robot_id": self.robot_id, "episode_id": self._episode_id, "operator_id": operator_id,
                  "event_time": self._last_time, "kind": kind, "reason": reason}
        self.outbox.intervention(record)
        return record

    def _stamp(self, event_time: int | None) -> int:
        stamp = self._clock() if event_time is None else int(event_time)
        self._last_time = max(stamp, self._last_time)
        return self._last_time

    @staticmethod
    def _vector(values: Sequence[float] | np.ndarray, dim: int, what: str) -> list[float]:
        array = np.asarray(values, dtype=np.float64).reshape(-1)
        if array.shape[0] != dim:
            raise ValueError(f"{what} has {array.shape[0]} entries, the task has {dim}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{what} holds NaN or infinity: the pipeline would dead-letter it")
        return array.tolist()

    def _new_episode_id(self) -> str:
        return f"{self.robot_id}-{uuid.uuid4().hex[:16]}"
