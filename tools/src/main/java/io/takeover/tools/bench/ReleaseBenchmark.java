package io.takeover.tools.bench;

import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.local.LocalSettings;
import io.takeover.local.LocalStack;
import io.takeover.robot.fleet.SimulatedRobot;
import io.takeover.robot.task.Pendulum;
import io.takeover.robot.task.PendulumPd;
import io.takeover.runtime.FleetStatsBoard.Totals;
import io.takeover.runtime.release.CanaryGate;
import io.takeover.runtime.release.GateTrials;
import io.takeover.runtime.release.ReleaseController;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.Releases;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The canary gate on a live simulated fleet, then on simulated traffic. Live: a known-good
 * pendulum controller as stable, then a known-bad one (its sign flipped) and another good one
 * as candidates: how long until the bad one reached the canary robots and was rolled back, what
 * it cost in takeovers, how long the good one took to become stable, and, as the reference, how
 * long a rollback by hand takes to reach every robot. Simulated: many trials of the gate on
 * Poisson traffic at the live run's rates and step rates, for its false-rollback and
 * false-promotion rates.
 */
public final class ReleaseBenchmark {

    private static final Duration DECISION_TIMEOUT = Duration.ofMinutes(5);

    private final Path dir;
    private final int robots;
    private final double share;
    private final int trials;
    private final PrintStream out;

    public ReleaseBenchmark(Path dir, int robots, double share, int trials, PrintStream out) {
        this.dir = dir;
        this.robots = robots;
        this.share = share;
        this.trials = trials;
        this.out = out;
    }

    public void run() throws Exception {
        CanaryGate gate = CanaryGate.DEFAULT;
        LocalSettings settings = LocalSettings.in(dir).robots(robots).kafkaPort(0).hz(50).minReplaySize(1_000_000_000)
                .demonstrations(0).seed(3).metricsPort(0).jobMetricsPorts("9249-9299")
                .releases(new ReleaseController.Settings(ReleaseController.Mode.CANARY, share, gate, 32)).build();
        double stableRate;
        double badRate;
        double canaryStepsPerSecond;
        double stableStepsPerSecond;
        try (LocalStack stack = LocalStack.start(settings);
                PolicyPublisher publisher = new PolicyPublisher(stack.connection(),
                        SigningKey.read(dir.resolve("keys/local.key")))) {
            List<SimulatedRobot> fleet = stack.fleet().robots();
            List<SimulatedRobot> canary = fleet.stream().filter(r -> Channel.inCanary(r.robotId(), share)).toList();
            out.printf(Locale.ROOT, "%d robots at 50 Hz, %d in the %.0f%% canary share; gate: %s%n", fleet.size(),
                    canary.size(), share * 100, gate);
            if (canary.isEmpty() || canary.size() == fleet.size()) {
                throw new IllegalStateException("the canary share holds " + canary.size() + " of " + fleet.size()
                        + " robots: choose another --share");
            }
            publisher.publish(PendulumPd.snapshot(1, 5f, 1f));
            await("v1 stable on every robot", () -> fleet.stream().allMatch(r -> r.policyVersion() == 1));
            long warm = System.nanoTime();
            await("30 s of stable traffic", () -> System.nanoTime() - warm > 30e9);

            long published = System.nanoTime();
            publisher.publish(PendulumPd.snapshot(2, -5f, -1f));
            await("the bad v2 on a canary robot", () -> canary.stream().anyMatch(r -> r.policyVersion() == 2));
            long reached = System.nanoTime();
            await("the gate's decision on v2", () -> stack.releases().version(Channel.CANARY) == 0
                    && stack.releases().decisions(CanaryGate.Decision.ROLL_BACK)
                    + stack.releases().decisions(CanaryGate.Decision.PROMOTE) > 0);
            long decided = System.nanoTime();
            boolean rolledBack = stack.releases().decisions(CanaryGate.Decision.ROLL_BACK) == 1;
            await("every robot back on v1", () -> fleet.stream().allMatch(r -> r.policyVersion() == 1));
            long back = System.nanoTime();
            Thread.sleep(15_000); // the last windows of v2's steps reach the statistics
            Totals v1 = stack.board().totals().get(1L);
            Totals v2 = stack.board().totals().get(2L);
            stableRate = (double) v1.takeovers() / v1.steps();
            badRate = (double) v2.takeovers() / v2.steps();
            double excess = v2.takeovers() - stableRate * v2.steps();
            out.printf(Locale.ROOT, "bad version (the PD controller's sign flipped): %s by the gate%n",
                    rolledBack ? "rolled back" : "PROMOTED");
            out.printf(Locale.ROOT, "  published → first canary robot on it: %.1f s%n", (reached - published) / 1e9);
            out.printf(Locale.ROOT, "  first canary robot on it → rolled back: %.1f s; → every robot back on v1: %.1f s%n",
                    (decided - reached) / 1e9, (back - reached) / 1e9);
            out.printf(Locale.ROOT, "  it cost %,d takeovers in %,d steps (%.1f per 1k against stable's %.1f): %.0f "
                    + "more than stable would have needed%n", v2.takeovers(), v2.steps(), 1000 * badRate,
                    1000 * stableRate, excess);
            canaryStepsPerSecond = 50.0 * canary.size();
            stableStepsPerSecond = 50.0 * (fleet.size() - canary.size());

            long goodPublished = System.nanoTime();
            publisher.publish(PendulumPd.snapshot(3, 6f, 1.2f));
            await("the gate's decision on v3", () -> stack.releases().version(Channel.CANARY) == 0
                    && stack.releases().decisions(CanaryGate.Decision.ROLL_BACK)
                    + stack.releases().decisions(CanaryGate.Decision.PROMOTE) > 1);
            boolean promoted = stack.releases().version(Channel.STABLE) == 3;
            await("every robot on the new stable", () -> fleet.stream().allMatch(
                    r -> r.policyVersion() == stack.releases().version(Channel.STABLE)));
            out.printf(Locale.ROOT, "good version (another PD controller): %s; published → every robot on it: %.1f s%n",
                    promoted ? "promoted" : "ROLLED BACK", (System.nanoTime() - goodPublished) / 1e9);

            // the reference: how fast a change of stable reaches every robot
            long rollback = System.nanoTime();
            Releases.write(stack.connection(), Releases.rollback(Releases.read(stack.connection(), Pendulum.NAME,
                    Duration.ofSeconds(30)), "bench", "reference"), Duration.ofSeconds(30));
            long target = Releases.read(stack.connection(), Pendulum.NAME, Duration.ofSeconds(30))
                    .version(Channel.STABLE);
            await("every robot on the rolled-back version", () -> fleet.stream().allMatch(
                    r -> r.policyVersion() == target));
            double swap = (System.nanoTime() - rollback) / 1e9;
            out.printf(Locale.ROOT, "reference, a rollback by hand: every robot on v%d %.2f s after the write; the "
                    + "bad version's rollback took %.0f× that from its first canary step%n", target, swap,
                    (back - reached) / 1e9 / swap);
        }
        simulate(gate, stableRate, badRate, canaryStepsPerSecond, stableStepsPerSecond);
    }

    /** Trials of the gate on Poisson traffic at the live rates, judged once a second as the controller does. */
    private void simulate(CanaryGate gate, double stableRate, double badRate, double canaryPerSecond,
            double stablePerSecond) {
        Random rng = new Random(17);
        out.printf(Locale.ROOT, "simulated: %,d trials each, %.0f canary and %.0f stable steps/s, stable %.1f "
                + "takeovers per 1k%n", trials, canaryPerSecond, stablePerSecond, 1000 * stableRate);
        trial(gate, rng, "a version as good as stable", stableRate, stableRate, canaryPerSecond, stablePerSecond,
                CanaryGate.Decision.ROLL_BACK, "false rollbacks");
        trial(gate, rng, String.format(Locale.ROOT, "a version %.1f× worse (the gate's design point)", gate.worseRatio()),
                stableRate * gate.worseRatio(), stableRate, canaryPerSecond, stablePerSecond,
                CanaryGate.Decision.PROMOTE, "false promotions");
        trial(gate, rng, String.format(Locale.ROOT, "the live bad version (%.1f× worse)", badRate / stableRate),
                badRate, stableRate, canaryPerSecond, stablePerSecond, CanaryGate.Decision.PROMOTE, "false promotions");
    }

    private void trial(CanaryGate gate, Random rng, String what, double canaryRate, double stableRate,
            double canaryPerSecond, double stablePerSecond, CanaryGate.Decision wrong, String wrongName) {
        int errors = 0;
        double seconds = 0;
        for (int t = 0; t < trials; t++) {
            GateTrials.Outcome outcome = GateTrials.run(gate, rng, canaryRate, stableRate,
                    Math.round(canaryPerSecond), Math.round(stablePerSecond));
            errors += outcome.decision() == wrong ? 1 : 0;
            seconds += outcome.looks();
        }
        out.printf(Locale.ROOT, "  %s: %s %.1f%% (%d of %d), decided after %.0f s of traffic on average%n", what,
                wrongName, 100.0 * errors / trials, errors, trials, seconds / trials);
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + DECISION_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within " + DECISION_TIMEOUT);
            }
            Thread.sleep(20);
        }
    }
}
