package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.kafka.EmbeddedKafka;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack killed with SIGKILL at random moments, started again on the same data
 * directory each time, then stopped cleanly: every step Kafka acknowledged that has a successor
 * in its closed episode becomes exactly one transition.
 */
class NothingLostIT {

    private static final Topics TOPICS = Topics.DEFAULT;
    private static final int KILLS = 3;

    @Test
    @Timeout(600)
    void killedAndRestartedAgainAndAgainTheLabelJobLosesNoStepAndLabelsNoneTwice(@TempDir Path dir)
            throws Exception {
        int port = freePort();
        Random random = new Random(13);
        List<String> resumedFrom = new ArrayList<>();
        int run = 0;
        for (int k = 0; k < KILLS; k++) {
            Path out = dir.resolve("run-" + run++ + ".out");
            Process stack = start(dir, port, 4, 600, out);
            resumedFrom.add(awaitLine(stack, out, "ready", 120));
            Thread.sleep(6_000 + random.nextInt(10_000)); // the robots keep sending, checkpoints come and go
            stack.destroyForcibly().waitFor(60, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no savepoint
        }
        Path out = dir.resolve("run-" + run++ + ".out");
        Process clean = start(dir, port, 4, 15, out);
        resumedFrom.add(awaitLine(clean, out, "ready", 120));
        String stopped = awaitLine(clean, out, "stopped", 180);
        assertTrue(clean.waitFor(60, TimeUnit.SECONDS));
        assertTrue(stopped.startsWith("stopped savepoint file:"), "a clean stop leaves a savepoint: " + stopped);
        // no robots: whatever the last run left waiting is labelled once the input stays quiet
        out = dir.resolve("run-" + run + ".out");
        Process quiet = start(dir, port, 0, 12, out);
        resumedFrom.add(awaitLine(quiet, out, "ready", 120));
        awaitLine(quiet, out, "stopped", 120);
        assertTrue(quiet.waitFor(60, TimeUnit.SECONDS));

        assertEquals("ready resumed-from nothing", resumedFrom.get(0));
        for (int k = 1; k <= KILLS; k++) {
            assertTrue(resumedFrom.get(k).startsWith("ready resumed-from checkpoint"),
                    "after a kill the job resumes from its latest checkpoint: " + resumedFrom.get(k));
        }
        assertTrue(resumedFrom.get(KILLS + 1).startsWith("ready resumed-from savepoint"), resumedFrom.get(KILLS + 1));

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), port)) {
            List<Step> steps = TopicReader.readAll(kafka.bootstrapServers(), TOPICS.steps(), Codecs.STEP);
            List<Transition> transitions =
                    TopicReader.readAll(kafka.bootstrapServers(), TOPICS.transitions(), Codecs.TRANSITION);

            Map<String, Long> finalStep = new HashMap<>();
            Set<String> acknowledged = new HashSet<>();
            for (Step s : steps) {
                acknowledged.add(key(s.getRobotId(), s.getEpisodeId(), s.getStep()));
                if (s.getTerminated() || s.getTruncated()) {
                    finalStep.put(s.getRobotId() + "|" + s.getEpisodeId(), s.getStep());
                }
            }
            Map<String, Integer> labelled = new HashMap<>();
            for (Transition t : transitions) {
                labelled.merge(key(t.getRobotId(), t.getEpisodeId(), t.getStep()), 1, Integer::sum);
            }
            List<String> missing = new ArrayList<>();
            int expected = 0;
            for (Step s : steps) {
                Long last = finalStep.get(s.getRobotId() + "|" + s.getEpisodeId());
                if (last == null || s.getStep() >= last
                        || !acknowledged.contains(key(s.getRobotId(), s.getEpisodeId(), s.getStep() + 1))) {
                    continue; // an episode a kill cut short, its final step, or a step without a successor
                }
                String key = key(s.getRobotId(), s.getEpisodeId(), s.getStep());
                if (labelled.containsKey(key)) {
                    expected++;
                } else if (!missing.contains(key)) {
                    missing.add(key);
                }
            }
            System.out.printf("%d runs, %d kills: %d closed episodes, %d steps acknowledged, %d of %d steps with a "
                    + "successor labelled, %d transitions%n", KILLS + 2, KILLS, finalStep.size(), steps.size(), expected,
                    expected + missing.size(), transitions.size());
            List<String> twice = labelled.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            assertTrue(finalStep.size() >= 20, "enough closed episodes to mean something: " + finalStep.size());
            assertEquals(List.of(), missing.subList(0, Math.min(20, missing.size())),
                    missing.size() + " steps of closed episodes never became a transition (of " + (expected
                            + missing.size()) + "); the first ones");
            assertEquals(List.of(), twice.subList(0, Math.min(20, twice.size())),
                    twice.size() + " steps labelled more than once");
        }
    }

    private static String key(String robot, String episode, long step) {
        return robot + "|" + episode + "|" + step;
    }

    private static Process start(Path dir, int port, int robots, int seconds, Path out) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
                LocalStackProcess.class.getName(), dir.toString(), String.valueOf(port), String.valueOf(robots),
                String.valueOf(seconds)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** The first line the process wrote to {@code out} that starts with {@code prefix}, within the deadline. */
    private static String awaitLine(Process process, Path out, String prefix, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(out)) {
                try (Stream<String> lines = Files.lines(out)) {
                    Optional<String> line = lines.filter(l -> l.startsWith(prefix)).findFirst();
                    if (line.isPresent()) {
                        return line.get();
                    }
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        List<String> lines = Files.exists(out) ? Files.readAllLines(out) : List.of();
        throw new AssertionError("no '" + prefix + "' line from the local stack within " + seconds + " s; it wrote:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
