package io.takeover.local;

import io.takeover.learner.ComputeDevice;
import io.takeover.learner.LearnerSettings;
import io.takeover.replay.store.BatchMix;
import io.takeover.robot.task.Simulators;
import io.takeover.runtime.LearnerWorker;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A learner for every task robots from outside register with the stack, at start or while it runs
 * (the registry's topic, followed): each with its replay under {@code tasks/NAME} of the data
 * directory and its metrics on a port of its own. Simulated tasks are left to the stack's own
 * learner.
 */
final class TaskLearners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLearners.class);

    /** One task's learner and where its metrics are served. */
    record Running(TaskSpec task, LearnerWorker worker, HTTPServer metrics) {}

    private final KafkaConnection kafka;
    private final LocalSettings settings;
    private final SigningKey signingKey;
    private final Set<String> skip;
    private final Consumer<String> announce;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final TaskRegistry.Book book = new TaskRegistry.Book();
    private final TopicFollower follower;
    private volatile boolean closed;

    /** @param announce told one line per learner started, for the person running the stack */
    TaskLearners(KafkaConnection kafka, LocalSettings settings, SigningKey signingKey, Consumer<String> announce) {
        this.kafka = kafka;
        this.settings = settings;
        this.signingKey = signingKey;
        this.skip = Set.copyOf(Simulators.specs().stream().map(TaskSpec::name).toList());
        this.announce = announce;
        this.follower = new TopicFollower(kafka, kafka.topics().tasks(), new Properties(), Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
                String refusal = book.apply(r.key(), r.value());
                if (refusal != null) {
                    LOG.warn("task registration refused: {}", refusal);
                } else {
                    TaskSpec spec = book.tasks().get(r.key());
                    if (spec != null && !skip.contains(spec.name())) {
                        running.computeIfAbsent(spec.name(), name -> start(spec));
                    }
                }
            }
        });
    }

    TaskLearners start() {
        follower.start();
        return this;
    }

    private Running start(TaskSpec task) {
        if (closed) {
            return null;
        }
        LearnerWorker worker = null;
        try {
            PrometheusRegistry metrics = new PrometheusRegistry();
            worker = LearnerWorker.start(kafka, new LearnerWorker.Settings(task,
                    settings.dataDir().resolve("tasks").resolve(task.name()), 1_000_000, settings.minReplaySize(),
                    settings.publishEvery(), Duration.ofSeconds(LearnerSettings.PUBLISH_INTERVAL_SECONDS),
                    settings.algorithm().settings(settings.hidden(), settings.batchSize(), settings.critics(),
                            settings.seed()),
                    ComputeDevice.CPU, settings.updatesPerEnvStep(), BatchMix.SYMMETRIC, null, signingKey,
                    settings.releases()), metrics);
            HTTPServer server = HTTPServer.builder().port(0).registry(metrics).buildAndStart();
            announce.accept("learning task " + task.name() + " (registered by a robot; obs " + task.obsDim()
                    + ", act " + task.actDim() + "); its metrics: http://localhost:" + server.getPort() + "/metrics");
            return new Running(task, worker, server);
        } catch (Exception e) {
            LOG.error("could not start a learner for task {}: {}", task.name(), e.toString(), e);
            if (worker != null) {
                worker.close();
            }
            return null;
        }
    }

    /** The learners running now, by task. */
    Map<String, Running> running() {
        return Map.copyOf(running);
    }

    @Override
    public void close() {
        closed = true;
        follower.close();
        running.values().forEach(r -> {
            r.metrics().close();
            r.worker().close();
        });
    }
}
