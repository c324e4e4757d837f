package io.takeover.robot.sdk;

import io.takeover.robot.sdk.OutboxSpool.Entry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The bytes of a spool file: a header, then one frame per record: the body's length, its
 * CRC32C, and the body (topic and key, length-prefixed, timestamp, value). The checksum is what
 * tells a record cut short or damaged on disk from a good one.
 */
final class SpoolFormat {

    /** Spool files before this one had no header and no checksums: see {@link SpoolRecovery}. */
    static final byte[] MAGIC = {'T', 'K', 'S', 'P', 'O', 'O', 'L', 2};
    static final int HEADER = MAGIC.length;
    /** Length and checksum, before each body. */
    static final int FRAME = 8;
    /** An empty topic and key, a timestamp and an empty value. */
    static final int MIN_BODY = 4 + 4 + 8;
    /** Far above anything Kafka takes (1 MiB by default): a longer length is damage. */
    static final int MAX_BODY = 64 << 20;

    private SpoolFormat() {}

    static boolean plausible(int bodyLength) {
        return bodyLength >= MIN_BODY && bodyLength <= MAX_BODY;
    }

    static boolean isHeader(byte[] bytes) {
        return Arrays.equals(bytes, MAGIC);
    }

    /** The record's frame and body, ready to append. */
    static byte[] encode(Entry e) {
        byte[] topic = e.topic().getBytes(StandardCharsets.UTF_8);
        byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
        long length = 4L + topic.length + 4 + key.length + 8 + e.value().length;
        if (length > MAX_BODY) {
            throw new IllegalArgumentException("a record of " + length + " bytes is too large for the outbox spool");
        }
        ByteBuffer b = ByteBuffer.allocate(FRAME + (int) length);
        b.putInt((int) length).putInt(0);
        b.putInt(topic.length).put(topic).putInt(key.length).put(key).putLong(e.timestamp()).put(e.value());
        b.putInt(4, crc(b.array(), FRAME, (int) length));
        return b.array();
    }

    /** A body whose checksum matched. */
    static Entry decode(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        String topic = string(b);
        String key = string(b);
        long timestamp = b.getLong();
        byte[] value = new byte[b.remaining()];
        b.get(value);
        return new Entry(topic, key, timestamp, value);
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static String string(ByteBuffer b) {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
