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
 * {@link RobotLabeling} for the rules. Each watermark labels what it made final.
 *
 * <p>The robots being labelled live on the heap and reach keyed state (RocksDB) only when a
 * checkpoint is taken, each robot changed since the last one written once: a step costs no
 * state access, and the checkpoint holds exactly what the heap held at its barrier. On restore,
 * every robot in keyed state is read back. Robots between episodes, or silent past the idle
 * timeout, leave the heap and, at the next checkpoint, keyed state.
 */
public final class TakeoverLabelOperator extends AbstractStreamOperator<Transition>
        implements TwoInputStreamOperator<Step, SourcedIntervention, Transition> {

    static {
        ContractTrust.ensure();
    }

    private static final String PROGRESS = "progress";

    private final LabelSettings settings;

    private transient Map<String, RobotLabeling> robots;
    private transient Set<String> changed;
    private transient LabelCounters counters;
    private transient long watermark;
    private transient long earliestDue; // no robot has anything to do before this watermark

    private transient ValueState<LabelProgress> progressState;
    private transient ListState<Step> pendingState;
    private transient ListState<Intervention> interventionState;
    private transient ListState<Transition> heldState;
    private transient ValueState<ResolvedStep> previousState;

    public TakeoverLabelOperator(LabelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        robots = new HashMap<>();
        changed = new HashSet<>();
        watermark = Long.MIN_VALUE;
        earliestDue = Long.MIN_VALUE;
        counters = new LabelCounters(getMetricGroup());
        progressState = getKeyedStateStore().getState(
                withTtl(new ValueStateDescriptor<>(PROGRESS, LabelProgress.class)));
        pendingState = getKeyedStateStore().getListState(withTtl(new ListStateDescriptor<>("pending-steps",
                TypeInformation.of(Step.class))));
        interventionState = getKeyedStateStore().getListState(withTtl(new ListStateDescriptor<>(
                "pending-interventions", TypeInformation.of(Intervention.class))));
        heldState = getKeyedStateStore().getListState(withTtl(new ListStateDescriptor<>("held-back",
                TypeInformation.of(Transition.class))));
        previousState = getKeyedStateStore().getState(withTtl(new ValueStateDescriptor<>("previous-step",
                ResolvedStep.class)));
        if (context.isRestored()) {
            List<String> keys;
            try (Stream<String> stored =
                    this.<String>getKeyedStateBackend().getKeys(PROGRESS, VoidNamespace.INSTANCE)) {
                keys = stored.toList();
            }
            for (String robot : keys) {
                setCurrentKey(robot);
                robots.put(robot, new RobotLabeling(settings, counters, progressState.value(), list(pendingState),
                        list(interventionState), list(heldState), previousState.value()));
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
    }

    @Override
    public void processElement1(StreamRecord<Step> record) {
        Step step = record.getValue();
        RobotLabeling robot = robot(step.getRobotId());
        robot.addStep(step);
        due(robot);
    }

    @Override
    public void processElement2(StreamRecord<SourcedIntervention> record) {
        Intervention intervention = record.getValue().getIntervention();
        RobotLabeling robot = robot(intervention.getRobotId());
        boolean inTime = robot.addIntervention(intervention);
        due(robot);
        if (!inTime) {
            output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.of(record.getValue().getSource(),
                    new Rejection("LATE_INTERVENTION", intervention.getKind() + " at " + intervention.getEventTime()
                            + " arrived after the labels up to "
                            + Instant.ofEpochMilli(robot.progress().getFinalizedUpTo()) + " were final (allowed "
                            + "lateness " + settings.allowedLateness() + "); those labels stay, it applies from the "
                            + "first step not yet final. Send interventions sooner or raise the allowed lateness."))));
        }
    }

    private RobotLabeling robot(String id) {
        changed.add(id);
        return robots.computeIfAbsent(id, k -> new RobotLabeling(settings, counters));
    }

    private void due(RobotLabeling robot) {
        earliestDue = Math.min(earliestDue, robot.nextDue());
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long floor = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark + 1;
        watermark = mark.getTimestamp();
        if (watermark >= earliestDue) {
            StreamRecord<Transition> reuse = new StreamRecord<>(null);
            RobotLabeling.Emitter emit = (transition, t) -> output.collect(reuse.replace(transition, t));
            earliestDue = Long.MAX_VALUE;
            for (Iterator<Map.Entry<String, RobotLabeling>> it = robots.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, RobotLabeling> robot = it.next();
                if (robot.getValue().nextDue() <= watermark) {
                    changed.add(robot.getKey());
                    if (!robot.getValue().advanceTo(watermark, floor, emit)) {
                        it.remove();
                        continue;
                    }
                }
                earliestDue = Math.min(earliestDue, robot.getValue().nextDue());
            }
        }
        super.processWatermark(mark);
    }

    /** Writes each robot changed since the last checkpoint into keyed state, before it is snapshot. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (String id : changed) {
            setCurrentKey(id);
            RobotLabeling robot = robots.get(id);
            if (robot == null) {
                progressState.clear();
                pendingState.clear();
                interventionState.clear();
                heldState.clear();
                previousState.clear();
                continue;
            }
            progressState.update(robot.progress().copy());
            RobotLabeling.StepsToStore steps = robot.stepsToStore();
            if (steps.replace()) {
                pendingState.update(steps.steps());
            } else if (!steps.steps().isEmpty()) {
                pendingState.addAll(steps.steps()); // a step is written once, not once per checkpoint it waits
            }
            interventionState.update(robot.pendingInterventions());
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
