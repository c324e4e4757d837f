package io.takeover.learner.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.takeover.learner.Algorithm;
import io.takeover.learner.bc.BcAgent;
import io.takeover.learner.bc.BcSettings;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerCheckpointTest {

    @Test
    void aCheckpointSaysWhichAlgorithmWroteItAndAnotherRefusesIt(@TempDir Path dir) throws Exception {
        try (BcAgent agent = new BcAgent(BcSettings.DEFAULT.withHidden(16), 2, 1, new float[] {-2}, new float[] {2},
                new float[] {0, 0}, new float[] {1, 1}, Device.cpu())) {
            LearnerCheckpoint.write(dir, "pendulum", Algorithm.HG_DAGGER, 7, agent);
        }
        var refused = assertThrows(IOException.class, () -> LearnerCheckpoint.read(dir, "pendulum", Algorithm.RLIF));
        assertTrue(refused.getMessage().contains("written by a hg-dagger learner"), refused.getMessage());
        assertTrue(refused.getMessage().contains("--algorithm hg-dagger"), refused.getMessage());

        LearnerCheckpoint same = LearnerCheckpoint.read(dir, "pendulum", Algorithm.HG_DAGGER);
        assertEquals(7, same.version());
        try (BcAgent resumed = new BcAgent(BcSettings.DEFAULT.withHidden(16), 2, 1, new float[] {-2},
                new float[] {2}, new float[] {0, 0}, new float[] {1, 1}, Device.cpu())) {
            same.restore(resumed);
        }
    }
}
