package io.takeover.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary directory for a benchmark's Kafka, Flink and RocksDB data, deleted with all in it when closed. */
final class ScratchDir implements AutoCloseable {

    private final Path path;

    ScratchDir() throws IOException {
        this.path = Files.createTempDirectory("takeover-bench");
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the benchmark's data in " + path, e);
        }
    }
}
