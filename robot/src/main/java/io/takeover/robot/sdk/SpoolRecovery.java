package io.takeover.robot.sdk;

import static io.takeover.robot.sdk.SpoolFormat.FRAME;
import static io.takeover.robot.sdk.SpoolFormat.HEADER;
import static io.takeover.robot.sdk.SpoolFormat.MAGIC;

import io.takeover.robot.sdk.OutboxSpool.Entry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a spool file whole before an outbox appends to it and sends from it. A record cut short
 * at the end, as a write interrupted by a power loss leaves it, is cut off. A record damaged
 * further in stops the spool there: the records before it are kept, and everything from it on
 * is moved aside to {@code <file>.corrupt-<time>}, not deleted. Either is logged as a WARN with
 * the file, the byte offset and the bytes, and counted. A spool in the format before checksums
 * is rewritten in the current one.
 */
final class SpoolRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolRecovery.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * The most a torn tail is taken to hold. A length damaged in the middle that points past the
     * end looks like a torn record too; beyond this many bytes it is moved aside, not dropped.
     */
    static final int TORN_MAX = 64 << 10;

    /**
     * The first bad record: where it starts, whether it is what an interrupted append leaves (it
     * reaches the end of the file), and why it is bad.
     */
    record Damage(long offset, boolean torn, String why) {}

    private SpoolRecovery() {}

    /** Returns how many records were found damaged, or moved aside behind a damaged one. */
    static long recover(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.write(file, MAGIC);
            return 0;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEADER);
        }
        if (SpoolFormat.isHeader(head)) {
            return scan(file);
        }
        if (Arrays.equals(head, Arrays.copyOf(MAGIC, head.length))) {
            Files.write(file, MAGIC); // empty, or created by a run that stopped before its header was down
            return 0;
        }
        return convertLegacy(file);
    }

    /** Reads every frame; from the first bad one on, only counts the frames their lengths mark out. */
    private static long scan(Path file) throws IOException {
        long size = Files.size(file);
        long position = HEADER;
        long kept = 0;
        long bad = 0;
        Damage damage = null;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            in.skipNBytes(HEADER);
            while (position < size) {
                long left = size - position;
                if (left < FRAME) {
                    damage = first(damage, new Damage(position, true, "its length and checksum cut short"));
                    bad++;
                    break;
                }
                int length = in.readInt();
                int crc = in.readInt();
                if (!SpoolFormat.plausible(length)) {
                    damage = first(damage, new Damage(position, false, "an impossible length " + length));
                    bad++;
                    break;
                }
                if (left < FRAME + length) {
                    damage = first(damage, new Damage(position, left <= TORN_MAX,
                            "cut short: " + (left - FRAME) + " of its " + length + " bytes"));
                    bad++;
                    break;
                }
                byte[] body = in.readNBytes(length);
                if (damage == null && SpoolFormat.crc(body, 0, length) == crc) {
                    kept++;
                } else {
                    damage = first(damage, new Damage(position, left == FRAME + length && left <= TORN_MAX,
                            "checksum mismatch"));
                    bad++;
                }
                position += FRAME + length;
            }
        }
        if (damage != null) {
            setAside(file, size, kept, bad, damage);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(damage.offset());
                channel.force(true);
            }
        }
        return bad;
    }

    private static long convertLegacy(Path file) throws IOException {
        long size = Files.size(file);
        Path converted = file.resolveSibling(file.getFileName() + ".converting");
        long kept = 0;
        Damage damage;
        try (LegacySpoolReader legacy = new LegacySpoolReader(file);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(converted), 1 << 16)) {
            out.write(MAGIC);
            while (legacy.hasNext()) {
                Optional<Entry> entry = legacy.next();
                if (entry.isPresent()) {
                    out.write(SpoolFormat.encode(entry.get()));
                    kept++;
                }
            }
            damage = legacy.damage();
        }
        try (FileChannel channel = FileChannel.open(converted, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        if (damage != null) {
            setAside(file, size, kept, 1, damage); // without lengths to trust, what follows counts as one
        }
        Files.move(converted, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("outbox spool {}: rewrote its {} records with checksums", file, kept);
        return damage == null ? 0 : 1;
    }

    /** Logs what is lost from {@code damage} on; keeps a copy of it unless it is a torn tail. */
    private static void setAside(Path file, long size, long kept, long bad, Damage damage) throws IOException {
        long bytes = size - damage.offset();
        if (damage.torn()) {
            LOG.warn("outbox spool {}: dropped {} bytes at byte {}, a torn record ({}), as a write cut off by a"
                    + " power loss leaves it; the {} records before it are kept", file, bytes, damage.offset(),
                    damage.why(), kept);
            return;
        }
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(Instant.now()));
        try (FileChannel from = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel to = FileChannel.open(aside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long copied = 0; copied < bytes; ) {
                copied += from.transferTo(damage.offset() + copied, bytes - copied, to);
            }
            to.force(true);
        }
        LOG.warn("outbox spool {}: the record at byte {} is corrupt ({}); the {} records before it are kept and"
                + " sent, the {} bytes from it on ({} records, as far as their lengths tell) are not: they are"
                + " moved aside to {}", file, damage.offset(), damage.why(), kept, bytes, bad, aside);
    }

    private static Damage first(Damage earlier, Damage now) {
        return earlier != null ? earlier : now;
    }
}
