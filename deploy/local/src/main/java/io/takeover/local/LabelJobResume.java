package io.takeover.local;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the local label job resumes from: the newest readable savepoint (left by a clean stop)
 * or retained checkpoint (left by a crash or a kill) under the data directory. Restoring it
 * brings back the job's Kafka positions together with the steps that were waiting for their
 * labels and the fleet statistics, so nothing Kafka acknowledged is labelled twice or never.
 */
final class LabelJobResume {

    private static final Logger LOG = LoggerFactory.getLogger(LabelJobResume.class);
    private static final String METADATA = "_metadata";

    enum Kind { SAVEPOINT, CHECKPOINT }

    /** A completed savepoint or checkpoint: its directory, and when its metadata was written. */
    record Point(Kind kind, Path dir, Instant taken) {
        String describe() {
            return kind.name().toLowerCase() + " " + dir + " (taken " + taken + ")";
        }
    }

    private final Path checkpoints;
    private final Path savepoints;

    LabelJobResume(Path checkpoints, Path savepoints) {
        this.checkpoints = checkpoints;
        this.savepoints = savepoints;
    }

    Path savepoints() {
        return savepoints;
    }

    /** The newest savepoint or checkpoint whose metadata reads back whole; a torn one is passed over. */
    Optional<Point> latest() {
        List<Point> all = new ArrayList<>();
        for (Path dir : children(savepoints)) {
            point(Kind.SAVEPOINT, dir).ifPresent(all::add);
        }
        for (Path job : children(checkpoints)) {
            for (Path dir : children(job)) {
                if (dir.getFileName().toString().startsWith("chk-")) {
                    point(Kind.CHECKPOINT, dir).ifPresent(all::add);
                }
            }
        }
        all.sort(Comparator.comparing(Point::taken).reversed());
        return all.stream().filter(LabelJobResume::readable).findFirst();
    }

    /**
     * Deletes every savepoint and earlier job's checkpoints but {@code keep}: the job restores
     * from it without claiming it (its first checkpoint is a full one), so nothing else is needed.
     */
    void pruneAllBut(Point keep) {
        Path keepJob = keep.kind() == Kind.CHECKPOINT ? keep.dir().getParent() : null;
        for (Path dir : children(savepoints)) {
            if (!dir.equals(keep.dir())) {
                delete(dir);
            }
        }
        for (Path job : children(checkpoints)) {
            if (!job.equals(keepJob)) {
                delete(job);
            }
        }
    }

    private static Optional<Point> point(Kind kind, Path dir) {
        Path metadata = dir.resolve(METADATA);
        try {
            return Files.isRegularFile(metadata)
                    ? Optional.of(new Point(kind, dir, Files.getLastModifiedTime(metadata).toInstant()))
                    : Optional.empty(); // a checkpoint still being written when the process died
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean readable(Point point) {
        try (InputStream in = Files.newInputStream(point.dir().resolve(METADATA))) {
            Checkpoints.loadCheckpointMetadata(new DataInputStream(in), LabelJobResume.class.getClassLoader(),
                    point.dir().toString());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("passing over {}: its metadata does not read back ({})", point.describe(), e.toString());
            return false;
        }
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static void delete(Path dir) {
        try {
            FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            LOG.warn("could not delete the old label job state {}: {}", dir, e.toString());
        }
    }
}
