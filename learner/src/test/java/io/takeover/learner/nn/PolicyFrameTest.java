package io.takeover.learner.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class PolicyFrameTest {

    @Test
    void recordedActionsOutsideTheBoundsAreClippedToThem() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PolicyFrame frame = new PolicyFrame(manager, new float[] {0}, new float[] {1}, new float[] {-2, 0},
                    new float[] {2, 1});
            // an operator's torque of 5 (the robot applied 2) and −0.5 on a [0, 1] joint (applied 0)
            float[] mapped = frame.actions(manager, new float[] {5f, -0.5f, 1f, 0.75f}, 2).toFloatArray();
            assertArrayEquals(new float[] {1f, -1f, 0.5f, 0.5f}, mapped, 1e-6f);
        }
    }
}
