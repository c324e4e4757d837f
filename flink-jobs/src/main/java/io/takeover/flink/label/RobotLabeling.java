package io.takeover.flink.label;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The labelling of one robot, in event time, free of Flink: its steps and interventions wait
 * until the watermark has passed them by the allowed lateness; then, in (event time, step)
 * order, each step's control is resolved and it is joined to its predecessor in the episode.
 * The last K transitions of an episode are held back so that a takeover can mark the ones
 * before it.
 */
final class RobotLabeling {

    /** Where labelled transitions go, with the timestamp they carry downstream. */
    interface Emitter {
        void emit(Transition transition, long timestamp);
    }

    private static final Comparator<Step> STEP_ORDER =
            Comparator.comparingLong((Step s) -> s.getEventTime().toEpochMilli()).thenComparingLong(Step::getStep);
    private static final Comparator<Intervention> INTERVENTION_ORDER =
            Comparator.comparingLong(iv -> iv.getEventTime().toEpochMilli());

    private final LabelSettings settings;
    private final LabelCounters counters;
    private final LabelProgress progress;
    private final List<Step> pending; // in STEP_ORDER
    private final List<Intervention> interventions; // in time order, arrival order within a time
    private final ArrayDeque<Transition> held;
    private ResolvedStep previous;
    private final List<Step> unsaved = new ArrayList<>(); // taken since the last snapshot
    private int stored; // steps in the stored list, labelled ones included; -1: none stored for this robot yet

    RobotLabeling(LabelSettings settings, LabelCounters counters) {
        this(settings, counters, new LabelProgress(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), null);
        this.stored = -1;
    }

    /**
     * A robot as a snapshot left it. {@code stored} may still hold steps labelled since they were
     * stored: only those after the final labels are waiting.
     */
    RobotLabeling(LabelSettings settings, LabelCounters counters, LabelProgress progress, List<Step> stored,
            List<Intervention> interventions, List<Transition> held, ResolvedStep previous) {
        this.settings = settings;
        this.counters = counters;
        this.progress = progress;
        this.pending = new ArrayList<>();
        for (Step step : stored) {
            if (time(step) > progress.getFinalizedUpTo()) {
                pending.add(step);
            }
        }
        this.pending.sort(STEP_ORDER);
        this.stored = stored.size();
        this.interventions = interventions;
        this.held = new ArrayDeque<>(held);
        this.previous = previous;
    }

    /** Takes a step; false if it came after its neighbours' labels were final, when joining it could label twice. */
    boolean addStep(Step step) {
        long t = step.getEventTime().toEpochMilli();
        progress.seen(t);
        if (t <= progress.getFinalizedUpTo()) {
            counters.lateSteps.inc();
            return false;
        }
        insertSorted(pending, step, STEP_ORDER);
        unsaved.add(step);
        return true;
    }

    /**
     * Takes an intervention; false if it came after the labels of its time were final. A late
     * one changes no label, but still applies from the first step not yet final.
     */
    boolean addIntervention(Intervention intervention) {
        long t = intervention.getEventTime().toEpochMilli();
        progress.seen(t);
        if (t <= progress.getFinalizedUpTo()) {
            counters.lateInterventions.inc();
            if (t >= progress.getControlSince()) {
                progress.apply(intervention.getKind() == InterventionKind.TAKEOVER, intervention.getOperatorId(), t);
            }
            return false;
        }
        insertSorted(interventions, intervention, INTERVENTION_ORDER);
        return true;
    }

    /**
     * Labels every step the watermark has made final and emits what no later takeover can mark.
     *
     * @param floor the lowest timestamp an emitted transition may carry (not late downstream)
     * @return false once nothing about this robot needs remembering: between episodes, or silent
     *     past the idle timeout (an unfinished episode is then abandoned)
     */
    boolean advanceTo(long watermark, long floor, Emitter out) {
        long lateness = settings.allowedLateness().toMillis();
        long horizon = watermark - lateness;
        int due = 0;
        while (due < pending.size() && time(pending.get(due)) <= horizon) {
            Step step = pending.get(due++);
            long t = time(step);
            applyInterventionsUpTo(t);
            ResolvedStep resolved = RlifLabel.resolve(step, progress.isTakenOver(), progress.getOperatorId());
            if (resolved.isOperator()) {
                counters.operatorSteps.inc();
            }
            previous = advance(previous, resolved, Math.max(t + lateness, floor), out);
            progress.setFinalizedUpTo(Math.max(progress.getFinalizedUpTo(), t));
        }
        pending.subList(0, due).clear();
        boolean waiting = !pending.isEmpty();
        if (!waiting && watermark >= progress.getLastSeen() + settings.idleTimeout().toMillis()) {
            if (previous != null) {
                counters.abandonedEpisodes.inc();
            }
            flush(Math.max(watermark, floor), out); // silent past the idle timeout: forget it, a held takeover included
            return false;
        }
        return previous != null || waiting || progress.isTakenOver() || !interventions.isEmpty();
    }

    /** The watermark at which {@link #advanceTo} has something to do: label a step, or forget a silent robot. */
    long nextDue() {
        if (!pending.isEmpty()) {
            return time(pending.get(0)) + settings.allowedLateness().toMillis();
        }
        return progress.getLastSeen() + settings.idleTimeout().toMillis();
    }

    /** Applies, in time order, the waiting interventions at or before {@code t}, counting those that change nothing. */
    private void applyInterventionsUpTo(long t) {
        int due = 0;
        while (due < interventions.size() && interventions.get(due).getEventTime().toEpochMilli() <= t) {
            Intervention iv = interventions.get(due++);
            boolean takeover = iv.getKind() == InterventionKind.TAKEOVER;
            if (!progress.apply(takeover, iv.getOperatorId(), iv.getEventTime().toEpochMilli())) {
                (takeover ? counters.repeatedTakeovers : counters.unmatchedHandbacks).inc();
            }
        }
        interventions.subList(0, due).clear();
    }

    /** Joins {@code next} to {@code prev}; returns what the next step should be joined to. */
    private ResolvedStep advance(ResolvedStep prev, ResolvedStep next, long timestamp, Emitter out) {
        Step s = next.getStep();
        if (prev != null && prev.getStep().getEpisodeId().equals(s.getEpisodeId())) {
            long expected = prev.getStep().getStep() + 1;
            if (s.getStep() < expected) {
                counters.duplicateSteps.inc();
                return prev;
            }
            if (s.getStep() == expected) {
                Transition transition = RlifLabel.transition(prev, next, settings.takeoverEndsEpisode());
                counters.transitionsOut.inc();
                if (transition.getTakeover()) {
                    counters.takeovers.inc();
                }
                offer(transition, timestamp, out);
            } else {
                counters.missingSteps.inc(); // no transition across a gap
                flush(timestamp, out);
            }
        } else if (prev != null) {
            counters.abandonedEpisodes.inc(); // a new episode began before the last one's final step
            flush(timestamp, out);
        }
        if (s.getTerminated() || s.getTruncated()) {
            flush(timestamp, out);
            return null;
        }
        return next;
    }

    /** Holds the episode's next transition back K steps; a takeover marks and releases all held. */
    private void offer(Transition next, long timestamp, Emitter out) {
        int k = settings.preTakeoverSteps();
        if (next.getTakeover()) {
            next.setStepsToTakeover(0);
            for (Transition t : held) {
                long distance = next.getStep() - t.getStep();
                // marked on a copy: the held one may be in a snapshot still being written
                out.emit(distance <= k ? Transition.newBuilder(t).setStepsToTakeover((int) distance).build() : t,
                        timestamp);
            }
            held.clear();
            out.emit(next, timestamp);
            return;
        }
        held.addLast(next);
        if (held.size() > k) {
            out.emit(held.removeFirst(), timestamp);
        }
    }

    private void flush(long timestamp, Emitter out) {
        while (!held.isEmpty()) {
            out.emit(held.removeFirst(), timestamp);
        }
    }

    private static long time(Step step) {
        return step.getEventTime().toEpochMilli();
    }

    /** Steps mostly arrive in order: look from the end. Equal elements keep their arrival order. */
    private static <T> void insertSorted(List<T> list, T item, Comparator<T> order) {
        int i = list.size();
        while (i > 0 && order.compare(list.get(i - 1), item) > 0) {
            i--;
        }
        list.add(i, item);
    }

    /** What a snapshot writes of the steps: all waiting ones in place of the stored, or the new ones appended. */
    record StepsToStore(boolean replace, List<Step> steps) {}

    /**
     * Replaces when nothing was stored for this robot yet or labelled steps would make up most of
     * the stored list; appends the steps taken since the last snapshot otherwise.
     */
    StepsToStore stepsToStore() {
        boolean replace = stored < 0 || stored + unsaved.size() > 2 * pending.size() + 64;
        List<Step> steps = replace ? pending : new ArrayList<>(unsaved);
        stored = replace ? pending.size() : stored + unsaved.size();
        unsaved.clear();
        return new StepsToStore(replace, steps);
    }

    LabelProgress progress() { return progress; }
    List<Intervention> pendingInterventions() { return interventions; }
    List<Transition> heldBack() { return new ArrayList<>(held); }
    ResolvedStep previous() { return previous; }
}
