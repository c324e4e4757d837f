package io.takeover.flink.label;

import io.takeover.schemas.Transition;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds back the last K transitions of an episode so that, when a takeover comes, those
 * before it can be marked with how many steps before the takeover they were.
 */
public final class PreTakeoverMarker {

    private PreTakeoverMarker() {}

    /**
     * Adds {@code next} to the held-back {@code held} (oldest first, modified in place) and
     * returns what may be emitted now, in order.
     */
    public static List<Transition> offer(List<Transition> held, Transition next, int k) {
        List<Transition> ready = new ArrayList<>();
        if (next.getTakeover()) {
            next.setStepsToTakeover(0);
            for (Transition t : held) {
                long distance = next.getStep() - t.getStep();
                if (distance <= k && t.getEpisodeId().equals(next.getEpisodeId())) {
                    t.setStepsToTakeover((int) distance);
                }
            }
            ready.addAll(held);
            held.clear();
            ready.add(next);
            return ready;
        }
        held.add(next);
        while (held.size() > k) {
            ready.add(held.remove(0));
        }
        return ready;
    }
}
