package io.takeover.robot.fleet;

import static io.takeover.schemas.wire.FloatLists.boxed;

import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.task.Environment;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.Control;
import io.takeover.schemas.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Demonstrations: whole episodes an operator controls from the first step, as transitions for
 * the replay's {@code prior} table. Their reward is 0 (RLIF learns only from takeovers; a
 * demonstration has none) and their source the operator, so that HG-DAgger can imitate them.
 */
public final class Demonstrations {

    /** What was recorded: the transitions, and how many episodes the operator succeeded in. */
    public record Recorded(List<Transition> transitions, int episodes, int successes) {

        public double successRate() {
            return episodes == 0 ? Double.NaN : (double) successes / episodes;
        }
    }

    /**
     * Records {@code episodes} episodes of {@code operator} in full control, deterministic under
     * {@code seed}.
     */
    public static Recorded record(Supplier<Environment> environments, ScriptedOperator operator, int episodes,
            long seed) {
        Random rng = new Random(seed);
        List<Transition> transitions = new ArrayList<>();
        int successes = 0;
        Instant start = Instant.ofEpochMilli(0);
        for (int e = 0; e < episodes; e++) {
            Environment env = environments.get();
            TaskSpec spec = env.spec();
            String episodeId = "demo-" + seed + "-" + e;
            float[] obs = env.reset(rng);
            for (int step = 0; step < spec.maxSteps() && !env.terminated(); step++) {
                float[] action = operator.act(obs);
                float[] next = env.step(action);
                transitions.add(Transition.newBuilder().setRobotId("demonstration").setTask(spec.name())
                        .setEpisodeId(episodeId).setStep(step)
                        .setEventTime(start.plusMillis((long) e * spec.maxSteps() + step))
                        .setObservation(boxed(obs)).setAction(boxed(action)).setNextObservation(boxed(next))
                        .setReward(0f).setTerminal(env.terminated()).setSource(Control.OPERATOR).setTakeover(false)
                        .setPolicyVersion(0).setOperatorId(operator.id()).build());
                obs = next;
            }
            successes += env.succeeded() ? 1 : 0;
        }
        return new Recorded(transitions, episodes, successes);
    }

    private Demonstrations() {}
}
