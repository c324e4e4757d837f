package io.takeover.learner.checkpoint;

import io.takeover.replay.table.TableName;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.learner.Learner;
import io.takeover.learner.LearnerSettings;
import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.Map;

/** A learner in a process of its own, to be killed: {@code <bootstrap> <replay dir> <checkpoint dir>}. */
public final class LearnerProcess {

    static final SacSettings SAC = SacSettings.DEFAULT.withHidden(64).withBatchSize(128).withCritics(2)
            .withInitialAlpha(0.1f);

    public static void main(String[] args) throws Exception {
        try (ReplayStore replay = ReplayStore.open(replaySettings(Path.of(args[1])));
                PolicyPublisher publisher = new PolicyPublisher(KafkaConnection.to(args[0]), SigningKey.generate());
                Learner learner = new Learner(LearnerSettings.of("pendulum", 3, new float[] {-2}, new float[] {2}, SAC,
                        100, Path.of(args[2])).withPublishEvery(25).withCheckpointEvery(25), replay, publisher)
                        .start()) {
            while (learner.failure() == null) {
                System.out.println("steps " + learner.gradientSteps() + " version " + learner.publishedVersion());
                System.out.flush();
                Thread.sleep(100);
            }
            learner.failure().printStackTrace();
            System.exit(1);
        }
    }

    static ReplaySettings replaySettings(Path dir) {
        return ReplaySettings.defaults(dir, "pendulum", 3, 1, 100_000, 1).withMix(Map.of(TableName.ONLINE, 1.0));
    }

    private LearnerProcess() {}
}
