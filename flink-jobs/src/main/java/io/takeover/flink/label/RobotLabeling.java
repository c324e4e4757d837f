package io.takeover.flink.label;

import io.takeover.flink.ingest.Rejection;
import io.takeover.flink.ingest.SourcedIntervention;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * The labelling of one robot, in event time, free of Flink: its steps and interventions wait
 * until the watermark has passed them by the allowed lateness; then, in (event time, step)
 * order, each step's control is resolved and it is joined to its predecessor in the episode.
 * An intervention applies only to the steps of its own episode. The last K transitions of an
 * episode are held back so that a takeover can mark the ones before it.
 */
final class RobotLabeling {

    /** Where labelled transitions go, with the timestamp they carry downstream, and refused interventions. */
    interface Emitter {
        void emit(Transition transition, long timestamp);

        void reject(SourcedIntervention intervention, Rejection rejection);
    }

    static final String UNKNOWN_EPISODE = "UNKNOWN_EPISODE";

    private static final Comparator<Step> STEP_ORDER =
            Comparator.comparingLong((Step s) -> s.getEventTime().toEpochMilli()).thenComparingLong(Step::getStep);
    private static final Comparator<SourcedIntervention> INTERVENTION_ORDER = Comparator.comparingLong(RobotLabeling::time);

    private final LabelSettings settings;
    private final LabelCounters counters;
    private final LabelProgress progress;
    private final List<Step> pending; // in STEP_ORDER
    private final List<SourcedIntervention> interventions; // in time order, arrival order within a time
    private final ArrayDeque<Transition> held;
    private ResolvedStep previous;
    private final List<Step> unsaved = new ArrayList<>(); // taken since the last snapshot
    private int stored; // steps in the stored list, labelled ones included; -1: none stored for this robot yet
    private long lastInputAt; // processing time of the last record taken: when the robot went quiet

    /** A robot not heard from before, or one whose episodes are over: only what was final is known. */
    RobotLabeling(LabelSettings settings, LabelCounters counters, LabelProgress finalMark, long now) {
        this(settings, counters, finalMark == null ? new LabelProgress() : finalMark, List.of(), new ArrayList<>(),
                List.of(), null, now);
        this.stored = -1;
    }

    /**
     * A robot as a snapshot left it. {@code stored} may still hold steps labelled since they were
     * stored: only those after the final labels are waiting.
     */
    RobotLabeling(LabelSettings settings, LabelCounters counters, LabelProgress progress, List<Step> stored,
            List<SourcedIntervention> interventions, List<Transition> held, ResolvedStep previous, long now) {
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
        this.lastInputAt = now;
    }

    /** Takes a step; false if it came after its neighbours' labels were final, when joining it could label twice. */
    boolean addStep(Step step, long now) {
        long t = step.getEventTime().toEpochMilli();
        progress.seen(t);
        lastInputAt = now;
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
     * one changes no label; if its episode is still the robot's, it applies from the first step
     * not yet final.
     */
    boolean addIntervention(SourcedIntervention sourced, long now) {
        Intervention intervention = sourced.getIntervention();
        long t = time(sourced);
        progress.seen(t);
        lastInputAt = now;
        if (t <= progress.getFinalizedUpTo()) {
            counters.lateInterventions.inc();
            if (intervention.getEpisodeId().equals(progress.getEpisodeId()) && t >= progress.getControlSince()) {
                progress.apply(intervention.getKind() == InterventionKind.TAKEOVER, intervention.getOperatorId(), t);
            }
            return false;
        }
        insertSorted(interventions, sourced, INTERVENTION_ORDER);
        return true;
    }

    /**
     * Labels every step the watermark has made final and emits what no later takeover can mark.
     *
     * @param floor the lowest timestamp an emitted transition may carry (not late downstream)
     * @return false once nothing about this robot but its final mark needs remembering: between
     *     episodes, or silent past the idle timeout (an unfinished episode is then abandoned)
     */
    boolean advanceTo(long watermark, long floor, Emitter out) {
        labelUpTo(watermark - settings.allowedLateness().toMillis(), floor, out);
        if (pending.isEmpty() && watermark >= progress.getLastSeen() + settings.idleTimeout().toMillis()) {
            if (previous != null) {
                counters.abandonedEpisodes.inc();
            }
            previous = null;
            forgetInterventions(out);
            flush(Math.max(watermark, floor), out); // silent past the idle timeout: a held takeover included
            return false;
        }
        return needed();
    }

    /** True when this robot has waited, without new input, past the quiet delay for labels a stalled watermark holds back. */
    boolean isQuiet(long now) {
        return now - lastInputAt >= settings.quietDelay().toMillis()
                && (!pending.isEmpty() || !held.isEmpty() || !interventions.isEmpty());
    }

    /**
     * Labels everything this robot sent, as if the watermark had passed its last input by the
     * allowed lateness: the input has stopped, and with it the watermark. Held-back transitions go
     * out too; a takeover after this cannot mark them.
     *
     * @return as {@link #advanceTo}
     */
    boolean settleQuiet(long floor, Emitter out) {
        labelUpTo(progress.getLastSeen() + settings.allowedLateness().toMillis(), floor, out);
        flush(floor, out);
        return needed();
    }

    private boolean needed() {
        return previous != null || !pending.isEmpty() || !interventions.isEmpty();
    }

    /** The watermark at which {@link #advanceTo} has something to do: label a step, settle an intervention, or forget a silent robot. */
    long nextDue() {
        long lateness = settings.allowedLateness().toMillis();
        long due = progress.getLastSeen() + settings.idleTimeout().toMillis();
        if (!pending.isEmpty()) {
            due = Math.min(due, time(pending.get(0)) + lateness);
        }
        if (!interventions.isEmpty()) {
            due = Math.min(due, time(interventions.get(0)) + 2 * lateness);
        }
        return due;
    }

    /** Labels the waiting steps at or before {@code horizon}, in order, then settles the interventions up to it. */
    private void labelUpTo(long horizon, long floor, Emitter out) {
        long lateness = settings.allowedLateness().toMillis();
        int due = 0;
        while (due < pending.size() && time(pending.get(due)) <= horizon) {
            Step step = pending.get(due++);
            long t = time(step);
            applyInterventionsUpTo(t, step.getEpisodeId(), out);
            progress.enter(step.getEpisodeId());
            ResolvedStep resolved = RlifLabel.resolve(step, progress.isTakenOver(), progress.getOperatorId());
            if (resolved.isOperator()) {
                counters.operatorSteps.inc();
            }
            previous = advance(previous, resolved, Math.max(t + lateness, floor), out);
            progress.setFinalizedUpTo(Math.max(progress.getFinalizedUpTo(), t));
        }
        pending.subList(0, due).clear();
        settleInterventions(horizon, out);
    }

    /**
     * Applies, in time order, the waiting interventions at or before step time {@code t}: those of
     * the episode of the last final step, and those of {@code episode}, the step's own, which
     * begins with the policy in control. An intervention of any other episode is refused.
     */
    private void applyInterventionsUpTo(long t, String episode, Emitter out) {
        int due = 0;
        while (due < interventions.size() && time(interventions.get(due)) <= t) {
            SourcedIntervention sourced = interventions.get(due++);
            String own = sourced.getIntervention().getEpisodeId();
            if (own.equals(progress.getEpisodeId())) {
                apply(sourced.getIntervention());
            } else if (own.equals(episode)) {
                progress.enter(episode);
                apply(sourced.getIntervention());
            } else {
                out.reject(sourced, unknownEpisode(sourced, "the robot's steps around that time are of episode "
                        + (progress.getEpisodeId() == null ? episode : progress.getEpisodeId() + " and " + episode)));
            }
        }
        interventions.subList(0, due).clear();
    }

    /**
     * Interventions whose time is final but that no step has followed: one of the episode of the
     * last final step applies now (and its time becomes final); one whose episode has steps still
     * waiting waits for them; one whose episode no step has shown by the allowed lateness after
     * its time is refused.
     */
    private void settleInterventions(long horizon, Emitter out) {
        long lateness = settings.allowedLateness().toMillis();
        for (Iterator<SourcedIntervention> it = interventions.iterator(); it.hasNext(); ) {
            SourcedIntervention sourced = it.next();
            long t = time(sourced);
            if (t > horizon) {
                break;
            }
            String own = sourced.getIntervention().getEpisodeId();
            if (own.equals(progress.getEpisodeId())) {
                apply(sourced.getIntervention());
                progress.setFinalizedUpTo(Math.max(progress.getFinalizedUpTo(), t));
                it.remove();
            } else if (t + lateness <= horizon && pending.stream().noneMatch(s -> s.getEpisodeId().equals(own))) {
                out.reject(sourced, unknownEpisode(sourced, progress.getEpisodeId() == null
                        ? "no step of the robot has arrived" : "the robot's last labelled episode is "
                        + progress.getEpisodeId()));
                it.remove();
            }
        }
    }

    /** Interventions still waiting when the robot is forgotten: no step of their episode came. */
    private void forgetInterventions(Emitter out) {
        for (SourcedIntervention sourced : interventions) {
            out.reject(sourced, unknownEpisode(sourced, "no step of that episode came before the robot fell silent"));
        }
        interventions.clear();
    }

    private void apply(Intervention iv) {
        boolean takeover = iv.getKind() == InterventionKind.TAKEOVER;
        if (!progress.apply(takeover, iv.getOperatorId(), iv.getEventTime().toEpochMilli())) {
            (takeover ? counters.repeatedTakeovers : counters.unmatchedHandbacks).inc();
        }
    }

    private Rejection unknownEpisode(SourcedIntervention sourced, String why) {
        counters.unknownEpisodeInterventions.inc();
        Intervention iv = sourced.getIntervention();
        return new Rejection(UNKNOWN_EPISODE, iv.getKind() + " of robot " + iv.getRobotId() + " for episode "
                + iv.getEpisodeId() + " at " + iv.getEventTime() + " matches no episode of the robot's steps: " + why
                + ". An intervention applies only to steps of its own episode_id; send the episode_id of the "
                + "steps it is about.");
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

    private static long time(SourcedIntervention sourced) {
        return sourced.getIntervention().getEventTime().toEpochMilli();
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
    List<SourcedIntervention> pendingInterventions() { return interventions; }
    List<Transition> heldBack() { return new ArrayList<>(held); }
    ResolvedStep previous() { return previous; }
}
