package io.takeover.replay;

import io.takeover.schemas.Control;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Pendulum-shaped transitions whose first observation value is their index; every tenth is a takeover. */
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

    public static List<Transition> range(int from, int to) {
        List<Transition> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(transition("pendulum", i));
        }
        return list;
    }

    public static List<byte[]> wire(List<Transition> transitions) {
        return transitions.stream().map(Codecs.TRANSITION::encode).toList();
    }

    private Transitions() {}
}
