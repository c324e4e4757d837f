package io.takeover.robot.sdk;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Records a robot could not keep in memory, on local disk in the order they came: appended by
 * the control loop, read back from the start by the sender. One file; each record carries its
 * length and a checksum ({@link SpoolFormat}), and opening the file first cuts off or moves aside
 * what a power loss or a bad disk damaged ({@link SpoolRecovery}). Not thread-safe: the outbox
 * guards it.
 */
final class OutboxSpool implements AutoCloseable {

    /** One record for Kafka. */
    record Entry(String topic, String key, long timestamp, byte[] value) {}

    private final Path file;
    private final OutputStream out;
    private final DataInputStream in;
    private final long dropped;
    private long written;
    private long read = SpoolFormat.HEADER;

    /**
     * Opens {@code file}, keeping the whole records a previous run left there to be read first;
     * {@link #dropped} says how many it could not keep.
     */
    OutboxSpool(Path file) {
        try {
            Files.createDirectories(file.getParent());
            this.file = file;
            this.dropped = SpoolRecovery.recover(file);
            this.out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND), 1 << 16);
            this.written = Files.size(file);
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            in.skipNBytes(SpoolFormat.HEADER);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the outbox spool " + file + ": " + e.getMessage(), e);
        }
    }

    /** Records the previous run left that were torn or corrupt, found when this spool opened. */
    long dropped() {
        return dropped;
    }

    void append(Entry e) {
        try {
            byte[] record = SpoolFormat.encode(e);
            out.write(record);
            written += record.length;
        } catch (IOException x) {
            throw new UncheckedIOException("cannot append to the outbox spool " + file + ": " + x.getMessage(), x);
        }
    }

    /** Makes everything appended so far readable; returns how many bytes that is. */
    long flush() {
        try {
            out.flush();
            return written;
        } catch (IOException x) {
            throw new UncheckedIOException("cannot write the outbox spool " + file + ": " + x.getMessage(), x);
        }
    }

    /** Whether records up to {@code end} (from {@link #flush}) are still to be read. */
    boolean hasUnread(long end) {
        return read < end;
    }

    /** The next record; one damaged since this spool opened is an error naming the file and offset. */
    Entry next() {
        try {
            int length = in.readInt();
            int crc = in.readInt();
            if (!SpoolFormat.plausible(length)) {
                throw corrupt("an impossible length " + length);
            }
            byte[] body = new byte[length];
            in.readFully(body);
            if (SpoolFormat.crc(body, 0, length) != crc) {
                throw corrupt("checksum mismatch");
            }
            read += SpoolFormat.FRAME + length;
            return SpoolFormat.decode(body);
        } catch (IOException x) {
            throw new UncheckedIOException("cannot read the outbox spool " + file + ": " + x.getMessage(), x);
        }
    }

    /** Closes and deletes the file: everything in it was read. */
    void delete() {
        close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException x) {
            throw new UncheckedIOException("cannot delete the outbox spool " + file + ": " + x.getMessage(), x);
        }
    }

    @Override
    public void close() {
        try (in; out) {
            out.flush();
        } catch (IOException x) {
            throw new UncheckedIOException("cannot close the outbox spool " + file + ": " + x.getMessage(), x);
        }
    }

    private IOException corrupt(String why) {
        return new IOException("the record at byte " + read + " is corrupt (" + why
                + "); the next start keeps the records before it and moves the rest aside");
    }
}
