package io.takeover.runtime;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.learner.AgentSettings;
import io.takeover.learner.Algorithm;
import io.takeover.learner.ComputeDevice;
import io.takeover.learner.Learner;
import io.takeover.learner.LearnerMetrics;
import io.takeover.learner.LearnerSettings;
import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.replay.ReplayMetrics;
import io.takeover.replay.ingest.TransitionIngest;
import io.takeover.replay.store.BatchMix;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.table.TableName;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.util.List;
import java.util.function.Supplier;
import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.runtime.metrics.FleetMetrics;
import io.takeover.runtime.metrics.ReleaseMetrics;
import io.takeover.runtime.release.ReleaseController;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.policy.SigningKey;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One task's learning side: its replay store fed from the transitions topic, the learner
 * training on it and publishing candidate policies, the fleet statistics of that task, and the
 * release controller that moves its channels, all registered for Prometheus. {@code takeover local} runs one inside its JVM; on a cluster
 * {@code takeover learner} runs one per process (one learner per task).
 */
public final class LearnerWorker implements AutoCloseable {

    /**
     * @param task          the task learned
     * @param dataDir       the replay under {@code replay/<task>}, learner checkpoints under {@code learner}
     * @param replayCapacity transitions the replay keeps (the oldest go first; interventions are kept longer)
     * @param minReplaySize transitions before training starts
     * @param publishEvery  gradient steps between published policies
     * @param publishInterval longest time between published policies (whichever comes first)
     * @param agent         the algorithm and its hyper-parameters (e.g. {@link Algorithm#settings})
     * @param device        {@code cpu} or {@code gpu}
     * @param updatesPerEnvStep gradient steps per environment step; 0: as fast as the machine allows
     * @param mix           how RLIF's batches are drawn from the tables
     * @param priorData     called once, when the prior table is empty, for data to put there first
     *                      (e.g. demonstrations); none when null
     * @param signingKey    signs every published policy
     * @param releases      how the task's release channels follow the published candidates
     */
    public record Settings(TaskSpec task, Path dataDir, long replayCapacity, long minReplaySize, int publishEvery,
            Duration publishInterval, AgentSettings agent, ComputeDevice device, double updatesPerEnvStep,
            BatchMix mix, Supplier<List<Transition>> priorData, SigningKey signingKey,
            ReleaseController.Settings releases) {}

    private final StartedParts started = new StartedParts();
    private final ReplayStore replay;
    private final Learner learner;
    private final FleetStatsBoard board;
    private final ReleaseController releases;

    private LearnerWorker(KafkaConnection kafka, Settings settings, PrometheusRegistry metrics)
            throws Exception {
        try {
            TaskSpec task = settings.task();
            Path replayDir = settings.dataDir().resolve("replay").resolve(task.name());
            replay = track(ReplayStore.open(ReplaySettings.defaults(replayDir, task.name(), task.obsDim(),
                    task.actDim(), settings.replayCapacity(), settings.minReplaySize()).withMix(settings.mix())));
            if (settings.priorData() != null && replay.table(TableName.PRIOR).size() == 0) {
                List<Transition> prior = settings.priorData().get();
                if (!prior.isEmpty()) {
                    replay.insertInto(TableName.PRIOR, prior, prior.stream().map(Codecs.TRANSITION::encode).toList());
                }
            }
            TransitionIngest ingest = track(new TransitionIngest(kafka, replay).start());
            ReplayMetrics.register(metrics, replay, ingest);

            PolicyPublisher publisher = track(new PolicyPublisher(kafka, settings.signingKey()));
            learner = track(new Learner(LearnerSettings.of(task.name(), task.obsDim(), task.actionLow(),
                    task.actionHigh(), settings.agent(), settings.minReplaySize(), settings.dataDir().resolve("learner"))
                    .withPublishEvery(settings.publishEvery()).withPublishInterval(settings.publishInterval())
                    .withDevice(settings.device()).withUpdatesPerEnvStep(settings.updatesPerEnvStep()), replay,
                    publisher).start());
            LearnerMetrics.register(metrics, learner);

            board = track(new FleetStatsBoard(kafka, task.name()));
            FleetMetrics.register(metrics, board, task.name());
            releases = track(new ReleaseController(kafka, task.name(), settings.releases(), board).start());
            ReleaseMetrics.register(metrics, releases, task.name());
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Starts the replay ingest, the learner and the statistics board; on failure, stops what had started. */
    public static LearnerWorker start(KafkaConnection kafka, Settings settings, PrometheusRegistry metrics)
            throws Exception {
        return new LearnerWorker(kafka, settings, metrics);
    }

    private <T extends AutoCloseable> T track(T part) {
        return started.track(part);
    }

    public ReplayStore replay() {
        return replay;
    }

    public Learner learner() {
        return learner;
    }

    public FleetStatsBoard board() {
        return board;
    }

    public ReleaseController releases() {
        return releases;
    }

    @Override
    public void close() {
        started.close();
    }
}
