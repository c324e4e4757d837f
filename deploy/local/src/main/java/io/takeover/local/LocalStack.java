package io.takeover.local;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.console.Console;
import io.takeover.console.ConsoleSettings;
import io.takeover.console.auth.Sessions;
import io.takeover.console.web.ConsoleWeb;
import io.takeover.flink.LabelJob;
import io.takeover.flink.LabelJobSettings;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.learner.ComputeDevice;
import io.takeover.learner.Learner;
import io.takeover.learner.LearnerSettings;
import io.takeover.replay.store.BatchMix;
import io.takeover.replay.store.ReplayStore;
import io.takeover.robot.fleet.Demonstrations;
import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.fleet.Fleet;
import io.takeover.robot.fleet.FleetSettings;
import io.takeover.robot.sdk.KafkaOutbox;
import io.takeover.robot.sdk.PolicySubscriber;
import io.takeover.robot.teleop.TeleopFollower;
import io.takeover.robot.teleop.TeleopInbox;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.robot.task.Simulators;
import io.takeover.runtime.FleetStatsBoard;
import io.takeover.runtime.LearnerWorker;
import io.takeover.runtime.StartedParts;
import io.takeover.runtime.release.ReleaseController;
import io.takeover.runtime.metrics.CheckpointMetrics;
import io.takeover.runtime.metrics.RobotMetrics;
import io.takeover.schemas.kafka.KafkaAccess.Part;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.policy.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole loop in one JVM: embedded Kafka, the label job on a Flink MiniCluster, the
 * replay store with its ingest, the learner, a simulated fleet, and the operator console.
 * Parts start in data-flow order and stop in reverse: the console first.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final int DATA_PARTITIONS = 4;
    /** The simulated robots' ids are this and a number; they obey the console's teleoperation. */
    public static final String ROBOT_ID_PREFIX = "robot-";

    private final StartedParts started = new StartedParts();
    private final EmbeddedKafka kafka;
    private PartConnections parts;
    private final boolean secured;
    private final LearnerWorker worker;
    private final Fleet fleet;
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final HTTPServer metricsServer;
    private int restPort;
    private Optional<LabelJobResume.Point> resumedFrom = Optional.empty();
    private volatile String savedTo;
    private final PolicySubscriber subscriber;
    private final TaskLearners taskLearners;
    private TrustedKeys trustedKeys;
    private Console console;
    private ConsoleSignIn consoleSignIn;
    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);

    private LocalStack(LocalSettings settings) throws Exception {
        try {
            TaskSpec task = Simulators.spec(settings.task());
            secured = settings.secured();
            Path kafkaDir = settings.dataDir().resolve("kafka");
            if (secured ? Files.exists(kafkaDir.resolve("meta.properties")) : Files.isDirectory(kafkaDir.resolve("tls"))) {
                throw new IllegalArgumentException(settings.dataDir() + " holds a stack that ran " + (secured
                        ? "without" : "with") + " --secure: start it as it ran, or use another --data-dir");
            }
            if (secured) {
                Map<Part, String> passwords = PartConnections.newPasswords();
                kafka = track(EmbeddedKafka.startSecured(kafkaDir, settings.kafkaPort(),
                        PartConnections.plainUsers(passwords)));
                parts = PartConnections.secured(kafka, passwords, settings.topics(), settings.kafkaProperties(),
                        settings.dataDir().resolve("clients"));
            } else {
                kafka = track(EmbeddedKafka.start(kafkaDir, settings.kafkaPort()));
                parts = PartConnections.shared(new KafkaConnection(kafka.bootstrapServers(),
                        settings.kafkaProperties(), settings.topics()));
            }
            TopicCreator.createAll(parts.admin(), DATA_PARTITIONS);
            // the simulators' tasks are registered like any robot's
            for (TaskSpec spec : Simulators.specs()) {
                TaskRegistry.register(parts.admin(), spec, "takeover local", REGISTRY_TIMEOUT);
            }

            // the learners sign every policy with the stack's own key; its robots trust every key in keys/
            Path keys = settings.dataDir().resolve("keys");
            SigningKey signingKey = SigningKey.readOrGenerate(keys, "local");
            trustedKeys = TrustedKeys.read(List.of(keys));

            LabelJobResume resume = new LabelJobResume(settings.dataDir().resolve("checkpoints"),
                    settings.dataDir().resolve("savepoints"));
            LabelJob job = new LabelJob(LabelJobSettings.local(parts.of(Part.LABEL_JOB),
                    settings.dataDir().resolve("checkpoints").toUri().toString()));
            Configuration flink = job.configuration();
            // the label job's own metrics, from Flink's Prometheus reporter
            flink.setString("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            flink.setString("metrics.reporter.prom.port", settings.jobMetricsPorts());
            flink.setString("metrics.reporter.prom.filter.includes", LabelJob.METRICS_FILTER);
            flink.set(RestOptions.PORT, freePort()); // Flink's REST API: checkpoint statistics come from it
            resumedFrom = resume.latest();
            resumedFrom.ifPresent(point -> {
                flink.set(StateRecoveryOptions.SAVEPOINT_PATH, point.dir().toUri().toString());
                resume.pruneAllBut(point);
            });
            JobClient jobClient = job.start(StreamExecutionEnvironment.createLocalEnvironment(flink));
            restPort = flink.get(RestOptions.PORT);
            started.track(() -> stopLabelJob(jobClient, resume.savepoints()));

            worker = track(LearnerWorker.start(parts.of(Part.LEARNER), new LearnerWorker.Settings(task,
                    settings.dataDir(), 1_000_000, settings.minReplaySize(), settings.publishEvery(),
                    Duration.ofSeconds(LearnerSettings.PUBLISH_INTERVAL_SECONDS),
                    settings.algorithm().settings(settings.hidden(), settings.batchSize(), settings.critics(),
                            settings.seed()),
                    ComputeDevice.CPU, settings.updatesPerEnvStep(), BatchMix.SYMMETRIC, () -> Demonstrations.record(
                            () -> Simulators.create(task.name()), ScriptedOperator.forTask("demonstrator",
                                    task.name(), settings.operator(), new Random(settings.seed())),
                            settings.demonstrations(), settings.seed() + 1).transitions(), signingKey,
                    settings.releases()), metrics));
            CheckpointMetrics.register(metrics, restPort, jobClient.getJobID().toString());
            metricsServer = track(HTTPServer.builder().port(settings.metricsPort()).registry(metrics).buildAndStart());
            taskLearners = track(new TaskLearners(parts.of(Part.LEARNER), settings, signingKey, line -> {
                LOG.info(line);
                System.out.println(line);
            }).start());

            if (settings.robots() > 0) {
                subscriber = track(new PolicySubscriber(parts.of(Part.ROBOT), task, trustedKeys));
                KafkaOutbox outbox = track(new KafkaOutbox(parts.of(Part.ROBOT), KafkaOutbox.Settings.in(settings.dataDir().resolve("outbox"))));
                TeleopFollower teleop = track(new TeleopFollower(parts.of(Part.ROBOT), new TeleopInbox()));
                fleet = track(new Fleet(new FleetSettings(settings.robots(), task.name(), settings.hz(), settings.seed(),
                        ROBOT_ID_PREFIX, settings.operator()), subscriber, outbox, teleop.teleop()));
                fleet.start();
                RobotMetrics.register(metrics, fleet, subscriber, outbox, teleop, task.name());
            } else {
                subscriber = null;
                fleet = null;
            }

            // the console last, so that it stops first; as its own principal on a secured broker
            if (settings.console()) {
                consoleSignIn = ConsoleSignIn.prepare(settings.dataDir().resolve("console"));
                try {
                    console = track(Console.start(new ConsoleSettings(parts.of(Part.CONSOLE), "127.0.0.1",
                            settings.consolePort(), consoleSignIn.usersFile(), ROBOT_ID_PREFIX + "*",
                            ConsoleSettings.DEFAULT_HISTORY, Sessions.DEFAULT_LIFETIME)));
                } catch (ConsoleWeb.CannotListenException e) {
                    throw new IllegalStateException(e.getMessage() + " with --console-port (or --no-console)", e);
                }
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Starts everything; on failure, stops what had started. */
    public static LocalStack start(LocalSettings settings) {
        try {
            return new LocalStack(settings);
        } catch (Exception e) {
            throw new IllegalStateException("local stack failed to start: " + e.getMessage(), e);
        }
    }

    private <T extends AutoCloseable> T track(T part) {
        return started.track(part);
    }

    /**
     * Stops the label job with a savepoint, which the next start on this data directory resumes
     * from; if that fails, cancels it, and the next start resumes from its latest checkpoint.
     */
    private void stopLabelJob(JobClient job, Path savepoints) throws Exception {
        try {
            savedTo = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
            LOG.info("label job stopped with savepoint {}", savedTo);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the label job could not stop with a savepoint ({}); cancelling it: the next start resumes "
                    + "from its latest checkpoint", e.toString());
            job.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    /** What the label job resumed from: a savepoint or checkpoint of an earlier run; empty when it started afresh. */
    public Optional<String> labelJobResumedFrom() {
        return resumedFrom.map(LabelJobResume.Point::describe);
    }

    /** The savepoint the label job stopped with, once closed; null when it had to be cancelled. */
    public String labelJobSavepoint() {
        return savedTo;
    }

    /** Port of the label job's Flink REST API (and web UI). */
    public int flinkRestPort() {
        return restPort;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Where Prometheus can scrape the replay, the learner and the fleet statistics: {@code /metrics}. */
    public int metricsPort() {
        return metricsServer.getPort();
    }

    /** The operator console's HTTP port on 127.0.0.1; -1 without a console. */
    public int consolePort() {
        return console == null ? LocalSettings.NO_CONSOLE : console.port();
    }

    /** Who signs in to the console ({@code DATA/console/users}); null without a console. */
    public Path consoleUsersFile() {
        return consoleSignIn == null ? null : consoleSignIn.usersFile();
    }

    /**
     * The generated password of the console's {@code operator} ({@code DATA/console/sign-in}), while
     * it still signs them in; empty without a console or once someone changed it.
     */
    public Optional<String> consolePassword() {
        return consoleSignIn == null ? Optional.empty() : consoleSignIn.password();
    }

    /** The console, or null without one. */
    public Console console() {
        return console;
    }

    /** Where robots outside the stack connect: the plaintext listener, or the SASL_SSL one of a secured broker. */
    public String bootstrapServers() {
        return secured ? kafka.clientBootstrapServers() : kafka.bootstrapServers();
    }

    /**
     * How the stack's own set-up reaches its broker: servers, client properties, topic prefix. On
     * a plaintext broker every part uses it; on a secured one it is the broker's super user.
     */
    public KafkaConnection connection() {
        return parts.admin();
    }

    /** How each part reaches the broker: the same connection, or each its own principal on a secured broker. */
    public PartConnections parts() {
        return parts;
    }

    /** The robots' policy subscriber, or null with {@code --robots 0}. */
    public PolicySubscriber policies() {
        return subscriber;
    }

    /** The public keys robots of this stack trust: {@code DATA/keys/*.pub}, the stack's own among them. */
    public TrustedKeys trustedKeys() {
        return trustedKeys;
    }

    public ReplayStore replay() {
        return worker.replay();
    }

    public Learner learner() {
        return worker.learner();
    }

    public FleetStatsBoard board() {
        return worker.board();
    }

    /** The release controller of the simulated robots' task. */
    public ReleaseController releases() {
        return worker.releases();
    }

    /** The learner of a task registered by an outside robot, once it runs; empty before. */
    public Optional<Learner> learnerOf(String task) {
        return Optional.ofNullable(outsideTaskWorkers().get(task)).map(LearnerWorker::learner);
    }

    /** The replay, learner and statistics of every task outside robots registered, by task, sorted. */
    public Map<String, LearnerWorker> outsideTaskWorkers() {
        Map<String, LearnerWorker> workers = new java.util.TreeMap<>();
        taskLearners.running().forEach((task, running) -> workers.put(task, running.worker()));
        return workers;
    }

    /** The simulated fleet, or null with {@code --robots 0}. */
    public Fleet fleet() {
        return fleet;
    }

    /** Stops the simulated robots first, so that what they sent can still be labelled. */
    /** The policy stable robots act with; null before the first (or without robots). */
    public io.takeover.robot.policy.MlpPolicy currentPolicy() {
        return subscriber == null ? null : subscriber.current("");
    }

    public void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    /** Idempotent; Ctrl-C and the end of {@code --duration} may both ask. */
    @Override
    public void close() {
        started.close();
    }
}
