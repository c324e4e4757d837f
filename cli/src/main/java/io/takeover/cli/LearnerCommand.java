package io.takeover.cli;

import io.takeover.replay.table.TableName;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.learner.Algorithm;
import io.takeover.learner.ComputeDevice;
import io.takeover.learner.LearnerSettings;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.store.BatchMix;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.runtime.LearnerWorker;
import io.takeover.runtime.metrics.CheckpointMetrics;
import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.takeover.runtime.release.CanaryGate;
import io.takeover.runtime.release.ReleaseController;
import io.takeover.schemas.policy.SigningKey;
import picocli.CommandLine.Option;

/** {@code takeover learner}: one task's replay and learner as a process of its own, against any Kafka. */
@Command(name = "learner", mixinStandardHelpOptions = true,
        description = "Run one task's replay store (fed from takeover.transitions) and its learner (publishing to "
                + "takeover.policies) against a Kafka cluster, serving their metrics for Prometheus. Every option "
                + "can also come from the TAKEOVER_* environment variable named beside it. Ctrl-C stops it.")
final class LearnerCommand implements Runnable {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--task", defaultValue = "${env:TAKEOVER_TASK:-pendulum}",
            description = "The task this learner improves: any registered task (takeover task list); TAKEOVER_TASK "
                    + "(default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--signing-key", required = true, defaultValue = "${env:TAKEOVER_SIGNING_KEY}",
            description = "The Ed25519 key every published policy is signed with (NAME.key from takeover keys "
                    + "generate); robots run only policies a key they trust signed; TAKEOVER_SIGNING_KEY.")
    Path signingKey;

    @Option(names = "--release", defaultValue = "${env:TAKEOVER_RELEASE:-canary}",
            description = "How new versions reach the robots: canary (a share of the robots first; the canary gate "
                    + "promotes or rolls back on their takeover rate), auto (each at once), manual (takeover policy "
                    + "promote); TAKEOVER_RELEASE (default ${DEFAULT-VALUE}).")
    String release;

    @Option(names = "--canary-share", defaultValue = "${env:TAKEOVER_CANARY_SHARE:-0.1}",
            description = "The share of robots that run a canary; TAKEOVER_CANARY_SHARE (default ${DEFAULT-VALUE}).")
    double canaryShare;

    @Option(names = "--data-dir", defaultValue = "${env:TAKEOVER_DATA_DIR:-.takeover/learner}",
            description = "Replay store and learner checkpoints; TAKEOVER_DATA_DIR (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--metrics-port", defaultValue = "${env:TAKEOVER_METRICS_PORT:-9464}",
            description = "Port serving Prometheus metrics at /metrics; TAKEOVER_METRICS_PORT (default ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--device", defaultValue = "${env:TAKEOVER_DEVICE:-cpu}",
            description = "cpu, or gpu with a CUDA build of DJL's PyTorch engine; TAKEOVER_DEVICE (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--algorithm", defaultValue = "${env:TAKEOVER_ALGORITHM:-rlif}",
            description = "rlif, or hg-dagger to imitate the operators' corrections; TAKEOVER_ALGORITHM "
                    + "(default ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--critics", defaultValue = "${env:TAKEOVER_CRITICS:-10}",
            description = "Critics in the ensemble; TAKEOVER_CRITICS (default ${DEFAULT-VALUE}, as RLPD).")
    int critics;

    @Option(names = "--batch-size", defaultValue = "${env:TAKEOVER_BATCH_SIZE:-256}",
            description = "Transitions per gradient step; TAKEOVER_BATCH_SIZE (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--updates-per-env-step", defaultValue = "${env:TAKEOVER_UPDATES_PER_ENV_STEP:-1}",
            description = "Gradient steps per environment step: the learner waits for data rather than run ahead of "
                    + "it, and takeover_learner_updates_behind says when the machine cannot keep up; 0: as fast as it "
                    + "can; TAKEOVER_UPDATES_PER_ENV_STEP (default ${DEFAULT-VALUE}).")
    double updatesPerEnvStep;

    @Option(names = "--batch-mix", defaultValue = "${env:TAKEOVER_BATCH_MIX:-symmetric}",
            description = "How RLIF's batches are drawn: symmetric (RLPD: half online, half prior data such as "
                    + "demonstrations), uniform (one buffer) or interventions (half online, a quarter interventions, "
                    + "a quarter prior); TAKEOVER_BATCH_MIX (default ${DEFAULT-VALUE}).")
    String batchMix;

    @Option(names = "--replay-capacity", defaultValue = "${env:TAKEOVER_REPLAY_CAPACITY:-1000000}",
            description = "Transitions the replay keeps, the oldest leaving first; TAKEOVER_REPLAY_CAPACITY "
                    + "(default ${DEFAULT-VALUE}; ~390 bytes each on disk for 17 observations and 6 actions).")
    long replayCapacity;

    @Option(names = "--min-replay", defaultValue = "${env:TAKEOVER_MIN_REPLAY:-" + LearnerSettings.MIN_REPLAY_SIZE + "}",
            description = "Transitions in the replay before training starts; TAKEOVER_MIN_REPLAY "
                    + "(default ${DEFAULT-VALUE}).")
    long minReplay;

    @Option(names = "--publish-every", defaultValue = "${env:TAKEOVER_PUBLISH_EVERY:-" + LearnerSettings.PUBLISH_EVERY + "}",
            description = "Gradient steps between published policies; TAKEOVER_PUBLISH_EVERY (default ${DEFAULT-VALUE}).")
    int publishEvery;

    @Option(names = "--publish-interval",
            defaultValue = "${env:TAKEOVER_PUBLISH_INTERVAL:-" + LearnerSettings.PUBLISH_INTERVAL_SECONDS + "s}",
            converter = DurationConverter.class,
            description = "Longest time between published policies, whichever of the two comes first; "
                    + "TAKEOVER_PUBLISH_INTERVAL (default ${DEFAULT-VALUE}).")
    Duration publishInterval;

    @Option(names = "--flink-rest", defaultValue = "${env:TAKEOVER_FLINK_REST}",
            description = "Flink's REST API (e.g. http://jobmanager:8081): the label job's checkpoint figures are "
                    + "served beside the learner's; TAKEOVER_FLINK_REST (default: none).")
    String flinkRest;

    @Option(names = "--progress-every", defaultValue = "10s", converter = DurationConverter.class,
            description = "How often to print a progress line (default ${DEFAULT-VALUE}).")
    Duration progressEvery;

    /** The task's spec; a learner may start before the robots that register it, so it waits, saying so. */
    private TaskSpec awaitTask(KafkaConnection connection) {
        long deadline = System.nanoTime() + TASK_WAIT.toNanos();
        while (true) {
            TaskRegistry.Snapshot registry = TaskRegistry.read(connection, Duration.ofSeconds(60));
            if (registry.tasks().containsKey(task) || System.nanoTime() > deadline) {
                return registry.require(task);
            }
            System.out.println("waiting for task " + task + " to be registered (registered: "
                    + registry.tasks().keySet() + "); robots register their task, or: takeover task register FILE");
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for task " + task, e);
            }
        }
    }

    static final Duration TASK_WAIT = Duration.ofMinutes(10);

    @Override
    public void run() {
        long started = System.nanoTime();
        PrometheusRegistry metrics = new PrometheusRegistry();
        KafkaConnection connection = kafka.connection();
        TaskSpec spec = awaitTask(connection);
        LearnerWorker.Settings settings = new LearnerWorker.Settings(spec, dataDir, replayCapacity,
                minReplay, publishEvery, publishInterval,
                Algorithm.of(algorithm).settings(SacSettings.DEFAULT.hidden(), batchSize, critics,
                        SacSettings.DEFAULT.seed()), ComputeDevice.of(device),
                updatesPerEnvStep, BatchMix.of(batchMix), null, SigningKey.read(signingKey),
                new ReleaseController.Settings(ReleaseController.Mode.of(release), canaryShare, CanaryGate.DEFAULT, 32));
        CountDownLatch stop = new CountDownLatch(1);
        try (LearnerWorker worker = LearnerWorker.start(connection, settings, metrics);
                HTTPServer server = HTTPServer.builder().port(metricsPort).registry(metrics).buildAndStart()) {
            if (flinkRest != null && !flinkRest.isBlank()) {
                CheckpointMetrics.register(metrics, flinkRest);
            }
            Thread hook = new Thread(() -> {
                stop.countDown();
                worker.close();
            }, "takeover-learner-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.printf("Learner for %s on %s (%s, %d critics) against %s; replay and checkpoints in %s. "
                    + "Metrics: http://localhost:%d/metrics%n", task, device, algorithm, critics, connection,
                    dataDir.toAbsolutePath(), server.getPort());
            while (!stop.await(progressEvery.toNanos(), TimeUnit.NANOSECONDS)) {
                System.out.println(ProgressLine.format((System.nanoTime() - started) / 1_000_000_000L,
                        worker.learner().publishedVersion(), worker.board().totals(),
                        worker.replay().table(TableName.ONLINE).size(), worker.learner().stepsPerSecond(),
                        worker.learner().gradientSteps(), worker.learner().updatesBehind()));
                if (worker.learner().failure() != null) { // the process ends, so that its supervisor restarts it
                    Runtime.getRuntime().removeShutdownHook(hook);
                    throw new IllegalStateException("the learner stopped", worker.learner().failure());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("learner could not start: " + e.getMessage(), e);
        }
        System.out.println("Stopped.");
    }
}
