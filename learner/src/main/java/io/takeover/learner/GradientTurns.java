package io.takeover.learner;

import io.takeover.replay.sample.Batch;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * DJL's PyTorch engine lets one gradient collector collect at a time in a JVM. Learners of
 * several tasks in one JVM ({@code takeover local} with robots that bring their own task) take
 * turns, one update each, in arrival order.
 */
final class GradientTurns {

    private static final ReentrantLock TURN = new ReentrantLock(true);

    private GradientTurns() {}

    static UpdateStats update(Agent agent, List<Batch> batches) {
        TURN.lock();
        try {
            return agent.update(batches);
        } finally {
            TURN.unlock();
        }
    }
}
