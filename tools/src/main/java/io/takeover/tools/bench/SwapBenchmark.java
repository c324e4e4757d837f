package io.takeover.tools.bench;

import ai.djl.Device;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.learner.publish.SnapshotExporter;
import io.takeover.learner.sac.SacAgent;
import io.takeover.learner.sac.SacSettings;
import io.takeover.robot.sdk.PolicySubscriber;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Release;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.ReleaseBook;
import io.takeover.schemas.release.Releases;
import io.takeover.schemas.wire.Codecs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How soon robots act with a new policy: the learner's publisher appends a real snapshot
 * (256×256 actor for pendulum) to {@code takeover.policies}; each robot has its own subscriber,
 * which verifies and installs it, and a 20 Hz control loop that picks it up at its next step.
 * Per snapshot: the time from just before the append to the last robot's first step with it.
 */
public final class SwapBenchmark {

    private static final long CONTROL_PERIOD_MS = 50;

    private final Path dir;
    private final int robots;
    private final int snapshots;
    private final PrintStream out;

    public SwapBenchmark(Path dir, int robots, int snapshots, PrintStream out) {
        this.dir = dir;
        this.robots = robots;
        this.snapshots = snapshots;
        this.out = out;
    }

    public void run() throws Exception {
        Topics topics = Topics.DEFAULT;
        float[] low = Pendulum.SPEC.actionLow();
        float[] high = Pendulum.SPEC.actionHigh();
        SigningKey key = SigningKey.generate(); // robots verify each snapshot's signature, as in the field
        List<PolicySubscriber> subscribers = new ArrayList<>();
        // version -> per robot, the wall time of its first control step with that version
        Map<Long, long[]> firstActed = new ConcurrentHashMap<>();
        ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                SacAgent agent = new SacAgent(SacSettings.DEFAULT, 3, 1, low, high, new float[] {0, 0, 0},
                        new float[] {1, 1, 8}, Device.cpu())) {
            TopicCreator.createAll(kafka.connection().withTopics(topics), 1);
            for (int r = 0; r < robots; r++) {
                subscribers.add(new PolicySubscriber(kafka.connection().withTopics(topics), Pendulum.SPEC,
                        key.trusted()));
            }
            long[] acting = new long[robots];
            control.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                for (int r = 0; r < robots; r++) {
                    long v = subscribers.get(r).currentVersion();
                    if (v != acting[r]) {
                        acting[r] = v;
                        firstActed.computeIfAbsent(v, k -> new long[robots])[r] = now;
                    }
                }
            }, 0, CONTROL_PERIOD_MS, TimeUnit.MILLISECONDS);

            SnapshotExporter exporter = new SnapshotExporter(Pendulum.NAME, low, high);
            PolicySnapshot first = exporter.export(agent.actor(), 1, 0, agent.obsMean(), agent.obsStd(), Map.of());
            out.printf("%d robots, each with its own subscriber; snapshot of %,d bytes, one a second%n", robots,
                    Codecs.POLICY_SNAPSHOT.encode(first).length);
            long[] published = new long[snapshots + 1];
            KafkaConnection connection = kafka.connection().withTopics(topics);
            ReleaseBook book = new ReleaseBook(Pendulum.NAME);
            try (PolicyPublisher publisher = new PolicyPublisher(connection, key)) {
                for (int v = 1; v <= snapshots; v++) {
                    PolicySnapshot snapshot = exporter.export(agent.actor(), v, v - 1, agent.obsMean(),
                            agent.obsStd(), Map.of());
                    published[v] = System.nanoTime();
                    publisher.publish(snapshot);
                    // what the release controller does in auto-promotion, without its once-a-second clock
                    Release stable = Releases.promote(book, Channel.STABLE, v, "bench", "swap", 0);
                    Releases.write(connection, stable, Duration.ofSeconds(30));
                    book.put(stable);
                    Thread.sleep(1000);
                }
            }
            Thread.sleep(2000);
            control.shutdownNow();

            double[] allRobots = new double[snapshots];
            int missed = 0;
            for (int v = 1; v <= snapshots; v++) {
                long[] acted = firstActed.getOrDefault((long) v, new long[robots]);
                long last = 0;
                for (long t : acted) {
                    if (t == 0) {
                        missed++; // skipped over: the next version came first
                        continue;
                    }
                    last = Math.max(last, t);
                }
                allRobots[v - 1] = last == 0 ? Double.NaN : (last - published[v]) / 1e6;
            }
            // the first snapshot meets cold consumers and code: reported apart
            double[] seen = Arrays.stream(allRobots, 1, snapshots).filter(d -> !Double.isNaN(d)).sorted().toArray();
            out.printf("append -> all %d robots acting with it (ms): p50 %.0f, p90 %.0f, p99 %.0f, max %.0f over %d "
                    + "snapshots after the first (includes up to %d ms until a robot's next control step); "
                    + "the first: %.0f%n", robots, percentile(seen, 0.5), percentile(seen, 0.9),
                    percentile(seen, 0.99), seen[seen.length - 1], seen.length, CONTROL_PERIOD_MS, allRobots[0]);
            if (missed > 0) {
                out.printf("  %d robot-versions skipped (a newer version arrived first)%n", missed);
            }
        } finally {
            control.shutdownNow();
            subscribers.forEach(PolicySubscriber::close);
        }
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
