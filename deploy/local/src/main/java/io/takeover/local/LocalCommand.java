package io.takeover.local;

import io.takeover.replay.table.TableName;
import io.takeover.cli.DurationConverter;
import io.takeover.cli.KafkaClientOptions;
import io.takeover.cli.OperatorOptions;
import io.takeover.cli.ProgressLine;
import io.takeover.runtime.LearnerWorker;
import io.takeover.cli.Subcommand;
import io.takeover.learner.Algorithm;
import io.takeover.learner.LearnerSettings;
import io.takeover.local.LocalSettings;
import io.takeover.local.LocalStack;
import io.takeover.replay.store.ReplaySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.takeover.runtime.release.CanaryGate;
import io.takeover.runtime.release.ReleaseController;
import picocli.CommandLine.Option;

/** {@code takeover local}: the whole loop on this machine, nothing else installed. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run everything in one JVM: embedded Kafka, the label job on a Flink MiniCluster, "
                + "replay, learner, a simulated fleet and the operator console. Ctrl-C stops it cleanly.")
public final class LocalCommand implements Runnable, Subcommand {

    @Option(names = "--robots", defaultValue = "8",
            description = "Simulated robots (default ${DEFAULT-VALUE}); 0 runs the pipeline for outside producers.")
    int robots;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 120s, 10m); default: until Ctrl-C.")
    Duration duration;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the embedded Kafka (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = ".takeover/local",
            description = "Where Kafka, checkpoints and replay keep their data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--secure", description = "Run the broker with SASL_SSL (SCRAM-SHA-512, a CA of its own) and "
            + "ACLs, each part as its own user; default: plaintext.")
    boolean secure;

    @Option(names = "--release", defaultValue = "auto", description = "How new policy versions reach the robots: "
            + "auto (each at once), canary (a share of the robots first; the canary gate promotes or rolls back on "
            + "their takeover rate), manual (takeover policy promote); default ${DEFAULT-VALUE}.")
    String release;

    @Option(names = "--canary-share", defaultValue = "0.25", description = "With --release canary: the share of "
            + "robots that run a canary (default ${DEFAULT-VALUE}).")
    double canaryShare;

    @Option(names = "--hz", defaultValue = "20", description = "Control rate of each simulated robot (default ${DEFAULT-VALUE}).")
    int hz;

    @Option(names = "--publish-every", defaultValue = "" + LocalSettings.DEFAULT_PUBLISH_EVERY,
            description = "Learner gradient steps between published policies (default ${DEFAULT-VALUE}).")
    int publishEvery;

    @Option(names = "--critics", defaultValue = "2",
            description = "Critics in the learner's ensemble (default ${DEFAULT-VALUE}; RLPD uses 10 where cores allow).")
    int critics;

    @Option(names = "--algorithm", defaultValue = "rlif",
            description = "rlif, or hg-dagger to imitate the operators' corrections (default ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--metrics-port", defaultValue = "9464",
            description = "Port serving Prometheus metrics at /metrics (default ${DEFAULT-VALUE}; 0: any free port).")
    int metricsPort;

    @Option(names = "--task", defaultValue = "pendulum", description = "pendulum or reacher (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--updates-per-env-step", defaultValue = "" + LocalSettings.DEFAULT_UPDATES_PER_ENV_STEP,
            description = "Gradient steps per environment step the learner is paced to; the progress line says how "
                    + "far behind the data it is when the machine cannot keep up; 0: as fast as it can (default "
                    + "${DEFAULT-VALUE}).")
    double updatesPerEnvStep;

    @Option(names = "--demonstrations", defaultValue = "" + LocalSettings.DEFAULT_DEMONSTRATIONS,
            description = "Episodes the operator demonstrates into the replay's prior table at the first start: RLIF "
                    + "samples them as prior data, HG-DAgger pre-trains on them (default ${DEFAULT-VALUE}).")
    int demonstrations;

    @Option(names = "--console-port", defaultValue = "" + LocalSettings.DEFAULT_CONSOLE_PORT,
            description = "Port of the operator console on 127.0.0.1 (default ${DEFAULT-VALUE}; 0: any free port; -1: "
                    + "no console).")
    int consolePort;

    @Option(names = "--no-console", description = "Run without the operator console.")
    boolean noConsole;

    @Mixin
    OperatorOptions operators;

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--progress-every", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often to print a progress line (default ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Override
    public void run() {
        long started = System.nanoTime();
        System.out.println("Starting Takeover locally in " + dataDir.toAbsolutePath() + " …");
        LocalSettings.Builder builder = LocalSettings.in(dataDir);
        LocalSettings settings = builder.robots(robots).kafkaPort(kafkaPort).task(task).hz(hz).publishEvery(publishEvery)
                .critics(critics).algorithm(Algorithm.of(algorithm)).metricsPort(metricsPort)
                .updatesPerEnvStep(updatesPerEnvStep).demonstrations(demonstrations)
                .kafka(kafka.topics(), kafka.properties()).secured(secure)
                .releases(new ReleaseController.Settings(ReleaseController.Mode.of(release), canaryShare,
                        CanaryGate.DEFAULT, 32)).consolePort(noConsole ? LocalSettings.NO_CONSOLE : consolePort)
                .build();
        settings = settings.toBuilder().operator(operators.settings(task, settings.seed())).build();
        CountDownLatch stop = new CountDownLatch(1);
        try (LocalStack stack = LocalStack.start(settings)) {
            Thread hook = new Thread(() -> {
                System.out.println("Stopping …");
                stop.countDown();
                stack.close();
                printSaved(stack);
            }, "takeover-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.printf("Ready in %.1f s. Kafka bootstrap: %s (topics %s*). %s%n",
                    (System.nanoTime() - started) / 1e9, stack.bootstrapServers(), settings.topics().prefix(),
                    robots > 0 ? robots + " simulated robots running " + task + " at " + hz + " Hz; operators "
                            + OperatorOptions.describe(settings.operator()) + "."
                            : "No simulated robots: produce Step and Intervention records to "
                                    + settings.topics().steps() + " and " + settings.topics().interventions() + ".");
            if (secure) {
                System.out.printf("Secured: SASL_SSL with SCRAM-SHA-512 and ACLs; each part is a user of its own. Client "
                        + "properties in %s (robot.librdkafka.properties for Python robots: --kafka-config).%n",
                        dataDir.resolve("clients").toAbsolutePath());
            }
            System.out.printf("Policies are signed with %s; robots trust the keys in %s.%n",
                    dataDir.resolve("keys/local.key").toAbsolutePath(), dataDir.resolve("keys").toAbsolutePath());
            System.out.println(stack.labelJobResumedFrom()
                    .map(point -> "Label job resumed from " + point + ": its waiting steps, positions and fleet "
                            + "statistics carry on.")
                    .orElse("Label job started afresh (no savepoint or checkpoint in " + dataDir + ")."));
            System.out.printf("Metrics: http://localhost:%d/metrics (replay, learner, fleet, robots, checkpoints); "
                    + "label job: the first free port of %s, /metrics. Flink: http://localhost:%d%n",
                    stack.metricsPort(), settings.jobMetricsPorts(), stack.flinkRestPort());
            if (settings.console()) {
                Path signIn = ConsoleSignIn.signInFile(stack.consoleUsersFile().getParent()).toAbsolutePath();
                System.out.println(stack.consolePassword()
                        .map(password -> String.format("console: http://127.0.0.1:%d  (sign in as %s, password in "
                                + "%s: %s)", stack.consolePort(), ConsoleSignIn.USER, signIn, password))
                        .orElse(String.format("console: http://127.0.0.1:%d  (its users: %s; takeover console users "
                                + "add NAME --role operator,mlops --file %2$s)", stack.consolePort(),
                                stack.consoleUsersFile().toAbsolutePath())));
            }
            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < deadline) {
                long wait = Math.min(progressEvery.toNanos(), deadline - System.nanoTime());
                if (stop.await(Math.max(wait, 0), TimeUnit.NANOSECONDS)) {
                    return;
                }
                long elapsed = (System.nanoTime() - started) / 1_000_000_000L;
                Map<String, LearnerWorker> outside = stack.outsideTaskWorkers();
                if (robots > 0 || outside.isEmpty()) {
                    System.out.println(ProgressLine.format(outside.isEmpty() ? null : task, elapsed,
                            stack.learner().publishedVersion(), stack.board().totals(),
                            stack.replay().table(TableName.ONLINE).size(), stack.learner().stepsPerSecond(),
                            stack.learner().gradientSteps(), stack.learner().updatesBehind()));
                }
                // the tasks outside robots registered, each with its own learner
                outside.forEach((name, worker) -> System.out.println(ProgressLine.format(name, elapsed,
                        worker.learner().publishedVersion(), worker.board().totals(),
                        worker.replay().table(TableName.ONLINE).size(), worker.learner().stepsPerSecond(),
                        worker.learner().gradientSteps(), worker.learner().updatesBehind())));
                if (stack.learner().failure() != null) {
                    System.out.println("The learner stopped: " + stack.learner().failure()
                            + " (details in the log); the rest keeps running.");
                }
            }
            Runtime.getRuntime().removeShutdownHook(hook);
            System.out.println("Duration reached; stopping …");
            stack.close();
            printSaved(stack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("Stopped.");
    }

    private static void printSaved(LocalStack stack) {
        System.out.println(stack.labelJobSavepoint() != null
                ? "Label job saved to " + stack.labelJobSavepoint() + "; the next start on this data directory resumes "
                        + "from it."
                : "Label job cancelled without a savepoint; the next start resumes from its latest checkpoint.");
    }
}
