package io.takeover.console.fleet;

import io.takeover.schemas.Control;
import io.takeover.schemas.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the console knows of one robot: its newest step, who controls it, and its recent
 * history, from which its takeover risk is read. Guarded by its {@link FleetBoard}.
 */
public final class RobotState {

    /** Steps a robot's risk is measured over. */
    static final int RISK_WINDOW_STEPS = 2000;
    /** Steps kept for the robot view: its plots show 200 (10 s at 20 Hz). */
    static final int RECENT_STEPS = 200;
    static final int RECENT_EPISODES = 20;
    static final int RECENT_TAKEOVERS = 20;

    /** One step as the page draws it. */
    public record StepView(long seq, String episode, long step, long time, float[] observation, float[] action,
            String control, long version, Float reward, boolean done, Boolean success) {}

    /** A takeover or hand-back as the robot view lists it. */
    public record Event(long time, String kind, String operator, String episode, String reason) {}

    /** An episode that ended. */
    public record Episode(String episode, long steps, Boolean success, long end, long operatorSteps) {}

    final String robotId;
    String task;
    Step last;
    long lastSeenNanos;
    long seq; // steps seen since the console started
    String controller; // operator in control, by the interventions; null: the policy
    long controlSince;
    private final Deque<StepView> recent = new ArrayDeque<>();
    private final Deque<Long> takeoverSeqs = new ArrayDeque<>();
    private final Deque<Event> events = new ArrayDeque<>();
    private final Deque<Episode> episodes = new ArrayDeque<>();
    private long episodeOperatorSteps;

    RobotState(String robotId) {
        this.robotId = robotId;
    }

    void step(Step step, long nowNanos) {
        last = step;
        task = step.getTask();
        lastSeenNanos = nowNanos;
        seq++;
        boolean operator = step.getControl() == Control.OPERATOR;
        if (operator && !step.getAction().isEmpty()) {
            episodeOperatorSteps++;
        }
        boolean done = step.getTerminated() || step.getTruncated();
        recent.addLast(new StepView(seq, step.getEpisodeId(), step.getStep(), step.getEventTime().toEpochMilli(),
                floats(step.getObservation()), floats(step.getAction()), step.getControl() == null ? null
                        : step.getControl().name(), step.getPolicyVersion(), step.getReward(), done, step.getSuccess()));
        if (recent.size() > RECENT_STEPS) {
            recent.removeFirst();
        }
        if (done) {
            episodes.addFirst(new Episode(step.getEpisodeId(), step.getStep(), step.getSuccess(),
                    step.getEventTime().toEpochMilli(), episodeOperatorSteps));
            episodeOperatorSteps = 0;
            if (episodes.size() > RECENT_EPISODES) {
                episodes.removeLast();
            }
        }
        while (!takeoverSeqs.isEmpty() && seq - takeoverSeqs.peekFirst() >= RISK_WINDOW_STEPS) {
            takeoverSeqs.removeFirst();
        }
    }

    void takeover(String operator, long time, String episode, String reason) {
        controller = operator;
        controlSince = time;
        takeoverSeqs.addLast(seq);
        event(new Event(time, "TAKEOVER", operator, episode, reason));
    }

    void handback(String operator, long time, String episode, String reason) {
        if (operator.equals(controller)) {
            controller = null;
        }
        event(new Event(time, "HANDBACK", operator, episode, reason));
    }

    private void event(Event event) {
        events.addFirst(event);
        if (events.size() > RECENT_TAKEOVERS) {
            events.removeLast();
        }
    }

    /** Takeovers per 1,000 of the robot's last steps (up to {@link #RISK_WINDOW_STEPS}). */
    double risk() {
        long window = Math.min(seq, RISK_WINDOW_STEPS);
        return window == 0 ? 0 : 1000.0 * takeoverSeqs.size() / window;
    }

    /** The recent steps after {@code afterSeq}; all of them when it is ahead of this robot (forgotten and back). */
    List<StepView> stepsAfter(long afterSeq) {
        if (afterSeq > seq) {
            afterSeq = 0;
        }
        List<StepView> out = new ArrayList<>();
        for (StepView s : recent) {
            if (s.seq() > afterSeq) {
                out.add(s);
            }
        }
        return out;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Episode> episodes() {
        return List.copyOf(episodes);
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
