"""Takeover robot SDK: stream a robot's steps and its operators' interventions to Takeover,
register its task, and run the policy versions its release channel points to.

The wire contract (topics, Avro single-object encoding) is the one the Java side speaks, byte
for byte; see ``schemas/README.md`` in the Takeover repository.
"""

from .errors import (
    InvalidPolicyError,
    OutboxError,
    RefusedPolicyError,
    TakeoverError,
    TaskConflictError,
    TaskSpecError,
    TrustedKeysError,
    UnknownSchemaError,
    WireFormatError,
)
from .kafka import Connection, create_topics, read_properties
from .outbox import Outbox
from .releases import CANARY, STABLE, ReleaseBook, archive_key, build_release, in_canary, release_key
from .policy import Policy, PolicySubscriber, build_snapshot
from .signing import Refusal, TrustedKeys, signed_bytes
from .robot import HANDBACK, OPERATOR, POLICY, TAKEOVER, Robot, wall_clock_ms
from .tasks import Outcome, TaskSpec, load, read_registry, register_task, registered_task, registered_tasks

__all__ = [
    "Connection", "create_topics", "Outbox", "Policy", "PolicySubscriber", "build_snapshot", "Robot",
    "wall_clock_ms", "POLICY", "OPERATOR", "TAKEOVER", "HANDBACK", "TaskSpec", "Outcome", "load", "register_task",
    "read_registry",
    "registered_task", "registered_tasks", "TakeoverError", "WireFormatError", "UnknownSchemaError",
    "TaskSpecError", "TaskConflictError", "InvalidPolicyError", "OutboxError", "RefusedPolicyError",
    "TrustedKeysError", "TrustedKeys", "Refusal", "signed_bytes", "read_properties", "STABLE", "CANARY",
    "ReleaseBook", "archive_key", "build_release", "in_canary", "release_key",
]
