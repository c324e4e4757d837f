package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.cli.Takeover;
import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.robot.fleet.SimulatedRobot;
import io.takeover.robot.task.Pendulum;
import io.takeover.robot.task.PendulumPd;
import io.takeover.runtime.release.CanaryGate;
import io.takeover.runtime.release.ReleaseController;
import io.takeover.schemas.Release;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.ReleaseBook;
import io.takeover.schemas.release.Releases;
import io.takeover.schemas.wire.Codecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Releases on a live simulated fleet: the learner is idle and the test publishes hand-made
 * pendulum policies. A PD controller holds the pendulum upright once the operator has swung it
 * up (few takeovers); its sign flipped pushes it over at once (many). What a user would check:
 * a bad version runs only on canary robots and is rolled back by the gate, a good one is
 * promoted, and {@code takeover policy rollback} moves the whole fleet back.
 */
class ReleasesIT {

    private static final double SHARE = 0.3;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    @Timeout(420)
    void aBadVersionOnlyReachesCanaryRobotsAndIsRolledBackAGoodOneIsPromotedAndRollbackMovesTheFleet(
            @TempDir Path dir) throws Exception {
        LocalSettings settings = LocalSettings.in(dir).robots(10).kafkaPort(0).hz(50).minReplaySize(1_000_000_000)
                .demonstrations(0).seed(3).metricsPort(0).jobMetricsPorts("9249-9299")
                .releases(new ReleaseController.Settings(ReleaseController.Mode.CANARY, SHARE,
                        new CanaryGate(2.0, 0.05, 0.05, 800, 20_000), 32)).build();
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
        try (LocalStack stack = LocalStack.start(settings);
                PolicyPublisher publisher = new PolicyPublisher(stack.connection(),
                        SigningKey.read(dir.resolve("keys/local.key")))) {
            List<SimulatedRobot> robots = stack.fleet().robots();
            Set<String> canary = robots.stream().map(SimulatedRobot::robotId).filter(id -> Channel.inCanary(id, SHARE))
                    .collect(Collectors.toSet());
            assertFalse(canary.isEmpty() || canary.size() == robots.size(), "both channels have robots: " + canary);
            // every (robot, version) a robot acted with, sampled at 100 Hz
            Map<String, Set<Long>> ran = new ConcurrentHashMap<>();
            watch.scheduleAtFixedRate(() -> robots.forEach(r -> ran.computeIfAbsent(r.robotId(),
                    id -> ConcurrentHashMap.newKeySet()).add(r.policyVersion())), 0, 10, TimeUnit.MILLISECONDS);

            publisher.publish(PendulumPd.snapshot(1, 5f, 1f));
            Await.until(TIMEOUT, "the first version to be stable on every robot",
                    () -> robots.stream().allMatch(r -> r.policyVersion() == 1));

            publisher.publish(PendulumPd.snapshot(2, -5f, -1f)); // pushes the pendulum over: many takeovers
            Await.until(Duration.ofSeconds(180), "the gate to roll the canary back", () -> {
                ReleaseBook book = Releases.read(stack.connection(), Pendulum.NAME, TIMEOUT);
                return book.version(Channel.CANARY) == 0
                        && book.get(Channel.CANARY).map(r -> r.getHistory().contains(2L)).orElse(false);
            });
            Release rolledBack = Releases.read(stack.connection(), Pendulum.NAME, TIMEOUT).get(Channel.CANARY)
                    .orElseThrow();
            assertEquals("canary-gate", rolledBack.getSetBy());
            assertTrue(rolledBack.getReason().startsWith("rolled back"), rolledBack.getReason());
            assertTrue(rolledBack.getEvidence().get("rate_ratio") > 1.5, "with its evidence: "
                    + rolledBack.getEvidence());
            assertEquals(1, stack.releases().version(Channel.STABLE), "stable stayed on v1");
            for (SimulatedRobot r : robots) {
                boolean ranBad = ran.get(r.robotId()).contains(2L);
                assertEquals(canary.contains(r.robotId()), ranBad, r.robotId() + " ran " + ran.get(r.robotId()));
            }
            List<Step> steps = TopicReader.readAll(stack.connection(), Topics.DEFAULT.steps(), Codecs.STEP);
            assertTrue(steps.stream().filter(s -> s.getPolicyVersion() == 2).allMatch(s -> canary.contains(s.getRobotId())),
                    "no stable robot took a step with the bad version");
            Await.until(TIMEOUT, "every robot back on v1", () -> robots.stream().allMatch(r -> r.policyVersion() == 1));

            publisher.publish(PendulumPd.snapshot(3, 6f, 1.2f)); // as good as v1
            Await.until(Duration.ofSeconds(180), "the gate to promote the good version",
                    () -> stack.releases().version(Channel.STABLE) == 3);
            Release promoted = Releases.read(stack.connection(), Pendulum.NAME, TIMEOUT).get(Channel.STABLE)
                    .orElseThrow();
            assertEquals("canary-gate", promoted.getSetBy());
            assertTrue(promoted.getReason().startsWith("promoted"), promoted.getReason());
            assertEquals(List.of(1L), promoted.getHistory());
            Await.until(TIMEOUT, "every robot on v3", () -> robots.stream().allMatch(r -> r.policyVersion() == 3));

            long before = System.nanoTime();
            int exit = Takeover.commandLine().execute("policy", "rollback", "--task", Pendulum.NAME,
                    "--bootstrap", stack.bootstrapServers(), "--by", "ana", "--reason", "test");
            assertEquals(0, exit);
            Await.until(Duration.ofSeconds(5), "the whole fleet back on v1 within the swap latency",
                    () -> robots.stream().allMatch(r -> r.policyVersion() == 1));
            System.out.printf("rollback: every robot on v1 %d ms after the command returned%n",
                    (System.nanoTime() - before) / 1_000_000);
            Release back = Releases.read(stack.connection(), Pendulum.NAME, TIMEOUT).get(Channel.STABLE).orElseThrow();
            assertTrue(back.getPinned(), "held until unpinned");
            assertEquals("ana", back.getSetBy());
        } finally {
            watch.shutdownNow();
        }
    }

}
