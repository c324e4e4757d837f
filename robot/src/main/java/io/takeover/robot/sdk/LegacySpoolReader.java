package io.takeover.robot.sdk;

import io.takeover.robot.sdk.OutboxSpool.Entry;
import io.takeover.robot.sdk.SpoolRecovery.Damage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a spool in the format before checksums (no header; topic, key and value each
 * length-prefixed, then the timestamp), once, so that it can be rewritten in the current one.
 * Without checksums only lengths that run past the end or cannot be right show damage.
 */
final class LegacySpoolReader implements AutoCloseable {

    private final DataInputStream in;
    private final long size;
    private long position; // where the next record starts
    private long read;     // how far into the file this reader is
    private Damage damage;

    LegacySpoolReader(Path file) throws IOException {
        this.size = Files.size(file);
        this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    boolean hasNext() {
        return damage == null && position < size;
    }

    /** Where the next record starts, or the damaged one. */
    long position() {
        return position;
    }

    /** The next record, or empty where what follows is not a whole one: {@link #damage} says why. */
    Optional<Entry> next() throws IOException {
        try {
            byte[] topic = field();
            byte[] key = field();
            byte[] value = field();
            need(8);
            long timestamp = in.readLong();
            position = read;
            return Optional.of(new Entry(new String(topic, StandardCharsets.UTF_8),
                    new String(key, StandardCharsets.UTF_8), timestamp, value));
        } catch (Cut cut) {
            boolean torn = cut.torn && size - position <= SpoolRecovery.TORN_MAX;
            damage = new Damage(position, torn, cut.getMessage());
            return Optional.empty();
        }
    }

    Damage damage() {
        return damage;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private byte[] field() throws IOException, Cut {
        need(4);
        int length = in.readInt();
        if (length < 0 || length > SpoolFormat.MAX_BODY) {
            throw new Cut(false, "an impossible length " + length);
        }
        need(length);
        return in.readNBytes(length);
    }

    /** Consumes {@code bytes} of the file, or says that the record is cut short. */
    private void need(long bytes) throws Cut {
        if (size - read < bytes) {
            throw new Cut(true, "cut short");
        }
        read += bytes;
    }

    private static final class Cut extends Exception {
        final boolean torn;

        Cut(boolean torn, String why) {
            super(why, null, false, false);
            this.torn = torn;
        }
    }
}
