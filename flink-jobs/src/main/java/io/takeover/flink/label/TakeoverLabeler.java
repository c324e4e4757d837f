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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
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
 *
 * <p>A robot has at most one labelling timer, at its earliest waiting step; when it fires,
 * everything the watermark has made final is labelled in one go. Waiting steps and
 * interventions are kept by event time, and their times in the robot's {@link LabelProgress},
 * so no state is ever scanned.
 */
public final class TakeoverLabeler
        extends KeyedCoProcessFunction<String, Step, SourcedIntervention, Transition> {

    static {
        ContractTrust.ensure();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TakeoverLabeler.class);

    private final LabelSettings settings;

    private transient MapState<Long, List<Step>> pending;
    private transient MapState<Long, List<Intervention>> interventions;
    private transient ValueState<ResolvedStep> previous;
    private transient MapState<Long, Transition> heldBack;
    private transient ValueState<LabelProgress> progress;
    private transient PreTakeoverMarker marker;

    private transient Counter takeovers;
    private transient Counter duplicateSteps;
    private transient Counter missingSteps;
    private transient Counter lateSteps;
    private transient Counter lateInterventions;
    private transient Counter repeatedTakeovers;
    private transient Counter unmatchedHandbacks;
    private transient Counter abandonedEpisodes;
    private transient Counter transitionsOut;
    private transient Counter operatorSteps;
    private transient volatile long watermark;

    public TakeoverLabeler(LabelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        pending = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("pending-steps", Types.LONG,
                Types.LIST(TypeInformation.of(Step.class)))));
        interventions = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("pending-interventions",
                Types.LONG, Types.LIST(TypeInformation.of(Intervention.class)))));
        previous = getRuntimeContext().getState(
                withTtl(new ValueStateDescriptor<>("previous-step", ResolvedStep.class)));
        heldBack = getRuntimeContext().getMapState(withTtl(new MapStateDescriptor<>("held-back", Types.LONG,
                TypeInformation.of(Transition.class))));
        progress = getRuntimeContext().getState(
                withTtl(new ValueStateDescriptor<>("progress", LabelProgress.class)));
        marker = new PreTakeoverMarker(heldBack, settings.preTakeoverSteps());
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("labels");
        takeovers = metrics.counter("takeovers");
        duplicateSteps = metrics.counter("duplicate_steps");
        missingSteps = metrics.counter("missing_steps");
        lateSteps = metrics.counter("late_steps");
        lateInterventions = metrics.counter("late_interventions");
        repeatedTakeovers = metrics.counter("repeated_takeovers");
        unmatchedHandbacks = metrics.counter("unmatched_handbacks");
        abandonedEpisodes = metrics.counter("abandoned_episodes");
        MetricGroup pipeline = getRuntimeContext().getMetricGroup().addGroup("pipeline");
        transitionsOut = pipeline.counter("transitions_out");
        operatorSteps = pipeline.counter("operator_steps"); // over steps_in: the operators' share of control
        watermark = Long.MIN_VALUE;
        pipeline.<Double, org.apache.flink.metrics.Gauge<Double>>gauge("event_time_lag_seconds",
                () -> watermark == Long.MIN_VALUE ? Double.NaN : (System.currentTimeMillis() - watermark) / 1000.0);
    }

    private <D extends StateDescriptor<?, ?>> D withTtl(D descriptor) {
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(settings.stateTtl()).build());
        return descriptor;
    }

    @Override
    public void processElement1(Step step, Context ctx, Collector<Transition> out) throws Exception {
        long t = step.getEventTime().toEpochMilli();
        LabelProgress p = progress();
        if (t <= p.getFinalizedUpTo()) {
            LOG.debug("late step {}#{} at {}, final up to {}", step.getEpisodeId(), step.getStep(), t,
                    p.getFinalizedUpTo());
            lateSteps.inc(); // its neighbours are already final; joining it now could label twice
            return;
        }
        long[] times = p.getStepTimes();
        List<Step> atTime = Arrays.binarySearch(times, t) >= 0 ? pending.get(t) : new ArrayList<>(1);
        atTime.add(step);
        pending.put(t, atTime);
        p.setStepTimes(LabelProgress.insert(times, t));
        scheduleLabelling(p, ctx.timerService());
        extendIdleDeadline(p, ctx.timerService(), t);
        progress.update(p);
    }

    @Override
    public void processElement2(SourcedIntervention sourced, Context ctx, Collector<Transition> out)
            throws Exception {
        Intervention intervention = sourced.getIntervention();
        long t = intervention.getEventTime().toEpochMilli();
        LabelProgress p = progress();
        long done = p.getFinalizedUpTo();
        if (t <= done) {
            lateInterventions.inc();
            LOG.debug("late intervention {} at {} for {}, final up to {}", intervention.getKind(), t,
                    intervention.getRobotId(), done);
            ctx.output(DeadLetters.TAG, DeadLetters.of(sourced.getSource(), new Rejection("LATE_INTERVENTION",
                    intervention.getKind() + " at " + intervention.getEventTime() + " arrived after the labels up to "
                            + java.time.Instant.ofEpochMilli(done) + " were final (allowed lateness "
                            + settings.allowedLateness() + "); those labels stay, it applies from the first step not "
                            + "yet final. Send interventions sooner or raise the allowed lateness.")));
            if (t >= p.getControlSince()) {
                p.apply(intervention.getKind() == InterventionKind.TAKEOVER, intervention.getOperatorId(), t);
            }
        } else {
            long[] times = p.getInterventionTimes();
            List<Intervention> atTime = Arrays.binarySearch(times, t) >= 0 ? interventions.get(t)
                    : new ArrayList<>(1);
            atTime.add(intervention);
            interventions.put(t, atTime);
            p.setInterventionTimes(LabelProgress.insert(times, t));
        }
        extendIdleDeadline(p, ctx.timerService(), t);
        progress.update(p);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Transition> out) throws Exception {
        watermark = ctx.timerService().currentWatermark();
        LabelProgress p = progress();
        if (timestamp == p.getLabelTimer()) {
            p.setLabelTimer(Long.MIN_VALUE);
        }
        // Every step at or before the horizon is final: the watermark passed it by the lateness.
        long horizon = ctx.timerService().currentWatermark() - settings.allowedLateness().toMillis();
        long[] times = p.getStepTimes();
        int due = LabelProgress.countUpTo(times, horizon);
        boolean inEpisode;
        if (due > 0) {
            ResolvedStep prev = previous.value();
            for (int i = 0; i < due; i++) {
                applyInterventionsUpTo(p, times[i]);
                List<Step> ready = pending.get(times[i]);
                pending.remove(times[i]);
                ready.sort(Comparator.comparingLong(Step::getStep));
                for (Step step : ready) {
                    ResolvedStep resolved = RlifLabel.resolve(step, p.isTakenOver(), p.getOperatorId());
                    if (resolved.isOperator()) {
                        operatorSteps.inc();
                    }
                    prev = advance(prev, resolved, out);
                }
            }
            updateOrClear(previous, prev);
            inEpisode = prev != null;
            p.setFinalizedUpTo(Math.max(p.getFinalizedUpTo(), times[due - 1]));
            p.setStepTimes(LabelProgress.dropFirst(times, due));
        } else {
            inEpisode = previous.value() != null;
        }
        boolean waiting = p.getStepTimes().length > 0;
        if (p.getIdleDeadline() != Long.MIN_VALUE && ctx.timerService().currentWatermark() >= p.getIdleDeadline()
                && !waiting) {
            if (inEpisode) {
                abandonedEpisodes.inc();
            }
            marker.flush(out);
            clearAll(); // silent past the idle timeout: forget the robot, a held takeover included
            return;
        }
        if (!inEpisode && !waiting && !p.isTakenOver() && p.getInterventionTimes().length == 0) {
            if (p.getIdleDeadline() != Long.MIN_VALUE) {
                ctx.timerService().deleteEventTimeTimer(p.getIdleDeadline());
            }
            clearAll(); // between episodes nothing about this robot needs remembering
            return;
        }
        scheduleLabelling(p, ctx.timerService());
        progress.update(p);
    }

    /** Applies, in time order, the waiting interventions at or before {@code t}, counting those that change nothing. */
    private void applyInterventionsUpTo(LabelProgress p, long t) throws Exception {
        long[] times = p.getInterventionTimes();
        int due = LabelProgress.countUpTo(times, t);
        for (int i = 0; i < due; i++) {
            for (Intervention iv : interventions.get(times[i])) {
                boolean takeover = iv.getKind() == InterventionKind.TAKEOVER;
                if (!p.apply(takeover, iv.getOperatorId(), times[i])) {
                    (takeover ? repeatedTakeovers : unmatchedHandbacks).inc();
                }
            }
            interventions.remove(times[i]);
        }
        p.setInterventionTimes(LabelProgress.dropFirst(times, due));
    }

    /** One labelling timer per robot, when its earliest waiting step becomes final. */
    private void scheduleLabelling(LabelProgress p, TimerService timers) {
        long[] times = p.getStepTimes();
        long wanted = times.length == 0 ? Long.MIN_VALUE : times[0] + settings.allowedLateness().toMillis();
        long current = p.getLabelTimer();
        if (wanted != current) {
            if (current != Long.MIN_VALUE) {
                timers.deleteEventTimeTimer(current);
            }
            if (wanted != Long.MIN_VALUE) {
                timers.registerEventTimeTimer(wanted);
            }
            p.setLabelTimer(wanted);
        }
    }

    /** Joins {@code next} to {@code prev}; returns what the next step should be joined to. */
    private ResolvedStep advance(ResolvedStep prev, ResolvedStep next, Collector<Transition> out) throws Exception {
        Step s = next.getStep();
        if (prev != null && prev.getStep().getEpisodeId().equals(s.getEpisodeId())) {
            long expected = prev.getStep().getStep() + 1;
            if (s.getStep() < expected) {
                duplicateSteps.inc();
                return prev;
            }
            if (s.getStep() == expected) {
                Transition transition = RlifLabel.transition(prev, next, settings.takeoverEndsEpisode());
                transitionsOut.inc();
                if (transition.getTakeover()) {
                    takeovers.inc();
                }
                marker.offer(transition, out);
            } else {
                missingSteps.inc(); // no transition across a gap
                marker.flush(out);
            }
        } else if (prev != null) {
            abandonedEpisodes.inc(); // a new episode began before the last one's final step
            marker.flush(out);
        }
        boolean last = s.getTerminated() || s.getTruncated();
        if (last) {
            marker.flush(out);
            return null;
        }
        return next;
    }

    /** Moves the idle timer forward only in steps of a tenth of the timeout: not a timer per step. */
    private void extendIdleDeadline(LabelProgress p, TimerService timers, long eventTime) {
        long timeout = settings.idleTimeout().toMillis();
        long candidate = eventTime + timeout;
        long current = p.getIdleDeadline();
        if (current == Long.MIN_VALUE || candidate > current + timeout / 10) {
            if (current != Long.MIN_VALUE) {
                timers.deleteEventTimeTimer(current);
            }
            timers.registerEventTimeTimer(candidate);
            p.setIdleDeadline(candidate);
        }
    }

    private LabelProgress progress() throws Exception {
        LabelProgress p = progress.value();
        return p == null ? new LabelProgress() : p;
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
        progress.clear();
    }
}
