package io.takeover.flink.label;

import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Labels one robot's steps with intervention-as-reward, in event time. Keyed by robot id.
 *
 * <p>Each step waits until the watermark passes its event time plus the allowed lateness, so
 * that every intervention concerning it has arrived; then, in (event time, step) order, its
 * control is resolved and it is joined to its predecessor in the episode. Each transition is
 * emitted once. After an episode's final step, and for robots silent past the idle timeout,
 * the state is cleared.
 */
public final class TakeoverLabeler extends KeyedCoProcessFunction<String, Step, Intervention, Transition> {

    private static final Comparator<Step> EVENT_ORDER = Comparator
            .comparingLong((Step s) -> s.getEventTime().toEpochMilli()).thenComparingLong(Step::getStep);

    static {
        ContractTrust.ensure();
    }

    private final LabelSettings settings;

    private transient ListState<Step> pending;
    private transient ListState<Intervention> interventions;
    private transient ValueState<ResolvedStep> previous;
    private transient ValueState<Long> finalizedUpTo;
    private transient ValueState<Long> idleTimer;

    private transient Counter takeovers;
    private transient Counter duplicateSteps;
    private transient Counter missingSteps;
    private transient Counter lateSteps;
    private transient Counter lateInterventions;
    private transient Counter abandonedEpisodes;

    public TakeoverLabeler(LabelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-steps", Step.class));
        interventions = getRuntimeContext().getListState(
                new ListStateDescriptor<>("interventions", Intervention.class));
        previous = getRuntimeContext().getState(new ValueStateDescriptor<>("previous-step", ResolvedStep.class));
        finalizedUpTo = getRuntimeContext().getState(new ValueStateDescriptor<>("finalized-up-to", Long.class));
        idleTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("idle-timer", Long.class));
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("labels");
        takeovers = metrics.counter("takeovers");
        duplicateSteps = metrics.counter("duplicate_steps");
        missingSteps = metrics.counter("missing_steps");
        lateSteps = metrics.counter("late_steps");
        lateInterventions = metrics.counter("late_interventions");
        abandonedEpisodes = metrics.counter("abandoned_episodes");
    }

    @Override
    public void processElement1(Step step, Context ctx, Collector<Transition> out) throws Exception {
        long t = step.getEventTime().toEpochMilli();
        Long done = finalizedUpTo.value();
        if (done != null && t <= done) {
            lateSteps.inc(); // its neighbours are already final; joining it now could label twice
            return;
        }
        pending.add(step);
        ctx.timerService().registerEventTimeTimer(t + settings.allowedLateness().toMillis());
    }

    @Override
    public void processElement2(Intervention intervention, Context ctx, Collector<Transition> out)
            throws Exception {
        Long done = finalizedUpTo.value();
        if (done != null && intervention.getEventTime().toEpochMilli() <= done) {
            lateInterventions.inc(); // cannot change labels already emitted; still bounds later steps
        }
        interventions.add(intervention);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Transition> out) throws Exception {
        long horizon = timestamp - settings.allowedLateness().toMillis();
        List<Step> ready = new ArrayList<>();
        List<Step> waiting = new ArrayList<>();
        for (Step step : pending.get()) {
            (step.getEventTime().toEpochMilli() <= horizon ? ready : waiting).add(step);
        }
        List<Intervention> known = sortedInterventions();
        if (!ready.isEmpty()) {
            ready.sort(EVENT_ORDER);
            ResolvedStep prev = previous.value();
            for (Step step : ready) {
                prev = advance(prev, RlifLabel.resolve(step, known), out);
            }
            updateOrClear(previous, prev);
            pending.update(waiting);
            Long done = finalizedUpTo.value();
            finalizedUpTo.update(done == null ? horizon : Math.max(done, horizon));
            known = prune(known, horizon);
            interventions.update(known);
            setIdleTimer(ctx, prev == null ? null
                    : prev.getStep().getEventTime().toEpochMilli() + settings.idleTimeout().toMillis());
        }
        ResolvedStep prev = previous.value();
        boolean idle = prev != null && waiting.isEmpty()
                && timestamp >= prev.getStep().getEventTime().toEpochMilli() + settings.idleTimeout().toMillis();
        if (idle) {
            abandonedEpisodes.inc();
            previous.clear();
            setIdleTimer(ctx, null);
            prev = null;
        }
        boolean operatorHolds = !known.isEmpty() && known.get(known.size() - 1).getKind() == InterventionKind.TAKEOVER;
        if (prev == null && waiting.isEmpty() && !operatorHolds) {
            clearAll(); // between episodes nothing about this robot needs remembering
        }
    }

    /** Joins {@code next} to {@code prev}; returns what the next step should be joined to. */
    private ResolvedStep advance(ResolvedStep prev, ResolvedStep next, Collector<Transition> out) {
        Step s = next.getStep();
        if (prev != null && prev.getStep().getEpisodeId().equals(s.getEpisodeId())) {
            long expected = prev.getStep().getStep() + 1;
            if (s.getStep() < expected) {
                duplicateSteps.inc();
                return prev;
            }
            if (s.getStep() == expected) {
                Transition transition = RlifLabel.transition(prev, next, settings.takeoverEndsEpisode());
                if (transition.getTakeover()) {
                    takeovers.inc();
                }
                out.collect(transition);
            } else {
                missingSteps.inc(); // no transition across a gap
            }
        } else if (prev != null) {
            abandonedEpisodes.inc(); // a new episode began before the last one's final step
        }
        boolean last = s.getTerminated() || s.getTruncated();
        return last ? null : next;
    }

    /** At most one idle timer per robot: the latest step's deadline. */
    private void setIdleTimer(OnTimerContext ctx, Long deadline) throws Exception {
        Long current = idleTimer.value();
        if (current != null && !current.equals(deadline)) {
            ctx.timerService().deleteEventTimeTimer(current);
        }
        if (deadline != null) {
            ctx.timerService().registerEventTimeTimer(deadline);
        }
        updateOrClear(idleTimer, deadline);
    }

    private List<Intervention> sortedInterventions() throws Exception {
        List<Intervention> list = new ArrayList<>();
        interventions.get().forEach(list::add);
        list.sort(Comparator.comparingLong(i -> i.getEventTime().toEpochMilli()));
        return list;
    }

    /** Keeps what can still matter: the latest intervention at or before the horizon, and all after. */
    private static List<Intervention> prune(List<Intervention> sorted, long horizon) {
        int firstKept = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).getEventTime().toEpochMilli() <= horizon) {
                firstKept = i;
            }
        }
        List<Intervention> kept = new ArrayList<>(sorted.subList(firstKept, sorted.size()));
        if (!kept.isEmpty() && kept.get(0).getKind() == InterventionKind.HANDBACK
                && kept.get(0).getEventTime().toEpochMilli() <= horizon) {
            kept.remove(0); // a hand-back in the past says the same as no intervention
        }
        return kept;
    }

    private static <T> void updateOrClear(ValueState<T> state, T value) throws Exception {
        if (value == null) {
            state.clear();
        } else {
            state.update(value);
        }
    }

    private void clearAll() {
        pending.clear();
        interventions.clear();
        previous.clear();
        finalizedUpTo.clear();
        idleTimer.clear();
    }
}
