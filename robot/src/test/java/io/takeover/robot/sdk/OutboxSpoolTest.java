package io.takeover.robot.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.sdk.OutboxSpool.Entry;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutboxSpoolTest {

    private static final int RECORDS = 100;

    @TempDir
    Path dir;

    /**
     * Power is lost while the last record is written: {@code written} bytes of it are on disk (-1:
     * all but its last byte). The spool opens with that record cut off and counted, the others in
     * order, and takes new records after them.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 8, 20, -1})
    void aTornLastRecordIsCutOffAndTheRecordsBeforeItAreReadInOrder(int written) throws IOException {
        Path file = dir.resolve("outbox.spool");
        long[] starts = spool(file, RECORDS);
        long last = starts[RECORDS - 1];
        long cut = written >= 0 ? last + written : Files.size(file) - 1;
        truncate(file, cut);

        try (CapturedLog log = new CapturedLog(SpoolRecovery.class); OutboxSpool spool = new OutboxSpool(file)) {
            assertEquals(1, spool.dropped(), "the torn record is counted");
            assertEquals(1, log.lines().size(), log.lines().toString());
            String warning = log.lines().get(0);
            assertTrue(warning.startsWith("WARN") && warning.contains(file.toString())
                    && warning.contains("byte " + last) && warning.contains((cut - last) + " bytes"), warning);
            assertEquals(last, Files.size(file), "the file ends where the torn record began");
            assertEquals(names(0, RECORDS - 1), readAll(spool));
            spool.append(entry(1000));
            spool.append(entry(1001));
            assertEquals(List.of(name(entry(1000)), name(entry(1001))), readAll(spool), "new records follow");
        }
        try (OutboxSpool again = new OutboxSpool(file)) {
            assertEquals(0, again.dropped(), "nothing torn any more");
            List<String> expected = new ArrayList<>(names(0, RECORDS - 1));
            expected.addAll(List.of(name(entry(1000)), name(entry(1001))));
            assertEquals(expected, readAll(again));
        }
        assertEquals(List.of(), asideFiles(), "a torn tail is not kept");
    }

    /**
     * A byte flipped in record 50 (in its length, its checksum or its body): the length or the
     * checksum gives it away. The 50 records before it are read; it and the 49 after it are moved
     * aside, byte for byte, not deleted, and counted (as one lump when the length that would
     * mark them out is the damaged part); the spool takes new records after the good ones.
     */
    @ParameterizedTest
    @CsvSource({"0, 1", "5, 50", "11, 50"})
    void aFlippedByteInAMiddleRecordStopsTheSpoolThereAndMovesTheRestAside(int at, long dropped)
            throws IOException {
        Path file = dir.resolve("outbox.spool");
        long[] starts = spool(file, RECORDS);
        byte[] before = Files.readAllBytes(file);
        flip(file, starts[50] + at);

        try (CapturedLog log = new CapturedLog(SpoolRecovery.class); OutboxSpool spool = new OutboxSpool(file)) {
            assertEquals(dropped, spool.dropped(), "the corrupt record and those after it");
            assertEquals(1, log.lines().size(), log.lines().toString());
            String warning = log.lines().get(0);
            assertTrue(warning.startsWith("WARN") && warning.contains(file.toString())
                    && warning.contains("byte " + starts[50])
                    && warning.contains((before.length - starts[50]) + " bytes") && warning.contains(".corrupt-"),
                    warning);
            assertEquals(names(0, 50), readAll(spool));
            spool.append(entry(1000));
            assertEquals(List.of(name(entry(1000))), readAll(spool));
        }
        List<Path> aside = asideFiles();
        assertEquals(1, aside.size(), "moved aside: " + aside);
        byte[] expected = Arrays.copyOfRange(before, (int) starts[50], before.length);
        expected[at] ^= (byte) 0x80;
        assertArrayEquals(expected, Files.readAllBytes(aside.get(0)), "the rest of the file, as it was");
    }

    /** Damage that comes after the spool opened is an error naming the file and the offset. */
    @Test
    void aRecordDamagedWhileTheSpoolIsOpenIsAnErrorNamingTheFileAndOffset() throws IOException {
        Path file = dir.resolve("outbox.spool");
        try (OutboxSpool spool = new OutboxSpool(file)) {
            long[] starts = new long[3];
            for (int k = 0; k < 3; k++) {
                starts[k] = spool.flush();
                spool.append(entry(k));
            }
            long end = spool.flush();
            flip(file, starts[1] + SpoolFormat.FRAME + 1);
            assertEquals(name(entry(0)), name(spool.next()));
            UncheckedIOException e = assertThrows(UncheckedIOException.class, spool::next);
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("byte " + starts[1])
                    && e.getMessage().contains("checksum"), e.getMessage());
            assertTrue(spool.hasUnread(end));
        }
    }

    /**
     * A spool from before checksums (no header; topic, key and value length-prefixed, then the
     * timestamp) is rewritten with checksums, whole records in order, a torn last one cut off.
     */
    @Test
    void aSpoolInTheFormatBeforeChecksumsIsReadAndRewritten() throws IOException {
        Path file = dir.resolve("outbox.spool");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            for (int k = 0; k < 10; k++) {
                Entry e = entry(k);
                for (byte[] field : List.of(e.topic().getBytes(StandardCharsets.UTF_8),
                        e.key().getBytes(StandardCharsets.UTF_8), e.value())) {
                    out.writeInt(field.length);
                    out.write(field);
                }
                out.writeLong(e.timestamp());
            }
            out.writeInt(14); // a torn eleventh: its topic's length and half of it
            out.write("takeove".getBytes(StandardCharsets.UTF_8));
        }
        try (OutboxSpool spool = new OutboxSpool(file)) {
            assertEquals(1, spool.dropped());
            assertEquals(names(0, 10), readAll(spool));
        }
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), SpoolFormat.HEADER);
        assertTrue(SpoolFormat.isHeader(head), "rewritten in the current format");
        try (OutboxSpool again = new OutboxSpool(file)) {
            assertEquals(0, again.dropped());
            assertEquals(names(0, 10), readAll(again));
        }
    }

    /** Writes records 0..n-1 to a new spool and closes it; returns where each record starts. */
    static long[] spool(Path file, int n) {
        long[] starts = new long[n];
        try (OutboxSpool spool = new OutboxSpool(file)) {
            for (int k = 0; k < n; k++) {
                starts[k] = spool.flush();
                spool.append(entry(k));
            }
        }
        return starts;
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    static void flip(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x80));
            b.rewind();
            channel.write(b, position);
        }
    }

    private List<Path> asideFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("outbox.spool.corrupt-")).toList();
        }
    }

    private static List<String> readAll(OutboxSpool spool) {
        List<String> read = new ArrayList<>();
        long end = spool.flush();
        while (spool.hasUnread(end)) {
            read.add(name(spool.next()));
        }
        return read;
    }

    private static Entry entry(int k) {
        return new Entry("takeover.steps", "robot-" + k % 3, 1_700_000_000_000L + k,
                ("step " + k).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> names(int from, int to) {
        return IntStream.range(from, to).mapToObj(k -> name(entry(k))).toList();
    }

    private static String name(Entry e) {
        return e.topic() + "/" + e.key() + "/" + e.timestamp() + "/" + new String(e.value(), StandardCharsets.UTF_8);
    }
}
