package io.takeover.robot.sdk;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Records a robot could not keep in memory, on local disk in the order they came: appended by
 * the control loop, read back from the start by the sender. One file; a record is its topic,
 * key and value, length-prefixed, and its timestamp. Not thread-safe: the outbox guards it.
 */
final class OutboxSpool implements AutoCloseable {

    /** One record for Kafka. */
    record Entry(String topic, String key, long timestamp, byte[] value) {}

    private final Path file;
    private final DataOutputStream out;
    private final DataInputStream in;
    private long written;
    private long read;

    /** Opens {@code file}, keeping what a previous run left there to be read first. */
    OutboxSpool(Path file) {
        try {
            Files.createDirectories(file.getParent());
            this.file = file;
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16));
            this.written = Files.size(file);
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the outbox spool " + file + ": " + e.getMessage(), e);
        }
    }

    void append(Entry e) {
        try {
            written += writeBytes(e.topic().getBytes(StandardCharsets.UTF_8));
            written += writeBytes(e.key().getBytes(StandardCharsets.UTF_8));
            written += writeBytes(e.value());
            out.writeLong(e.timestamp());
            written += 8;
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

    Entry next() {
        try {
            byte[] topic = readBytes();
            byte[] key = readBytes();
            byte[] value = readBytes();
            long timestamp = in.readLong();
            read += 4 + topic.length + 4 + key.length + 4 + value.length + 8;
            return new Entry(new String(topic, StandardCharsets.UTF_8), new String(key, StandardCharsets.UTF_8),
                    timestamp, value);
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

    private long writeBytes(byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
        return 4L + bytes.length;
    }

    private byte[] readBytes() throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }
}
