package io.takeover.replay;

import io.takeover.schemas.Control;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.time.Instant;
import java.util.List;

/** Pendulum-shaped transitions whose first observation value is their index. */
public final class Transitions {

    public static Transition transition(String task, int index) {
        return Transition.newBuilder().setRobotId("r").setTask(task).setEpisodeId("e").setStep(index)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + index))
                .setObservation(List.of((float) index, 0f, 1f)).setAction(List.of(0.5f))
                .setNextObservation(List.of((float) index + 1, 0f, 1f)).setReward(index % 10 == 0 ? -1f : 0f)
                .setTerminal(false).setSource(Control.POLICY).setTakeover(index % 10 == 0).setPolicyVersion(1)
                .build();
    }

    public static byte[] bytes(int index) {
        return Codecs.TRANSITION.encode(transition("pendulum", index));
    }

    private Transitions() {}
}
