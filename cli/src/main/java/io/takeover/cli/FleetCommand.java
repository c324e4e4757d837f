package io.takeover.cli;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.robot.fleet.Fleet;
import io.takeover.robot.teleop.TeleopFollower;
import io.takeover.robot.teleop.TeleopInbox;
import io.takeover.robot.fleet.FleetSettings;
import io.takeover.robot.operator.OperatorSettings;
import io.takeover.robot.sdk.KafkaOutbox;
import io.takeover.robot.sdk.PolicySubscriber;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.robot.task.Simulators;
import io.takeover.runtime.metrics.RobotMetrics;
import io.takeover.schemas.kafka.KafkaConnection;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.takeover.schemas.policy.TrustedKeys;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code takeover fleet}: simulated robots and their operators against any Kafka. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Run simulated robots with scripted operators against a Kafka cluster: they publish steps and "
                + "interventions and run the newest verified policy from takeover.policies. Ctrl-C stops it.")
final class FleetCommand implements Runnable {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--robots", defaultValue = "${env:TAKEOVER_ROBOTS:-100}",
            description = "Simulated robots; TAKEOVER_ROBOTS (default ${DEFAULT-VALUE}).")
    int robots;

    @Option(names = "--task", defaultValue = "${env:TAKEOVER_TASK:-pendulum}",
            description = "pendulum or reacher; TAKEOVER_TASK (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--hz", defaultValue = "${env:TAKEOVER_HZ:-20}",
            description = "Control rate of each robot; TAKEOVER_HZ (default ${DEFAULT-VALUE}).")
    int hz;

    @Option(names = "--seed", defaultValue = "${env:TAKEOVER_SEED:-1}",
            description = "Seeds robots and operators; TAKEOVER_SEED (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--robot-prefix", defaultValue = "${env:TAKEOVER_ROBOT_PREFIX:-sim-}",
            description = "Robot ids are this plus an index; TAKEOVER_ROBOT_PREFIX (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--spool-dir", defaultValue = "${env:TAKEOVER_SPOOL_DIR:-.takeover/fleet}",
            description = "Where records wait on disk while Kafka is down; TAKEOVER_SPOOL_DIR (default ${DEFAULT-VALUE}).")
    Path spoolDir;

    @Option(names = "--client-rack", defaultValue = "${env:TAKEOVER_CLIENT_RACK}",
            description = "Where these robots are (Kafka's client.rack): with rack-aware brokers, policy snapshots "
                    + "come from the nearest replica; TAKEOVER_CLIENT_RACK (default: from the partition leader).")
    String clientRack;

    @Option(names = "--trusted-keys", required = true, split = ",", defaultValue = "${env:TAKEOVER_TRUSTED_KEYS}",
            description = "Public keys (NAME.pub) or directories of them whose signed policies the robots run; two "
                    + "during a key rotation; TAKEOVER_TRUSTED_KEYS (comma-separated).")
    List<Path> trustedKeys;

    @Option(names = "--metrics-port", defaultValue = "${env:TAKEOVER_METRICS_PORT:-9465}",
            description = "Port serving the robots' Prometheus metrics at /metrics; TAKEOVER_METRICS_PORT "
                    + "(default ${DEFAULT-VALUE}; 0: any free port).")
    int metricsPort;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 10m); default: until Ctrl-C.")
    Duration duration;

    @Option(names = "--progress-every", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often to print a progress line (default ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Mixin
    OperatorOptions operators;

    @Override
    public void run() {
        TaskSpec spec = Simulators.spec(task);
        // a simulated robot registers its task like any robot: once, refused if it clashes
        TaskRegistry.register(kafka.connection(), spec, "takeover fleet", Duration.ofSeconds(30));
        OperatorSettings operator = operators.settings(task, seed);
        FleetSettings settings = new FleetSettings(robots, spec.name(), hz, seed, prefix, operator);
        long started = System.nanoTime();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: the hook lets the loop end and waits while the outbox sends what is waiting
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "takeover-fleet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrometheusRegistry metrics = new PrometheusRegistry();
        KafkaConnection connection = kafka.connection();
        try (PolicySubscriber policies = new PolicySubscriber(connection, spec,
                TrustedKeys.read(trustedKeys), clientRack);
                KafkaOutbox outbox = new KafkaOutbox(connection, KafkaOutbox.Settings.in(spoolDir));
                TeleopFollower teleop = new TeleopFollower(connection, new TeleopInbox());
                Fleet fleet = new Fleet(settings, policies, outbox, teleop.teleop());
                HTTPServer server = HTTPServer.builder().port(metricsPort).registry(metrics).buildAndStart()) {
            RobotMetrics.register(metrics, fleet, policies, outbox, teleop, spec.name());
            fleet.start();
            System.out.printf("%d robots running %s at %d Hz against %s; operators %s. Metrics: "
                    + "http://localhost:%d/metrics%n", robots, task, hz, connection, OperatorOptions.describe(operator),
                    server.getPort());
            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < deadline) {
                long wait = Math.min(progressEvery.toNanos(), deadline - System.nanoTime());
                if (stop.await(Math.max(wait, 0), TimeUnit.NANOSECONDS)) {
                    break;
                }
                System.out.printf(Locale.ROOT, "[%4ds] policy v%d%s | %,d ticks | records sent %,d, spooled %,d, "
                        + "failed %,d | snapshots rejected %d%n", (System.nanoTime() - started) / 1_000_000_000L,
                        policies.currentVersion(), policies.canaryVersion() == 0 ? ""
                                : " (canary v" + policies.canaryVersion() + ")", fleet.ticks(), outbox.sent(),
                        outbox.spooled(), outbox.failed(), policies.rejected());
            }
            System.out.println("Stopping: sending what is still waiting …");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + metricsPort + ": " + e.getMessage(), e);
        } finally {
            stopped.countDown();
        }
        System.out.println("Stopped.");
        if (stop.getCount() > 0) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }
}
