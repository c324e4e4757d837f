"""Tasks are data: a spec (name, dimensions, bounds, limits, field names) registered once on the
compacted ``<prefix>tasks`` topic and read by every part of the system."""

from __future__ import annotations

import enum
import json
import logging
import math
import re
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import yaml
from confluent_kafka import KafkaError, Producer

from . import wire
from .errors import TakeoverError, TaskConflictError, TaskSpecError, WireFormatError
from .kafka import Connection, ConnectionLike, connection, read_to_end

LOG = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]*")
MAX_NAME_LENGTH = 64
MAX_OBS_DIM = 4096
MAX_ACT_DIM = 256


@dataclass
class TaskSpec:
    """What a policy for a task accepts and produces, and how robots run it.

    Numbers travel as float32 on the wire; :meth:`on_the_wire` gives the spec as read back.
    """

    name: str
    obs_dim: int
    act_dim: int
    action_low: list[float]
    action_high: list[float]
    max_episode_steps: int
    control_hz: float
    observation_names: list[str] = field(default_factory=list)
    action_names: list[str] = field(default_factory=list)
    observation_mean: list[float] = field(default_factory=list)
    observation_std: list[float] = field(default_factory=list)
    description: str | None = None

    def problems(self) -> list[str]:
        """Every rule of a task this spec breaks (empty when it is valid)."""
        p: list[str] = []
        if not isinstance(self.name, str) or not NAME_PATTERN.fullmatch(self.name):
            p.append(f"name {self.name!r} must match [a-z0-9][a-z0-9_.-]* (lower case, digits, '_', '.', '-')")
        elif len(self.name) > MAX_NAME_LENGTH:
            p.append(f"name is {len(self.name)} characters long, at most {MAX_NAME_LENGTH} are allowed")
        obs_ok = _int_in(self.obs_dim, 1, MAX_OBS_DIM)
        act_ok = _int_in(self.act_dim, 1, MAX_ACT_DIM)
        if not obs_ok:
            p.append(f"obs_dim must be an integer from 1 to {MAX_OBS_DIM}, got {self.obs_dim!r}")
        if not act_ok:
            p.append(f"act_dim must be an integer from 1 to {MAX_ACT_DIM}, got {self.act_dim!r}")
        if act_ok:
            low_ok = _numbers(p, "action_low", self.action_low, self.act_dim, "act_dim")
            high_ok = _numbers(p, "action_high", self.action_high, self.act_dim, "act_dim")
            if low_ok and high_ok:
                bad = [i for i, (lo, hi) in enumerate(zip(self.action_low, self.action_high)) if not lo < hi]
                if bad:
                    p.append(f"action_low must be below action_high in every entry; it is not at index "
                             f"{', '.join(map(str, bad))}")
        if not _int_in(self.max_episode_steps, 1, 2**31 - 1):
            p.append(f"max_episode_steps must be an integer of at least 1, got {self.max_episode_steps!r}")
        if not (_is_number(self.control_hz) and math.isfinite(self.control_hz) and self.control_hz > 0):
            p.append(f"control_hz must be a finite number above 0, got {self.control_hz!r}")
        if obs_ok:
            _names(p, "observation_names", self.observation_names, self.obs_dim, "obs_dim")
            _numbers(p, "observation_mean", self.observation_mean, self.obs_dim, "obs_dim", optional=True)
            if _numbers(p, "observation_std", self.observation_std, self.obs_dim, "obs_dim", optional=True):
                bad = [i for i, s in enumerate(self.observation_std) if not s > 0]
                if bad:
                    p.append(f"observation_std must be above 0 in every entry; it is not at index "
                             f"{', '.join(map(str, bad))}")
        if act_ok:
            _names(p, "action_names", self.action_names, self.act_dim, "act_dim")
        if self.description is not None and not isinstance(self.description, str):
            p.append(f"description must be text or absent, got {type(self.description).__name__}")
        return p

    def validate(self) -> "TaskSpec":
        """Returns this spec; raises :class:`TaskSpecError` listing every problem if it breaks a rule."""
        problems = self.problems()
        if problems:
            raise TaskSpecError(str(self.name), problems)
        return self

    def to_record(self, registered_by: str = "", registered_at: int | None = None) -> dict[str, Any]:
        """The ``TaskRegistration`` record of this spec."""
        record = asdict(self)
        record["registered_by"] = registered_by
        record["registered_at"] = int(time.time() * 1000) if registered_at is None else registered_at
        return record

    @staticmethod
    def from_record(record: Mapping[str, Any]) -> "TaskSpec":
        """The spec in a decoded ``TaskRegistration`` record."""
        return TaskSpec(**{f.name: record[f.name] for f in fields(TaskSpec) if f.name in record})

    def on_the_wire(self) -> "TaskSpec":
        """This spec as it reads back from Kafka: every number rounded to float32."""
        return TaskSpec.from_record(wire.decode("TaskRegistration",
                                                wire.encode("TaskRegistration", self.to_record(registered_at=0))))


def load(path: str | Path) -> TaskSpec:
    """Reads and validates a spec from a YAML or JSON file with the :class:`TaskSpec` field names."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        raise TaskSpecError(path.stem, [f"{path} is not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {e}"])
    return from_mapping(raw, str(path))


def from_mapping(raw: Any, source: str = "the spec") -> TaskSpec:
    """A validated spec from a mapping with the :class:`TaskSpec` field names."""
    if not isinstance(raw, Mapping):
        raise TaskSpecError(source, [f"{source} must be a mapping of field names to values"])
    known = {f.name for f in fields(TaskSpec)}
    required = ["name", "obs_dim", "act_dim", "action_low", "action_high", "max_episode_steps", "control_hz"]
    problems = [f"unknown field {k!r} (known: {', '.join(sorted(known))})" for k in raw if k not in known]
    problems += [f"missing field {k!r}" for k in required if k not in raw]
    name = str(raw.get("name", source))
    if problems:
        raise TaskSpecError(name, problems)
    values = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in raw.items()}
    return TaskSpec(**values).validate()


class Outcome(enum.Enum):
    """What :func:`register_task` did."""

    REGISTERED = "REGISTERED"
    """The task was new."""
    UPDATED = "UPDATED"
    """The task was registered with another spec of the same dimensions; this one replaces it."""
    UNCHANGED = "UNCHANGED"
    """The same spec was registered already; nothing was written."""


@dataclass(frozen=True)
class Registry:
    """What reading ``<prefix>tasks`` found: the tasks by name, and every registration refused,
    with why (as the Java registry refuses them: invalid, keyed by another name, or changing a
    registered task's dimensions)."""

    tasks: dict[str, TaskSpec]
    refused: list[str]


def register_task(spec: TaskSpec, target: ConnectionLike, registered_by: str = "",
                  timeout: float = 30.0) -> Outcome:
    """Registers ``spec`` on ``<prefix>tasks``, keyed by its name.

    Reads the topic to its end first: a spec whose obs_dim or act_dim differ from the registered
    ones is refused with :class:`TaskConflictError`; one identical to the registered spec is not
    written again. Raises :class:`TaskSpecError` for an invalid spec and :class:`TakeoverError`
    when Kafka does not answer within ``timeout`` seconds.
    """
    spec.validate()
    conn = connection(target)
    deadline = time.monotonic() + timeout
    current = read_registry(conn, timeout).tasks.get(spec.name)
    if current is not None:
        if (current.obs_dim, current.act_dim) != (spec.obs_dim, spec.act_dim):
            raise TaskConflictError(
                f"task {spec.name!r} is registered with obs_dim {current.obs_dim} and act_dim {current.act_dim}; "
                f"this spec has obs_dim {spec.obs_dim} and act_dim {spec.act_dim}. A registered task's dimensions "
                "never change, because its data and policies would no longer fit: register the changed robot as "
                f"a new task (e.g. {spec.name + '-v2'!r})")
        if current == spec.on_the_wire():
            return Outcome.UNCHANGED
    value = wire.encode("TaskRegistration", spec.to_record(registered_by))
    _produce_one(conn, conn.topic("tasks"), spec.name, value, deadline)
    LOG.info("task %s registered on %s", spec.name, conn.topic("tasks"))
    return Outcome.REGISTERED if current is None else Outcome.UPDATED


def registered_tasks(target: ConnectionLike, timeout: float = 30.0) -> dict[str, TaskSpec]:
    """Every registered task by name: the newest registration of each that the registry's
    rules let in (the others are logged; see :func:`read_registry`)."""
    registry = read_registry(target, timeout)
    for refusal in registry.refused:
        LOG.warning("task registration refused: %s", refusal)
    return registry.tasks


def read_registry(target: ConnectionLike, timeout: float = 30.0) -> Registry:
    """Reads ``<prefix>tasks`` from its beginning to its end as of now, applying the registry's
    rules in topic order."""
    conn = connection(target)
    tasks: dict[str, TaskSpec] = {}
    refused: list[str] = []
    for message in read_to_end(conn, conn.topic("tasks"), timeout, {"isolation.level": "read_committed"}):
        key = message.key().decode("utf-8", "replace") if message.key() is not None else None
        if message.value() is None:
            continue  # a tombstone: compaction's business, the task stays as registered
        refusal = _refusal(key, message.value(), tasks)
        if refusal is not None:
            refused.append(f"offset {message.offset()}: {refusal}")
    return Registry(tasks, refused)


def _refusal(key: str | None, value: bytes, tasks: dict[str, TaskSpec]) -> str | None:
    """Enters one registration into ``tasks``; returns why it may not, or None when it did."""
    try:
        spec = TaskSpec.from_record(wire.decode("TaskRegistration", value))
    except WireFormatError as e:
        return f"undecodable registration under key {key!r}: {e}"
    if key is not None and key != spec.name:
        return f"registration of {spec.name!r} under key {key!r}: the key must be the task's name"
    problems = spec.problems()
    if problems:
        return str(TaskSpecError(spec.name, problems))
    registered = tasks.get(spec.name)
    if registered is not None and (registered.obs_dim, registered.act_dim) != (spec.obs_dim, spec.act_dim):
        return (f"task {spec.name!r} is registered with obs_dim {registered.obs_dim} and act_dim {registered.act_dim};"
                f" a registration with obs_dim {spec.obs_dim} and act_dim {spec.act_dim} may not change them")
    tasks[spec.name] = spec
    return None


def registered_task(name: str, target: ConnectionLike, timeout: float = 30.0) -> TaskSpec:
    """The registered spec of one task; :class:`TakeoverError` when it is not registered."""
    spec = registered_tasks(target, timeout).get(name)
    if spec is None:
        raise TakeoverError(f"task {name!r} is not registered on {connection(target).topic('tasks')}: "
                            "register it first (register_task, or bin/takeover task register)")
    return spec


def _produce_one(conn: Connection, topic: str, key: str, value: bytes, deadline: float) -> None:
    producer = Producer(conn.client_config({"enable.idempotence": True, "acks": "all"}))
    outcome: list[KafkaError | None] = []
    producer.produce(topic, value, key.encode("utf-8"), on_delivery=lambda err, _msg: outcome.append(err))
    producer.flush(max(0.0, deadline - time.monotonic()))
    if not outcome:
        producer.purge()
        producer.flush(1.0)
        raise TakeoverError(f"Kafka at {conn.bootstrap} did not take the registration in time; try again")
    if outcome[0] is not None:
        raise TakeoverError(f"Kafka refused the registration on {topic}: {outcome[0].str()}")


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and low <= value <= high


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _numbers(problems: list[str], what: str, values: Any, dim: int, dim_name: str, optional: bool = False) -> bool:
    if not isinstance(values, (list, tuple, np.ndarray)):
        problems.append(f"{what} must be a list of numbers, got {type(values).__name__}")
        return False
    if optional and len(values) == 0:
        return False
    if len(values) != dim:
        problems.append(f"{what} must have {dim_name} = {dim} entries{' or none' if optional else ''}, "
                        f"it has {len(values)}")
        return False
    bad = [i for i, v in enumerate(values) if not (_is_number(v) and math.isfinite(v))]
    if bad:
        problems.append(f"{what} must hold finite numbers; it does not at index {', '.join(map(str, bad))}")
        return False
    return True


def _names(problems: list[str], what: str, names: Any, dim: int, dim_name: str) -> None:
    if not isinstance(names, (list, tuple)):
        problems.append(f"{what} must be a list of names, got {type(names).__name__}")
        return
    if len(names) == 0:
        return
    if len(names) != dim:
        problems.append(f"{what} must have {dim_name} = {dim} entries or none, it has {len(names)}")
        return
    blank = [i for i, n in enumerate(names) if not isinstance(n, str) or not n.strip()]
    if blank:
        problems.append(f"{what} must be non-blank text; it is not at index {', '.join(map(str, blank))}")
        return
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        problems.append(f"{what} must be unique; repeated: {', '.join(repeated)}")
