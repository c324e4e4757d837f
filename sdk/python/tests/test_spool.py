"""The spool keeps records in order on disk and survives what a power loss leaves behind."""

from __future__ import annotations

import logging
import struct

import pytest

from takeover_robot import Outbox, OutboxError, wire
from takeover_robot.spool import FRAME, HEADER, MAGIC, Entry, Spool, crc32c, encode


def entries(n: int, start: int = 0) -> list[Entry]:
    return [Entry("takeover.steps", f"robot-{i % 3}", 1_700_000_000_000 + i, bytes([i % 256]) * (10 + i % 7))
            for i in range(start, start + n)]


def read_all(spool: Spool) -> list[Entry]:
    out = []
    while spool.has_unread():
        out.append(spool.next())
    return out


def test_crc32c_is_castagnoli():
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(b"") == 0


def test_the_frame_is_javas():
    frame = encode(Entry("t", "k", 5, b"v"))
    body = struct.pack(">i", 1) + b"t" + struct.pack(">i", 1) + b"k" + struct.pack(">q", 5) + b"v"
    assert frame == struct.pack(">iI", len(body), crc32c(body)) + body


def test_records_come_back_in_order_across_a_reopen(tmp_path):
    path = tmp_path / "s"
    spool = Spool(path)
    for e in entries(50):
        spool.append(e)
    first = [spool.next() for _ in range(20)] if spool.has_unread() else []
    spool.close()
    assert first == entries(20)
    reopened = Spool(path)
    assert reopened.dropped == 0
    assert read_all(reopened) == entries(50)  # a new run reads from the start: nothing was acknowledged


def test_reading_follows_appends(tmp_path):
    spool = Spool(tmp_path / "s")
    spool.append(entries(1)[0])
    assert read_all(spool) == entries(1)
    assert not spool.has_unread()
    spool.append(entries(2)[1])
    assert read_all(spool) == entries(2)[1:]


@pytest.mark.parametrize("cut", [1, 3, FRAME, FRAME + 5])
def test_a_torn_last_record_is_cut_off_and_counted(tmp_path, cut, caplog):
    path = tmp_path / "s"
    spool = Spool(path)
    for e in entries(10):
        spool.append(e)
    spool.close()
    last = len(encode(entries(10)[-1]))
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size - last + cut)
    with caplog.at_level(logging.WARNING):
        recovered = Spool(path)
    assert recovered.dropped == 1
    assert read_all(recovered) == entries(9)
    assert "torn" in caplog.text
    assert not list(tmp_path.glob("s.corrupt-*"))
    recovered.append(entries(11)[10])
    assert read_all(recovered) == entries(11)[10:]


def test_a_damaged_record_in_the_middle_stops_the_spool_and_the_rest_is_moved_aside(tmp_path):
    path = tmp_path / "s"
    spool = Spool(path)
    for e in entries(10):
        spool.append(e)
    spool.close()
    offset = HEADER + sum(len(encode(e)) for e in entries(4)) + FRAME + 2
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    recovered = Spool(path)
    assert recovered.dropped == 6
    assert read_all(recovered) == entries(4)
    aside = list(tmp_path.glob("s.corrupt-*"))
    assert len(aside) == 1 and aside[0].stat().st_size == len(data) - (offset - FRAME - 2)


def test_an_impossible_length_is_moved_aside(tmp_path):
    path = tmp_path / "s"
    path.write_bytes(MAGIC + encode(entries(1)[0]) + struct.pack(">iI", -7, 0) + bytes(100))
    recovered = Spool(path)
    assert recovered.dropped == 1
    assert read_all(recovered) == entries(1)
    assert len(list(tmp_path.glob("s.corrupt-*"))) == 1


def test_a_file_without_the_header_is_moved_aside(tmp_path):
    path = tmp_path / "s"
    path.write_bytes(b"not a spool at all")
    recovered = Spool(path)
    assert recovered.dropped == 1 and not recovered.has_unread()
    assert len(list(tmp_path.glob("s.corrupt-*"))) == 1


@pytest.mark.parametrize("head", [b"", MAGIC[:3]])
def test_a_header_cut_short_is_an_empty_spool(tmp_path, head):
    path = tmp_path / "s"
    path.write_bytes(head)
    spool = Spool(path)
    assert spool.dropped == 0 and not spool.has_unread()


def test_rewrite_puts_records_before_the_unread_ones(tmp_path):
    spool = Spool(tmp_path / "s")
    for e in entries(6):
        spool.append(e)
    assert [spool.next() for _ in range(2)] == entries(2)
    spool.rewrite(entries(2))
    assert read_all(spool) == entries(6)


def _step(i: int) -> dict:
    return {"robot_id": f"r{i % 2}", "task": "t", "episode_id": "e", "step": i, "event_time": 1_700_000_000_000 + i,
            "observation": [0.5], "action": [0.25]}


def _spooled_steps(path) -> list[int]:
    spool = Spool(path)
    try:
        return [wire.decode("Step", e.value)["step"] for e in read_all(spool)]
    finally:
        spool.close()


UNREACHABLE = "127.0.0.1:9"  # the discard port: nothing listens there


def test_outbox_keeps_everything_in_order_on_disk_when_kafka_is_down(tmp_path):
    outbox = Outbox(UNREACHABLE, tmp_path, memory_records=8, producer_bytes=2048,
                    producer_config={"log_level": 0})
    for i in range(300):
        outbox.step(_step(i))
    assert outbox.spooled > 0
    assert not outbox.flush(0.3)
    assert not outbox.close(1.0)
    assert outbox.sent == 0 and outbox.failed == 0
    assert _spooled_steps(tmp_path / "outbox.spool") == list(range(300))


def test_outbox_adds_to_a_spool_left_by_an_earlier_run(tmp_path):
    first = Outbox(UNREACHABLE, tmp_path, memory_records=4, producer_bytes=1024, producer_config={"log_level": 0})
    for i in range(50):
        first.step(_step(i))
    first.close(0.5)
    second = Outbox(UNREACHABLE, tmp_path, memory_records=4, producer_bytes=1024, producer_config={"log_level": 0})
    for i in range(50, 80):
        second.step(_step(i))
    second.close(0.5)
    assert _spooled_steps(tmp_path / "outbox.spool") == list(range(80))


def test_outbox_survives_a_torn_spool_and_counts_it(tmp_path):
    path = tmp_path / "outbox.spool"
    spool = Spool(path)
    for i in range(5):
        spool.append(Entry("takeover.steps", "r", i, wire.encode("Step", _step(i))))
    spool.close()
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size - 3)
    outbox = Outbox(UNREACHABLE, tmp_path, producer_config={"log_level": 0})
    outbox.step(_step(5))
    outbox.close(0.5)
    assert outbox.spool_records_dropped == 1
    assert _spooled_steps(path) == [0, 1, 2, 3, 5]


def test_one_outbox_per_spool_directory(tmp_path):
    first = Outbox(UNREACHABLE, tmp_path, producer_config={"log_level": 0})
    try:
        with pytest.raises(OutboxError, match="in use"):
            Outbox(UNREACHABLE, tmp_path, producer_config={"log_level": 0})
    finally:
        first.close(0.2)
    Outbox(UNREACHABLE, tmp_path, producer_config={"log_level": 0}).close(0.2)


def test_a_closed_outbox_refuses_records(tmp_path):
    outbox = Outbox(UNREACHABLE, tmp_path, producer_config={"log_level": 0})
    outbox.close(0.2)
    with pytest.raises(OutboxError, match="closed"):
        outbox.step(_step(0))


def test_a_bad_record_is_refused_at_once(tmp_path):
    outbox = Outbox(UNREACHABLE, tmp_path, producer_config={"log_level": 0})
    try:
        with pytest.raises(wire.WireFormatError, match="observation"):
            outbox.step({**_step(0), "observation": "not a list"})
    finally:
        outbox.close(0.2)


def test_a_program_that_forgets_close_still_spools_its_records(tmp_path):
    import subprocess
    import sys
    from conftest import SDK
    program = (f"import sys; sys.path.insert(0, {str(SDK)!r})\n"
               "from takeover_robot import Outbox\n"
               f"outbox = Outbox({UNREACHABLE!r}, {str(tmp_path)!r}, producer_config={{'log_level': 0}})\n"
               "for i in range(20):\n"
               "    outbox.step({'robot_id': 'r', 'task': 't', 'episode_id': 'e', 'step': i, 'event_time': i,\n"
               "                 'observation': [0.0], 'action': [0.0]})\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _spooled_steps(tmp_path / "outbox.spool") == list(range(20))
