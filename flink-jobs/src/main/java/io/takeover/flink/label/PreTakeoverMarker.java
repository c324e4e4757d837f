package io.takeover.flink.label;

import io.takeover.schemas.Transition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.util.Collector;

/**
 * Holds back the last K transitions of a robot's episode, in keyed state by step, so that when
 * a takeover comes those before it can be marked with how many steps before the takeover they
 * were. A step in costs one write, one read and one delete: the held transitions are read all
 * together only at a takeover or when the episode ends.
 */
final class PreTakeoverMarker {

    private final MapState<Long, Transition> held;
    private final int k;

    PreTakeoverMarker(MapState<Long, Transition> held, int k) {
        this.held = held;
        this.k = k;
    }

    /**
     * Takes the next transition of the episode (its steps follow those held, one by one) and
     * emits, in step order, what no later takeover can mark any more.
     */
    void offer(Transition next, Collector<Transition> out) throws Exception {
        if (next.getTakeover()) {
            next.setStepsToTakeover(0);
            List<Transition> before = drain();
            for (Transition t : before) {
                long distance = next.getStep() - t.getStep();
                if (distance <= k) {
                    t.setStepsToTakeover((int) distance);
                }
                out.collect(t);
            }
            out.collect(next);
            return;
        }
        if (k == 0) {
            out.collect(next);
            return;
        }
        held.put(next.getStep(), next);
        long oldest = next.getStep() - k;
        Transition released = held.get(oldest);
        if (released != null) {
            held.remove(oldest);
            out.collect(released);
        }
    }

    /** Emits everything held, in step order: the episode ended or broke off. */
    void flush(Collector<Transition> out) throws Exception {
        drain().forEach(out::collect);
    }

    private List<Transition> drain() throws Exception {
        List<Transition> all = new ArrayList<>();
        for (Map.Entry<Long, Transition> e : held.entries()) {
            all.add(e.getValue());
        }
        if (!all.isEmpty()) {
            held.clear();
            all.sort(Comparator.comparingLong(Transition::getStep));
        }
        return all;
    }
}
