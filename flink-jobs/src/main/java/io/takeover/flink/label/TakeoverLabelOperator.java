package io.takeover.flink.label;

import io.takeover.flink.ingest.DeadLetters;
import io.takeover.flink.ingest.Rejection;
import io.takeover.flink.ingest.SourcedIntervention;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.ContractTrust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Labels steps with intervention-as-reward, keyed by robot, in event time; see
 * {@link RobotLabeling} for the rules. Each watermark labels what it made final; when the
 * watermark and a robot's input both stand still past the quiet delay, the robot's waiting steps
 * are labelled anyway (a processing-time check).
 *
 * <p>The robots being labelled live on the heap and reach keyed state (RocksDB) only when a
 * checkpoint is taken, each robot changed since the last one written once: a step costs no
 * state access, and the checkpoint holds exactly what the heap held at its barrier. On restore,
 * every robot in keyed state is read back. Robots between episodes, or silent past the idle
 * timeout, leave the heap; only their final mark (up to when their labels are final, and in
 * which episode) stays, in keyed state under the state TTL, and is read back when the robot is
 * heard from again.
 */
public final class TakeoverLabelOperator extends AbstractStreamOperator<Transition>
        implements TwoInputStreamOperator<Step, SourcedIntervention, Transition> {

    static {
        ContractTrust.ensure();
    }

    private static final String PROGRESS = "progress";

    private final LabelSettings settings;

    private transient Map<String, RobotLabeling> robots;
    private transient Map<String, LabelProgress> retired; // left the heap since the last checkpoint
    private transient Set<String> changed;
    private transient LabelCounters counters;
    private transient Map<String, Counter> deadLetterCounters;
    private transient RobotLabeling.Emitter emitter;
    private transient long watermark;
    private transient long watermarkMovedAt; // processing time
    private transient long earliestDue; // no robot has anything to do before this watermark

    private transient ValueState<LabelProgress> progressState;
    private transient ListState<Step> pendingState;
    private transient ListState<SourcedIntervention> interventionState;
    private transient ListState<Transition> heldState;
    private transient ValueState<ResolvedStep> previousState;
    private transient ValueState<LabelProgress> finalMarkState;

    public TakeoverLabelOperator(LabelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        robots = new HashMap<>();
        retired = new HashMap<>();
        changed = new HashSet<>();
        deadLetterCounters = new HashMap<>();
        emitter = emitter();
        watermark = Long.MIN_VALUE;
        earliestDue = Long.MIN_VALUE;
        counters = new LabelCounters(getMetricGroup());
        progressState = getKeyedStateStore().getState(
                withTtl(new ValueStateDescriptor<>(PROGRESS, LabelProgress.class)));
        pendingState = getKeyedStateStore().getListState(withTtl(new ListStateDescriptor<>("pending-steps",
                TypeInformation.of(Step.class))));
        interventionState = getKeyedStateStore().getListState(withTtl(new ListStateDescriptor<>(
                "waiting-interventions", TypeInformation.of(SourcedIntervention.class))));
        heldState = getKeyedStateStore().getListState(withTtl(new ListStateDescriptor<>("held-back",
                TypeInformation.of(Transition.class))));
        previousState = getKeyedStateStore().getState(withTtl(new ValueStateDescriptor<>("previous-step",
                ResolvedStep.class)));
        finalMarkState = getKeyedStateStore().getState(withTtl(new ValueStateDescriptor<>("final-mark",
                LabelProgress.class)));
        if (context.isRestored()) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            List<String> keys;
            try (Stream<String> stored =
                    this.<String>getKeyedStateBackend().getKeys(PROGRESS, VoidNamespace.INSTANCE)) {
                keys = stored.toList();
            }
            for (String robot : keys) {
                setCurrentKey(robot);
                robots.put(robot, new RobotLabeling(settings, counters, progressState.value(), list(pendingState),
                        list(interventionState), list(heldState), previousState.value(), now));
            }
        }
    }

    /** Processing-time backstop only: the heap is the truth between checkpoints. */
    private <D extends StateDescriptor<?, ?>> D withTtl(D descriptor) {
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(settings.stateTtl()).build());
        return descriptor;
    }

    @Override
    public void open() throws Exception {
        super.open();
        getMetricGroup().addGroup("pipeline").<Double, Gauge<Double>>gauge("event_time_lag_seconds",
                () -> watermark == Long.MIN_VALUE ? Double.NaN : (System.currentTimeMillis() - watermark) / 1000.0);
        getMetricGroup().addGroup("labels").<Integer, Gauge<Integer>>gauge("robots", () -> robots.size());
        watermarkMovedAt = getProcessingTimeService().getCurrentProcessingTime();
        scheduleQuietCheck(watermarkMovedAt);
    }

    @Override
    public void processElement1(StreamRecord<Step> record) {
        Step step = record.getValue();
        RobotLabeling robot = robot(step.getRobotId());
        robot.addStep(step, now());
        due(robot);
    }

    @Override
    public void processElement2(StreamRecord<SourcedIntervention> record) {
        Intervention intervention = record.getValue().getIntervention();
        RobotLabeling robot = robot(intervention.getRobotId());
        boolean inTime = robot.addIntervention(record.getValue(), now());
        due(robot);
        if (!inTime) {
            LabelProgress progress = robot.progress();
            boolean sameEpisode = intervention.getEpisodeId().equals(progress.getEpisodeId());
            deadLetter(record.getValue(), new Rejection("LATE_INTERVENTION", intervention.getKind() + " for episode "
                    + intervention.getEpisodeId() + " at " + intervention.getEventTime()
                    + " arrived after the labels of robot " + intervention.getRobotId() + " up to "
                    + Instant.ofEpochMilli(progress.getFinalizedUpTo()) + " were final (allowed lateness "
                    + settings.allowedLateness() + "); those labels stay"
                    + (sameEpisode ? ", it applies from the first step not yet final of the same episode"
                            : "; it changes no other episode")
                    + ". Send interventions sooner or raise the allowed lateness."));
        }
    }

    private RobotLabeling robot(String id) {
        changed.add(id);
        RobotLabeling robot = robots.get(id);
        if (robot == null) {
            LabelProgress mark = retired.remove(id);
            if (mark == null) {
                try {
                    mark = finalMarkState.value(); // the current key is this robot's
                } catch (Exception e) {
                    throw new IllegalStateException("cannot read the final mark of robot " + id, e);
                }
            }
            robot = new RobotLabeling(settings, counters, mark, now());
            robots.put(id, robot);
        }
        return robot;
    }

    private void due(RobotLabeling robot) {
        earliestDue = Math.min(earliestDue, robot.nextDue());
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    /** Transitions to the main output at their timestamps, refused interventions to the dead letters. */
    private RobotLabeling.Emitter emitter() {
        StreamRecord<Transition> reuse = new StreamRecord<>(null);
        return new RobotLabeling.Emitter() {
            @Override
            public void emit(Transition transition, long timestamp) {
                output.collect(reuse.replace(transition, timestamp));
            }

            @Override
            public void reject(SourcedIntervention intervention, Rejection rejection) {
                deadLetter(intervention, rejection);
            }
        };
    }

    private void deadLetter(SourcedIntervention intervention, Rejection rejection) {
        deadLetterCounters.computeIfAbsent(rejection.reason(),
                reason -> getMetricGroup().addGroup("reason", reason).counter("dead_letters")).inc();
        output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.of(intervention.getSource(), rejection)));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long floor = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark + 1;
        if (mark.getTimestamp() > watermark) {
            watermarkMovedAt = now();
        }
        watermark = mark.getTimestamp();
        if (watermark >= earliestDue) {
            earliestDue = Long.MAX_VALUE;
            for (Iterator<Map.Entry<String, RobotLabeling>> it = robots.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, RobotLabeling> robot = it.next();
                if (robot.getValue().nextDue() <= watermark) {
                    changed.add(robot.getKey());
                    if (!robot.getValue().advanceTo(watermark, floor, emitter)) {
                        retire(robot.getKey(), robot.getValue());
                        it.remove();
                        continue;
                    }
                }
                earliestDue = Math.min(earliestDue, robot.getValue().nextDue());
            }
        }
        super.processWatermark(mark);
    }

    private void retire(String id, RobotLabeling robot) {
        retired.put(id, robot.progress().copy());
    }

    private void scheduleQuietCheck(long now) {
        long every = Math.max(100, Math.min(1_000, settings.quietAfter().toMillis() / 4));
        getProcessingTimeService().registerTimer(now + every, this::checkQuiet);
    }

    /** With the watermark standing still past the quiet delay, labels what quiet robots are waiting for. */
    private void checkQuiet(long now) {
        if (now - watermarkMovedAt >= settings.quietDelay().toMillis()) {
            long floor = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark + 1;
            for (Iterator<Map.Entry<String, RobotLabeling>> it = robots.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, RobotLabeling> robot = it.next();
                if (robot.getValue().isQuiet(now)) {
                    changed.add(robot.getKey());
                    counters.quietSettles.inc();
                    if (!robot.getValue().settleQuiet(floor, emitter)) {
                        retire(robot.getKey(), robot.getValue());
                        it.remove();
                    }
                }
            }
        }
        scheduleQuietCheck(now);
    }

    /** Writes each robot changed since the last checkpoint into keyed state, before it is snapshot. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (String id : changed) {
            setCurrentKey(id);
            RobotLabeling robot = robots.get(id);
            if (robot == null) {
                LabelProgress mark = retired.remove(id);
                if (mark != null) {
                    finalMarkState.update(mark);
                }
                progressState.clear();
                pendingState.clear();
                interventionState.clear();
                heldState.clear();
                previousState.clear();
                continue;
            }
            finalMarkState.clear();
            progressState.update(robot.progress().copy());
            RobotLabeling.StepsToStore steps = robot.stepsToStore();
            if (steps.replace()) {
                pendingState.update(steps.steps());
            } else if (!steps.steps().isEmpty()) {
                pendingState.addAll(steps.steps()); // a step is written once, not once per checkpoint it waits
            }
            interventionState.update(new ArrayList<>(robot.pendingInterventions()));
            heldState.update(robot.heldBack());
            if (robot.previous() == null) {
                previousState.clear();
            } else {
                previousState.update(robot.previous());
            }
        }
        changed.clear();
    }

    /** Robots on the heap now; none between episodes. */
    int robotsInMemory() {
        return robots.size();
    }

    private static <T> List<T> list(ListState<T> state) throws Exception {
        List<T> all = new ArrayList<>();
        Iterable<T> stored = state.get();
        if (stored != null) {
            stored.forEach(all::add);
        }
        return all;
    }
}
