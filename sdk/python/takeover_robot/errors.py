"""Typed errors of the Takeover robot SDK.

Every error says what was wrong and what to do about it, so that a robot's log line is
enough to act on.
"""

from __future__ import annotations

from typing import Sequence


class TakeoverError(Exception):
    """Base of every error this SDK raises on purpose."""


class WireFormatError(TakeoverError):
    """Bytes that are not a record of the wire contract this SDK speaks, or a value that cannot
    be encoded as one."""


class UnknownSchemaError(WireFormatError):
    """A record written with a schema this SDK does not know (a different fingerprint).

    ``expected`` and ``actual`` are the fingerprints as 16 hex digits in wire order.
    """

    def __init__(self, type_name: str, expected: str, actual: str, actual_type: str | None = None):
        self.type_name = type_name
        self.expected = expected
        self.actual = actual
        self.actual_type = actual_type
        if actual_type is not None:
            what = f"it is a {actual_type}, not a {type_name} (wrong topic?)"
        else:
            what = ("it was written with a schema version this SDK does not know: "
                    "upgrade takeover_robot to the release of the system that wrote it")
        super().__init__(f"{type_name} expected schema fingerprint {expected}, the record has {actual}; {what}")


class TaskSpecError(TakeoverError):
    """A task spec that breaks the rules of a task; ``problems`` lists every one of them."""

    def __init__(self, task: str, problems: Sequence[str]):
        self.task = task
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"task spec {task!r} is invalid ({len(self.problems)} problem"
                         f"{'s' if len(self.problems) != 1 else ''}); fix the spec and register it again:\n{lines}")


class TaskConflictError(TakeoverError):
    """A spec whose dimensions differ from the ones its task is registered with."""


class RefusedPolicyError(TakeoverError):
    """A policy snapshot a robot must not run, and why.

    ``reason`` is the label of the refusal, as Java's ``PolicyRefusal`` writes it in metrics:
    ``undecodable``, ``unsigned``, ``unknown_key``, ``bad_signature``, ``replayed`` or
    ``invalid`` (see :class:`takeover_robot.signing.Refusal`).
    """

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = str(getattr(reason, "value", reason))


class InvalidPolicyError(RefusedPolicyError):
    """A policy snapshot that does not verify against its task (reason ``invalid``), or bytes
    that are no snapshot at all (``undecodable``); the robot keeps its last good one."""

    def __init__(self, message: str, reason: str = "invalid"):
        super().__init__(reason, message)


class TrustedKeysError(TakeoverError):
    """No trusted policy key was given or found, or a key file is not an Ed25519 public key."""


class OutboxError(TakeoverError):
    """The outbox cannot take or keep records (its spool cannot be opened or written)."""
