"""Records a robot could not keep in memory, on local disk in the order they came.

The file format is the Java SDK's (``OutboxSpool``/``SpoolFormat``): an 8-byte header
``TKSPOOL\\x02``, then per record a frame of the body's length and its CRC32C (big-endian
32-bit integers) and the body: topic and key (each a 32-bit length and UTF-8 bytes), the
timestamp (64-bit) and the value. Opening a spool first makes it whole: a record cut short
at the end (a power loss during a write) is cut off; a record damaged further in stops the
spool there, the records before it are kept and the rest is moved aside to
``<file>.corrupt-<time>``. Both are logged and counted, never raised.
"""

from __future__ import annotations

import logging
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable

from .errors import OutboxError

LOG = logging.getLogger(__name__)

MAGIC = b"TKSPOOL\x02"
HEADER = len(MAGIC)
FRAME = 8
MIN_BODY = 4 + 4 + 8
MAX_BODY = 64 << 20
TORN_MAX = 64 << 10
"""The most a torn tail is taken to hold; a longer damaged stretch is moved aside, not dropped."""

_FRAME = struct.Struct(">iI")


def _crc32c_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """The CRC32C (Castagnoli) checksum of ``data``, as Java's ``java.util.zip.CRC32C`` gives it."""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc ^ 0xFFFFFFFF


@dataclass(frozen=True)
class Entry:
    """One record for Kafka."""

    topic: str
    key: str
    timestamp: int
    value: bytes


def encode(entry: Entry) -> bytes:
    """The record's frame and body, ready to append."""
    topic = entry.topic.encode("utf-8")
    key = entry.key.encode("utf-8")
    body = b"".join((struct.pack(">i", len(topic)), topic, struct.pack(">i", len(key)), key,
                     struct.pack(">q", entry.timestamp), entry.value))
    if len(body) > MAX_BODY:
        raise OutboxError(f"a record of {len(body)} bytes is too large for the outbox spool (at most {MAX_BODY})")
    return _FRAME.pack(len(body), crc32c(body)) + body


def decode(body: bytes) -> Entry:
    """The record in a body whose checksum matched."""
    (topic_length,) = struct.unpack_from(">i", body, 0)
    topic = body[4:4 + topic_length].decode("utf-8")
    at = 4 + topic_length
    (key_length,) = struct.unpack_from(">i", body, at)
    key = body[at + 4:at + 4 + key_length].decode("utf-8")
    at += 4 + key_length
    (timestamp,) = struct.unpack_from(">q", body, at)
    return Entry(topic, key, timestamp, bytes(body[at + 8:]))


def recover(path: Path) -> int:
    """Makes the spool at ``path`` whole (creating it if absent); returns how many records were
    found damaged and dropped or moved aside (those behind a damaged length count as one)."""
    if not path.exists():
        _write_new(path, [])
        return 0
    with path.open("rb") as f:
        head = f.read(HEADER)
    if head == MAGIC:
        return _scan(path)
    if MAGIC.startswith(head):  # empty, or a run stopped before its header was down
        _write_new(path, [])
        return 0
    _set_aside(path, 0, path.stat().st_size, 0, 1, torn=False, why="it does not start with the spool header")
    _write_new(path, [])
    return 1


def _scan(path: Path) -> int:
    size = path.stat().st_size
    position = HEADER
    kept = bad = 0
    damage: tuple[int, bool, str] | None = None
    with path.open("rb") as f:
        f.seek(HEADER)
        while position < size:
            left = size - position
            if left < FRAME:
                damage = damage or (position, True, "its length and checksum cut short")
                bad += 1
                break
            length, crc = _FRAME.unpack(f.read(FRAME))
            if not MIN_BODY <= length <= MAX_BODY:
                damage = damage or (position, False, f"an impossible length {length}")
                bad += 1
                break
            if left < FRAME + length:
                damage = damage or (position, left <= TORN_MAX, f"cut short: {left - FRAME} of its {length} bytes")
                bad += 1
                break
            body = f.read(length)
            if damage is None and crc32c(body) == crc:
                kept += 1
            else:
                last = left == FRAME + length
                damage = damage or (position, last and left <= TORN_MAX, "checksum mismatch")
                bad += 1
            position += FRAME + length
    if damage is not None:
        offset, torn, why = damage
        _set_aside(path, offset, size, kept, bad, torn, why)
        with path.open("r+b") as f:
            f.truncate(offset)
            f.flush()
            os.fsync(f.fileno())
    return bad


def _set_aside(path: Path, offset: int, size: int, kept: int, bad: int, torn: bool, why: str) -> None:
    lost = size - offset
    if torn:
        LOG.warning("outbox spool %s: dropped %d bytes at byte %d, a torn record (%s), as a write cut off by a "
                    "power loss leaves it; the %d records before it are kept", path, lost, offset, why, kept)
        return
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}"
                           f"{int(time.time() * 1000) % 1000:03d}Z")
    with path.open("rb") as src, aside.open("xb") as dst:
        src.seek(offset)
        dst.write(src.read(lost))
        dst.flush()
        os.fsync(dst.fileno())
    LOG.warning("outbox spool %s: the record at byte %d is corrupt (%s); the %d records before it are kept and sent, "
                "the %d bytes from it on (%d records, as far as their lengths tell) are not: they are moved aside "
                "to %s", path, offset, why, kept, lost, bad, aside)


def _write_new(path: Path, frames: Iterable[bytes]) -> None:
    """Writes a complete spool atomically: a temporary file, synced, then renamed over ``path``."""
    fresh = path.with_name(path.name + ".writing")
    with fresh.open("wb") as f:
        f.write(MAGIC)
        for frame in frames:
            f.write(frame)
        f.flush()
        os.fsync(f.fileno())
    os.replace(fresh, path)


class Spool:
    """One spool file: appended to by the control loop, read from the start by the sender.

    Not thread-safe: the outbox guards it with its lock.
    """

    def __init__(self, path: Path):
        """Opens ``path`` (recovering what a previous run left); :attr:`dropped` says how many
        records it could not keep. Raises :class:`OutboxError` when the file cannot be used."""
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.dropped = recover(path)
            self._out: BinaryIO = path.open("ab", buffering=1 << 16)
            self._written = path.stat().st_size
            self._in: BinaryIO = path.open("rb", buffering=1 << 16)
            self._in.seek(HEADER)
        except OSError as e:
            raise OutboxError(f"cannot open the outbox spool {path}: {e}; check the disk and the permissions "
                              "of the spool directory") from e
        self._read = HEADER
        self._flushed = self._written

    def append(self, entry: Entry) -> None:
        """Adds a record at the end."""
        frame = encode(entry)
        try:
            self._out.write(frame)
        except OSError as e:
            raise OutboxError(f"cannot append to the outbox spool {self.path}: {e}") from e
        self._written += len(frame)

    def flush(self) -> None:
        """Makes what was appended readable (hands it to the operating system)."""
        if self._flushed != self._written:
            try:
                self._out.flush()
            except OSError as e:
                raise OutboxError(f"cannot write the outbox spool {self.path}: {e}") from e
            self._flushed = self._written

    def sync(self) -> None:
        """Puts what was appended on the disk itself."""
        self.flush()
        os.fsync(self._out.fileno())

    def has_unread(self) -> bool:
        """Whether records appended so far are still to be read."""
        self.flush()
        return self._read < self._written

    def next(self) -> Entry:
        """The next unread record; one damaged since the spool opened is an :class:`OutboxError`."""
        self.flush()
        frame = self._in.read(FRAME)
        if len(frame) < FRAME:
            raise self._corrupt("cut short")
        length, crc = _FRAME.unpack(frame)
        if not MIN_BODY <= length <= MAX_BODY:
            raise self._corrupt(f"an impossible length {length}")
        body = self._in.read(length)
        if len(body) < length or crc32c(body) != crc:
            raise self._corrupt("checksum mismatch")
        self._read += FRAME + length
        return decode(body)

    def unread_frames(self) -> bytes:
        """The bytes of every record not read yet."""
        self.flush()
        with self.path.open("rb") as f:
            f.seek(self._read)
            return f.read(self._written - self._read)

    def rewrite(self, before: Iterable[Entry]) -> int:
        """Replaces the file by ``before`` followed by the records not read yet, reading again from
        the start; returns how many records ``before`` held."""
        frames = [encode(e) for e in before]
        rest = self.unread_frames()
        self.close()
        try:
            _write_new(self.path, [*frames, rest])
            self._out = self.path.open("ab", buffering=1 << 16)
            self._in = self.path.open("rb", buffering=1 << 16)
            self._in.seek(HEADER)
        except OSError as e:
            raise OutboxError(f"cannot rewrite the outbox spool {self.path}: {e}") from e
        self._read = HEADER
        self._written = self._flushed = self.path.stat().st_size
        return len(frames)

    def close(self) -> None:
        """Syncs and closes the file, keeping it for the next run."""
        try:
            self._out.flush()
            os.fsync(self._out.fileno())
        except OSError as e:
            LOG.error("outbox spool %s: the last records may not be on disk: %s", self.path, e)
        finally:
            self._out.close()
            self._in.close()

    def delete(self) -> None:
        """Closes and deletes the file: everything in it was read."""
        self._out.close()
        self._in.close()
        self.path.unlink(missing_ok=True)

    def _corrupt(self, why: str) -> OutboxError:
        return OutboxError(f"the outbox spool {self.path} is damaged at byte {self._read} ({why}) since it was "
                           "opened; the next start keeps the records before it and moves the rest aside")
