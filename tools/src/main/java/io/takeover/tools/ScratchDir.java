package io.takeover.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary directory for a benchmark's Kafka, Flink and RocksDB data, deleted with all in it when closed. */
public final class ScratchDir implements AutoCloseable {

    private final Path path;

    ScratchDir() throws IOException {
        this.path = Files.createTempDirectory("takeover-bench");
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            deleteTree(path);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the benchmark's data in " + path, e);
        }
    }

    /** Deletes {@code dir} and all in it; nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
