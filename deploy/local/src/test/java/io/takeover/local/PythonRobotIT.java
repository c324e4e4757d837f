package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.wire.Codecs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A robot we did not compile in: the Python SDK's tests against the real stack's broker, then the
 * SDK's example robot ({@code sdk/python/examples/point_robot.py}, its own task {@code point2d},
 * its own scripted operator) streaming into {@code takeover local --robots 0}. Local mode starts a
 * learner for the task when the robot registers it; the robot must end up acting with a version
 * that learner trained, and the label job must have labelled its transitions by RLIF.
 */
@Timeout(420)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PythonRobotIT {

    static final Topics TOPICS = Topics.DEFAULT;

    @TempDir
    static Path dir;
    private static LocalStack stack;
    private static long startedAt;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalSettings.in(dir.resolve("stack")).robots(0).kafkaPort(0).minReplaySize(400)
                .publishEvery(150).seed(5).metricsPort(0).jobMetricsPorts("9249-9299").build());
        startedAt = System.nanoTime();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theSdksKafkaTestsPassAgainstTheStacksBroker() throws Exception {
        PythonProcess.Run run = python(Duration.ofMinutes(3), List.of("-m", "pytest", "-q", "-m", "kafka", "-p", "no:cacheprovider",
                "tests"));
        assertEquals(0, run.exit(), "pytest -m kafka failed:\n" + run.output());
        assertFalse(run.output().contains(" skipped") && !run.output().contains(" passed"),
                "the Kafka tests were skipped, not run:\n" + run.output());
    }

    @Test
    @Order(2)
    void aPythonRobotWithItsOwnTaskIsLearnedEndToEnd() throws Exception {
        // A stack that nothing has written to for longer than the label job's idle timeout (10 s) once
        // its sources run, as when robots connect some time after it starts: the registry's input must
        // not move the event time then (every input idle), or everything the robot sends later is late.
        long idle = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - startedAt);
        if (idle > 0) {
            Thread.sleep(idle / 1_000_000);
        }
        PythonProcess.Run run = python(Duration.ofMinutes(5), List.of("examples/point_robot.py", "--bootstrap",
                stack.bootstrapServers(), "--robots", "2", "--hz", "100", "--duration", "240", "--until-version", "2",
                "--spool-dir", dir.resolve("spool").toString(), "--trusted-keys", dir.resolve("stack/keys").toString()));
        assertEquals(0, run.exit(), "the Python robot failed:\n" + run.output());
        JsonNode result = run.result();
        assertTrue(result.get("max_version").asLong() >= 2,
                "the robot should act with a version the learner trained, >= 2: " + result);

        TaskSpec task = TaskRegistry.read(stack.connection(), Duration.ofSeconds(30)).require("point2d");
        assertEquals(4, task.obsDim(), "the robot registered its task: " + task);
        assertTrue(stack.learnerOf("point2d").isPresent(), "local mode runs a learner for the registered task");

        // every transition of the robot's steps is labelled, by RLIF
        List<Step> steps = TopicReader.readAll(stack.bootstrapServers(), TOPICS.steps(), Codecs.STEP).stream()
                .filter(s -> s.getRobotId().startsWith("py-")).toList();
        assertTrue(steps.stream().anyMatch(s -> s.getPolicyVersion() >= 2), "steps acted by version >= 2");
        List<Intervention> takeovers = TopicReader.readAll(stack.bootstrapServers(), TOPICS.interventions(),
                Codecs.INTERVENTION).stream().filter(i -> i.getRobotId().startsWith("py-")
                        && i.getKind() == InterventionKind.TAKEOVER).toList();
        assertFalse(takeovers.isEmpty(), "the Python operator took over");
        Await.until(Duration.ofSeconds(60), "the robot's transitions labelled", () -> transitions().size()
                >= steps.stream().filter(s -> !s.getAction().isEmpty()).count() * 9 / 10);
        List<Transition> transitions = transitions();
        for (Transition t : transitions) {
            assertEquals("point2d", t.getTask());
            if (t.getTakeover()) {
                assertEquals(-1f, t.getReward(), "the transition before a takeover earns -1: " + t);
                assertEquals(Control.POLICY, t.getSource(), "it is the policy's: " + t);
            } else {
                assertEquals(0f, t.getReward(), "every other transition earns 0: " + t);
            }
            if (t.getSource() == Control.OPERATOR) {
                assertEquals("py-operator", t.getOperatorId(), "operator transitions carry who drove: " + t);
            }
        }
        long labelled = transitions.stream().filter(Transition::getTakeover).count();
        assertTrue(labelled >= takeovers.size() / 2 && labelled <= takeovers.size(),
                labelled + " takeover labels for " + takeovers.size() + " takeovers");
        Map<Boolean, Long> bySource = transitions.stream().collect(Collectors.partitioningBy(
                t -> t.getSource() == Control.OPERATOR, Collectors.counting()));
        assertTrue(bySource.get(true) > 0 && bySource.get(false) > 0, "both policy and operator transitions");
    }

    private static List<Transition> transitions() {
        return TopicReader.readAll(stack.bootstrapServers(), TOPICS.transitions(), Codecs.TRANSITION).stream()
                .filter(t -> t.getRobotId().startsWith("py-")).toList();
    }

    /** Runs Debian's python3 in the SDK's folder, with the stack's broker in TAKEOVER_BOOTSTRAP. */
    static PythonProcess.Run python(Duration deadline, List<String> args) throws IOException, InterruptedException {
        return PythonProcess.run(dir, deadline, Map.of("TAKEOVER_BOOTSTRAP", stack.bootstrapServers()), args);
    }
}
