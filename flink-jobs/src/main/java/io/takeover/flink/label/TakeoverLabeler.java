package io.takeover.flink.label;

import io.takeover.flink.ingest.DeadLetters;
import io.takeover.flink.ingest.Rejection;
import io.takeover.flink.ingest.SourcedIntervention;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.ContractTrust;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Labels one robot's steps with intervention-as-reward, in event time. Keyed by robot id.
 *
 * <p>Each step waits until the watermark passes its event time plus the allowed lateness, so
 * that every intervention concerning it has arrived; then, in (event time, step) order, its
 * control is resolved and it is joined to its predecessor in the episode. Each transition is
 * emitted once, held back up to K steps so the ones before a takeover can be marked. After an
 * episode's final step, and for robots silent past the idle timeout, the state is cleared.
 */
public final class TakeoverLabeler
        extends KeyedCoProcessFunction<String, Step, SourcedIntervention, Transition> {

    static {
        ContractTrust.ensure();
    }

    private static final Comparator<Step> EVENT_ORDER = Comparator
            .comparingLong((Step s) -> s.getEventTime().toEpochMilli()).thenComparingLong(Step::getStep);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TakeoverLabeler.class);

    private final LabelSettings settings;

    private transient MapState<Long, List<Step>> pending; // by event time: a timer finds its steps directly
    private transient ListState<Intervention> interventions;
    private transient ValueState<ResolvedStep> previous;
    private transient ListState<Transition> heldBack;
    private transient ValueState<Long> finalizedUpTo;
    private transient ValueState<Long> idleDeadline;

    private transient Counter takeovers;
    private transient Counter duplicateSteps;
    private transient Counter missingSteps;
    private transient Counter lateSteps;
    private transient Counter lateInterventions;
    private transient Counter repeatedTakeovers;
    private transient Counter unmatchedHandbacks;
    private transient Counter abandonedEpisodes;

    public TakeoverLabeler(LabelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        pending = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("pending-steps", Types.LONG,
                Types.LIST(TypeInformation.of(Step.class)))));
        interventions = getRuntimeContext().getListState(
                withTtl(new ListStateDescriptor<>("interventions", Intervention.class)));
        previous = getRuntimeContext().getState(
                withTtl(new ValueStateDescriptor<>("previous-step", ResolvedStep.class)));
        heldBack = getRuntimeContext().getListState(
                withTtl(new ListStateDescriptor<>("held-back", Transition.class)));
        finalizedUpTo = getRuntimeContext().getState(
                withTtl(new ValueStateDescriptor<>("finalized-up-to", Long.class)));
        idleDeadline = getRuntimeContext().getState(withTtl(new ValueStateDescriptor<>("idle-deadline", Long.class)));
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("labels");
        takeovers = metrics.counter("takeovers");
        duplicateSteps = metrics.counter("duplicate_steps");
        missingSteps = metrics.counter("missing_steps");
        lateSteps = metrics.counter("late_steps");
        lateInterventions = metrics.counter("late_interventions");
        repeatedTakeovers = metrics.counter("repeated_takeovers");
        unmatchedHandbacks = metrics.counter("unmatched_handbacks");
        abandonedEpisodes = metrics.counter("abandoned_episodes");
    }

    private <D extends StateDescriptor<?, ?>> D withTtl(D descriptor) {
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(settings.stateTtl()).build());
        return descriptor;
    }

    @Override
    public void processElement1(Step step, Context ctx, Collector<Transition> out) throws Exception {
        long t = step.getEventTime().toEpochMilli();
        Long done = finalizedUpTo.value();
        if (done != null && t <= done) {
            LOG.debug("late step {}#{} at {}, final up to {}", step.getEpisodeId(), step.getStep(), t, done);
            lateSteps.inc(); // its neighbours are already final; joining it now could label twice
            return;
        }
        List<Step> atTime = pending.get(t);
        if (atTime == null) {
            atTime = new ArrayList<>(1);
        }
        atTime.add(step);
        pending.put(t, atTime);
        ctx.timerService().registerEventTimeTimer(t + settings.allowedLateness().toMillis());
        extendIdleDeadline(ctx.timerService(), t);
    }

    @Override
    public void processElement2(SourcedIntervention sourced, Context ctx, Collector<Transition> out)
            throws Exception {
        Intervention intervention = sourced.getIntervention();
        long t = intervention.getEventTime().toEpochMilli();
        Long done = finalizedUpTo.value();
        if (done != null && t <= done) {
            lateInterventions.inc();
            LOG.debug("late intervention {} at {} for {}, final up to {}", intervention.getKind(), t,
                    intervention.getRobotId(), done);
            ctx.output(DeadLetters.TAG, DeadLetters.of(sourced.getSource(), new Rejection("LATE_INTERVENTION",
                    intervention.getKind() + " at " + intervention.getEventTime() + " arrived after the labels up to "
                            + java.time.Instant.ofEpochMilli(done) + " were final (allowed lateness "
                            + settings.allowedLateness() + "); those labels stay, it applies from the first step not "
                            + "yet final. Send interventions sooner or raise the allowed lateness.")));
        }
        interventions.add(intervention); // even late, it still decides the steps after it
        extendIdleDeadline(ctx.timerService(), t);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Transition> out) throws Exception {
        // Timers fire in time order, one per step time: the steps at the horizon are the ones now final.
        long horizon = timestamp - settings.allowedLateness().toMillis();
        List<Step> ready = pending.get(horizon);
        List<Intervention> known = sortedInterventions();
        if (ready != null) {
            pending.remove(horizon);
            Long done = finalizedUpTo.value();
            countAnomalies(known, done == null ? Long.MIN_VALUE : done, horizon);
            ready.sort(EVENT_ORDER);
            List<Transition> held = list(heldBack);
            ResolvedStep prev = previous.value();
            for (Step step : ready) {
                prev = advance(prev, RlifLabel.resolve(step, known), held, out);
            }
            updateOrClear(previous, prev);
            heldBack.update(held);
            finalizedUpTo.update(done == null ? horizon : Math.max(done, horizon));
            known = prune(known, horizon);
            interventions.update(known);
        }
        Long deadline = idleDeadline.value();
        boolean waiting = !pending.isEmpty();
        if (deadline != null && timestamp >= deadline && !waiting) {
            if (previous.value() != null) {
                abandonedEpisodes.inc();
            }
            emitAll(list(heldBack), out);
            clearAll(); // silent past the idle timeout: forget the robot, a held takeover included
            return;
        }
        boolean operatorHolds = !known.isEmpty() && known.get(known.size() - 1).getKind() == InterventionKind.TAKEOVER;
        if (previous.value() == null && !waiting && !operatorHolds) {
            if (deadline != null) {
                ctx.timerService().deleteEventTimeTimer(deadline);
            }
            clearAll(); // between episodes nothing about this robot needs remembering
        }
    }

    /** Joins {@code next} to {@code prev}; returns what the next step should be joined to. */
    private ResolvedStep advance(ResolvedStep prev, ResolvedStep next, List<Transition> held,
            Collector<Transition> out) {
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
                emitAll(PreTakeoverMarker.offer(held, transition, settings.preTakeoverSteps()), out);
            } else {
                missingSteps.inc(); // no transition across a gap
                emitAll(held, out);
            }
        } else if (prev != null) {
            abandonedEpisodes.inc(); // a new episode began before the last one's final step
            emitAll(held, out);
        }
        boolean last = s.getTerminated() || s.getTruncated();
        if (last) {
            emitAll(held, out);
            return null;
        }
        return next;
    }

    private static void emitAll(List<Transition> transitions, Collector<Transition> out) {
        transitions.forEach(out::collect);
        transitions.clear();
    }

    /** Counts, once each, interventions that change nothing: TAKEOVER while taken over, HANDBACK while not. */
    private void countAnomalies(List<Intervention> sorted, long after, long upTo) {
        InterventionKind state = InterventionKind.HANDBACK;
        for (Intervention iv : sorted) {
            long t = iv.getEventTime().toEpochMilli();
            if (t > upTo) {
                break;
            }
            if (t > after && iv.getKind() == state) {
                (state == InterventionKind.TAKEOVER ? repeatedTakeovers : unmatchedHandbacks).inc();
            }
            state = iv.getKind();
        }
    }

    /** Moves the idle timer forward only in steps of a tenth of the timeout: not a timer per step. */
    private void extendIdleDeadline(TimerService timers, long eventTime) throws Exception {
        long timeout = settings.idleTimeout().toMillis();
        long candidate = eventTime + timeout;
        Long current = idleDeadline.value();
        if (current == null || candidate > current + timeout / 10) {
            if (current != null) {
                timers.deleteEventTimeTimer(current);
            }
            timers.registerEventTimeTimer(candidate);
            idleDeadline.update(candidate);
        }
    }

    private List<Intervention> sortedInterventions() throws Exception {
        List<Intervention> list = list(interventions);
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

    private static <T> List<T> list(ListState<T> state) throws Exception {
        List<T> list = new ArrayList<>();
        Iterable<T> values = state.get();
        if (values != null) {
            values.forEach(list::add);
        }
        return list;
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
        heldBack.clear();
        finalizedUpTo.clear();
        idleDeadline.clear();
    }
}
