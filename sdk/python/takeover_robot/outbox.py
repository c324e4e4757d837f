"""Publishes a robot's steps and interventions without ever blocking its control loop."""

from __future__ import annotations

import atexit
import fcntl
import functools
import logging
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, BinaryIO, Mapping

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from . import wire
from .errors import OutboxError
from .kafka import ConnectionLike, connection, wait_until
from .spool import Entry, Spool

LOG = logging.getLogger(__name__)

SPOOL_FILE = "outbox.spool"
_PURGED = (KafkaError._PURGE_QUEUE, KafkaError._PURGE_INFLIGHT)


class Outbox:
    """Sends ``Step`` and ``Intervention`` records to Kafka, keyed by robot id, with the record's
    ``event_time`` as the Kafka timestamp.

    :meth:`step` and :meth:`intervention` never wait for Kafka: records wait in a bounded queue
    in memory for a sender thread; when Kafka is slow or down and the queue is full, they go to
    a spool file on local disk and are sent from there, in order, once Kafka takes them again.
    A spool left by an earlier run is sent first. The producer is idempotent: its retries
    neither duplicate nor reorder a robot's records, and it retries until :meth:`close`.

    Nothing handed over is lost on purpose: at :meth:`close`, or when the sender stops on an
    error, every record Kafka has not acknowledged is written to the spool, in order, for the
    next run (which may therefore send a record twice, never zero times). Only a crash of the
    process loses what was in memory then; a torn spool record is cut off and counted
    (:attr:`spool_records_dropped`).
    """

    def __init__(self, target: ConnectionLike, spool_dir: str | Path, *, memory_records: int = 10_000,
                 producer_bytes: int = 8 << 20, producer_config: Mapping[str, Any] | None = None):
        """
        :param target: the Kafka connection (or ``"host:port"``)
        :param spool_dir: directory of this outbox's spool file; one outbox per directory
        :param memory_records: records kept in memory before spooling
        :param producer_bytes: the Kafka producer's own buffer
        :param producer_config: further librdkafka producer settings
        """
        conn = connection(target)
        self._steps = conn.topic("steps")
        self._interventions = conn.topic("interventions")
        self._step_codec = wire.contract().codec("Step")
        self._intervention_codec = wire.contract().codec("Intervention")
        self.spool_path = Path(spool_dir) / SPOOL_FILE
        self._memory = memory_records
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._queue: deque[Entry] = deque()
        self._inflight: dict[int, Entry] = {}  # handed to the sender, not acknowledged; in order
        self._next_seq = 0
        self._sent = self._spooled = self._failed = self._dropped = 0
        self._last_error: str | None = None
        self._failure: str | None = None
        self._fatal: KafkaError | None = None
        self._closing = self._closed = self._abandon = False
        self._file_lock = _lock(self.spool_path)
        self._spool: Spool | None = None
        try:
            if self.spool_path.exists():
                self._spool = self._open_spool()
                LOG.info("sending what an earlier run spooled to %s first", self.spool_path)
            self._producer = Producer(conn.client_config({
                "enable.idempotence": True, "acks": "all", "linger.ms": 5, "compression.type": "lz4",
                "message.timeout.ms": 0,  # retry until delivered; close() spools what is left
                "queue.buffering.max.kbytes": max(1, producer_bytes // 1024),
                "error_cb": self._on_error, **(producer_config or {})}))
        except BaseException:
            self._file_lock.close()
            raise
        self._sender = threading.Thread(target=self._run, name="takeover-outbox-sender", daemon=True)
        self._sender.start()
        atexit.register(self.close, 5.0)  # a program that forgets close() still spools what is left

    # -- the control loop's side --------------------------------------------------------------

    def step(self, step: Mapping[str, Any]) -> None:
        """Queues a ``Step`` (a dict by field name; see :mod:`takeover_robot.wire`).

        Raises :class:`~takeover_robot.errors.WireFormatError` for a value that is not a Step,
        and :class:`OutboxError` only when the record can be kept neither in memory nor on disk.
        """
        value = self._step_codec.encode(step)
        self._offer(Entry(self._steps, str(step["robot_id"]), int(step["event_time"]), value))

    def intervention(self, intervention: Mapping[str, Any]) -> None:
        """Queues an ``Intervention``; as :meth:`step`."""
        value = self._intervention_codec.encode(intervention)
        self._offer(Entry(self._interventions, str(intervention["robot_id"]), int(intervention["event_time"]),
                          value))

    def _offer(self, entry: Entry) -> None:
        with self._lock:
            if self._closed:
                raise OutboxError("the outbox is closed: open a new one to send more records")
            if self._spool is None and self._failure is None and len(self._queue) < self._memory:
                self._queue.append(entry)
                self._wake.set()
                return
            if self._spool is None:
                self._spool = self._open_spool()
                LOG.warning("Kafka is not keeping up: spooling records to %s", self.spool_path)
            self._spool.append(entry)
            self._spooled += 1

    # -- what anyone may read -----------------------------------------------------------------

    @property
    def sent(self) -> int:
        """Records Kafka acknowledged."""
        return self._sent

    @property
    def spooled(self) -> int:
        """Records written to the spool file (memory full, the sender stopped, or left at close)."""
        return self._spooled

    @property
    def failed(self) -> int:
        """Records Kafka refused for good (too large, not authorised, unknown topic); not retried."""
        return self._failed

    @property
    def spool_records_dropped(self) -> int:
        """Records an earlier run spooled that were torn or corrupt, cut off or moved aside."""
        return self._dropped

    @property
    def last_error(self) -> str | None:
        """The last error Kafka or the spool reported, if any (the sender may have recovered)."""
        return self._last_error

    @property
    def healthy(self) -> bool:
        """Whether the sender still sends (False once it stopped on an error: see :attr:`failure`)."""
        return self._failure is None

    @property
    def failure(self) -> str | None:
        """Why the sender stopped, if it did: then records go to the spool for the next run."""
        return self._failure

    @property
    def in_memory(self) -> int:
        """Records in memory that Kafka has not acknowledged yet (queued, or in the producer)."""
        with self._lock:
            return len(self._queue) + len(self._inflight)

    @property
    def spooling(self) -> bool:
        """Whether records wait in the spool file (new ones then go there too, to keep the order)."""
        return self._spool is not None

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits up to ``timeout`` seconds for Kafka to acknowledge everything handed over so far;
        returns whether it did. Records it has not taken stay queued."""
        def done() -> bool:
            with self._lock:
                return self._failure is not None or not (self._queue or self._inflight or self._spool)
        return wait_until(done, timeout) and self._failure is None

    def close(self, timeout: float = 10.0) -> bool:
        """Sends what is waiting, for up to ``timeout`` seconds, then stops; returns whether
        everything was delivered. What Kafka did not take stays in the spool for the next run."""
        with self._lock:
            if self._closed:
                return False
            self._closed = self._closing = True
        self._wake.set()
        deadline = time.monotonic() + timeout
        self._sender.join(max(0.0, deadline - time.monotonic()))
        if not self._sender.is_alive() and self._failure is None:
            self._producer.flush(max(0.0, deadline - time.monotonic()))
        with self._lock:
            undelivered = bool(self._queue or self._inflight or self._spool)
        try:
            if undelivered:
                self._abandon = True
                self._wake.set()
                self._sender.join(5.0)
                self._producer.purge()
                self._producer.poll(0)
                with self._lock:
                    kept = self._spill()
                    if self._spool is not None:
                        self._spool.close()
                LOG.error("Kafka did not take everything within %.1f s: %d records in memory went to the spool %s, "
                          "which the next run sends first", timeout, kept, self.spool_path)
        finally:
            self._file_lock.close()
            atexit.unregister(self.close)
        return not undelivered

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the sender thread --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                self._producer.poll(0)
                if self._fatal is not None:
                    raise KafkaException(self._fatal)
                taken = self._take()
                if taken is _DONE:
                    return
                if taken is None:
                    self._wake.wait(0.05)
                    self._wake.clear()
                    continue
                self._produce(*taken)
        except Exception as e:  # the sender must say why it stopped, whatever it was
            self._stop(e)

    def _take(self) -> Any:
        """The next record to send, marked in flight: the queue's, then the spool's."""
        with self._lock:
            if self._abandon:
                return _DONE
            entry = self._queue.popleft() if self._queue else None
            if entry is None and self._spool is not None:
                if self._spool.has_unread():
                    entry = self._spool.next()
                else:
                    self._spool.delete()
                    self._spool = None
                    LOG.info("spool sent; records go to memory again")
            if entry is None:
                return _DONE if self._closing and self._spool is None else None
            seq = self._next_seq
            self._next_seq += 1
            self._inflight[seq] = entry
            return seq, entry

    def _produce(self, seq: int, entry: Entry) -> None:
        while True:
            try:
                self._producer.produce(entry.topic, entry.value, entry.key.encode("utf-8"), timestamp=entry.timestamp,
                                       on_delivery=functools.partial(self._delivered, seq))
                return
            except BufferError:  # the producer's buffer is full: Kafka is slow or down
                if self._abandon:
                    return  # still in flight: close() spools it
                self._producer.poll(0.05)
            except KafkaException as e:
                error: KafkaError = e.args[0]
                if error.fatal():
                    raise
                with self._lock:
                    self._inflight.pop(seq, None)
                    self._refused(entry.topic, error)
                return

    def _delivered(self, seq: int, error: KafkaError | None, message: Message) -> None:
        with self._lock:
            if error is None:
                if self._inflight.pop(seq, None) is not None:
                    self._sent += 1
            elif error.code() in _PURGED:
                pass  # close() or a stopped sender spools it
            elif error.fatal():
                self._fatal = error
            else:
                self._inflight.pop(seq, None)
                self._refused(message.topic(), error)

    def _refused(self, topic: str, error: KafkaError) -> None:
        if self._failed == 0:
            LOG.error("cannot publish to %s: %s", topic, error.str())
        self._failed += 1
        self._last_error = f"cannot publish to {topic}: {error.str()}"

    def _on_error(self, error: KafkaError) -> None:
        self._last_error = error.str()
        if error.fatal():
            self._fatal = error

    def _stop(self, cause: BaseException) -> None:
        """Records why the sender stopped and sends everything from now on to the spool."""
        try:
            self._producer.purge()
            self._producer.poll(0)
        except Exception as e:  # the spool below matters more than a clean producer
            LOG.warning("cannot purge the producer: %s", e)
        with self._lock:
            self._failure = f"{type(cause).__name__}: {cause}"
            self._last_error = self._failure
            LOG.error("the outbox sender stopped (%s): nothing more goes to Kafka in this run; records are spooled "
                      "to %s for the next run", self._failure, self.spool_path)
            try:
                self._spill()
            except OutboxError as e:
                LOG.error("cannot spool the records in memory either: %s", e)

    def _spill(self) -> int:
        """Puts every unacknowledged record in memory at the front of the spool, in order;
        called with the lock held. Returns how many records that was."""
        undelivered = [*self._inflight.values(), *self._queue]
        self._inflight.clear()
        self._queue.clear()
        if not undelivered and self._spool is None:
            return 0
        if self._spool is None:
            self._spool = self._open_spool()
        self._spool.rewrite(undelivered)
        self._spool.sync()
        self._spooled += len(undelivered)
        return len(undelivered)

    def _open_spool(self) -> Spool:
        spool = Spool(self.spool_path)
        self._dropped += spool.dropped
        return spool


_DONE = object()


def _lock(spool: Path) -> BinaryIO:
    """Holds ``<spool>.lock`` so that no second outbox uses the same spool."""
    try:
        spool.parent.mkdir(parents=True, exist_ok=True)
        handle = (spool.parent / (spool.name + ".lock")).open("ab")
    except OSError as e:
        raise OutboxError(f"cannot use the spool directory {spool.parent}: {e}") from e
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise OutboxError(f"the spool {spool} is in use by another outbox (another process of this robot?): "
                          "give each outbox its own spool directory") from None
    return handle
