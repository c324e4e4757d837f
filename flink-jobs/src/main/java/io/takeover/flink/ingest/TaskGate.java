package io.takeover.flink.ingest;

import io.takeover.schemas.Step;
import io.takeover.schemas.TaskRegistration;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets a step through only when its task is registered and its dimensions are the task's. The
 * registry reaches every parallel instance as broadcast state (from {@code takeover.tasks}), on top
 * of the tasks registered when the job was submitted. A step of a task not registered yet waits,
 * per robot, until its registration arrives or the event time has passed it by {@code grace}; then
 * it becomes an {@code UNKNOWN_TASK} dead letter naming the registered tasks. Registrations the registry's rules
 * refuse ({@link TaskRegistry#refusal}) become {@code BAD_TASK} dead letters. Interventions and dead
 * letters pass unchanged. Input is keyed by {@link InputRecord#robotKey()}.
 */
public final class TaskGate extends KeyedBroadcastProcessFunction<String, InputRecord, RawRecord, InputRecord> {

    static {
        ContractTrust.ensure();
    }

    public static final MapStateDescriptor<String, TaskRegistration> TASKS = new MapStateDescriptor<>("tasks",
            Types.STRING, TypeInformation.of(TaskRegistration.class));
    private static final ListStateDescriptor<InputRecord> WAITING =
            new ListStateDescriptor<>("steps-of-unregistered-tasks", TypeInformation.of(InputRecord.class));

    private final Map<String, int[]> submitted;
    private final long graceMillis;
    private transient ListState<InputRecord> waiting;

    /** @param submitted task → {obs_dim, act_dim} of the tasks registered when the job was submitted */
    public TaskGate(Map<String, int[]> submitted, Duration grace) {
        this.submitted = Map.copyOf(submitted);
        this.graceMillis = grace.toMillis();
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
        waiting = getRuntimeContext().getListState(WAITING);
    }

    @Override
    public void processElement(InputRecord record, ReadOnlyContext ctx, Collector<InputRecord> out) throws Exception {
        Step step = record.getStep();
        if (step == null) {
            out.collect(record);
            return;
        }
        int[] dims = dims(step.getTask(), ctx.getBroadcastState(TASKS));
        if (dims != null) {
            out.collect(checked(record, dims));
            return;
        }
        if (!waiting.get().iterator().hasNext()) {
            ctx.timerService().registerEventTimeTimer(step.getEventTime().toEpochMilli() + graceMillis);
        }
        waiting.add(record);
    }

    @Override
    public void processBroadcastElement(RawRecord raw, Context ctx, Collector<InputRecord> out) throws Exception {
        BroadcastState<String, TaskRegistration> tasks = ctx.getBroadcastState(TASKS);
        String key = raw.getKey() == null ? null : new String(raw.getKey(), StandardCharsets.UTF_8);
        String refusal;
        TaskRegistration registration = null;
        try {
            registration = Codecs.TASK_REGISTRATION.decode(raw.getValue());
            TaskRegistration earlier = tasks.get(registration.getName());
            int[] known = earlier == null ? submitted.get(registration.getName()) : null;
            TaskSpec registered = earlier != null ? TaskSpec.fromWire(earlier)
                    : known == null ? null : dimsOnly(registration.getName(), known);
            refusal = TaskRegistry.refusal(key, registration, registered);
        } catch (WireFormatException e) {
            refusal = "undecodable registration: " + e.getMessage();
        }
        if (refusal != null) {
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) { // once, not per instance
                out.collect(InputRecord.ofDeadLetter(DeadLetters.of(raw, new Rejection("BAD_TASK", refusal))));
            }
            return;
        }
        tasks.put(registration.getName(), registration);
        String task = registration.getName();
        int[] dims = {registration.getObsDim(), registration.getActDim()};
        ctx.applyToKeyedState(WAITING, (robot, state) -> {
            List<InputRecord> still = new ArrayList<>();
            for (InputRecord r : state.get()) {
                if (task.equals(r.getStep().getTask())) {
                    out.collect(checked(r, dims));
                } else {
                    still.add(r);
                }
            }
            state.update(still);
        });
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<InputRecord> out) throws Exception {
        ReadOnlyBroadcastState<String, TaskRegistration> tasks = ctx.getBroadcastState(TASKS);
        for (InputRecord r : waiting.get()) {
            int[] dims = dims(r.getStep().getTask(), tasks);
            if (dims != null) {
                out.collect(checked(r, dims));
                continue;
            }
            TreeSet<String> registered = new TreeSet<>(submitted.keySet());
            tasks.immutableEntries().forEach(e -> registered.add(e.getKey()));
            out.collect(InputRecord.ofDeadLetter(DeadLetters.of(r.getSource(), new Rejection("UNKNOWN_TASK",
                    "task '" + r.getStep().getTask() + "' is not registered (waited " + graceMillis + " ms of event time"
                            + " for it); registered: " + (registered.isEmpty() ? "none" : registered)
                            + ". Register the task before streaming its steps: takeover task register FILE"))));
        }
        waiting.clear();
    }

    private int[] dims(String task, ReadOnlyBroadcastState<String, TaskRegistration> tasks) throws Exception {
        TaskRegistration registration = tasks.get(task);
        return registration != null ? new int[] {registration.getObsDim(), registration.getActDim()}
                : submitted.get(task);
    }

    /** The step, or its BAD_DIMENSIONS dead letter. */
    private static InputRecord checked(InputRecord record, int[] dims) {
        Step step = record.getStep();
        boolean last = step.getTerminated() || step.getTruncated();
        if (step.getObservation().size() != dims[0]) {
            return rejected(record, "task " + step.getTask() + " has observations of length " + dims[0] + ", got "
                    + step.getObservation().size());
        }
        if (step.getAction().size() != dims[1] && !(last && step.getAction().isEmpty())) {
            return rejected(record, "task " + step.getTask() + " has actions of length " + dims[1] + ", got "
                    + step.getAction().size() + " (only the final step may have none)");
        }
        return record;
    }

    private static InputRecord rejected(InputRecord record, String message) {
        return InputRecord.ofDeadLetter(DeadLetters.of(record.getSource(), new Rejection("BAD_DIMENSIONS", message)));
    }

    /** A stand-in for a task known only by its dimensions, for the rule that they never change. */
    private static TaskSpec dimsOnly(String name, int[] dims) {
        return new TaskSpec(name, dims[0], dims[1], new float[dims[1]], new float[dims[1]], 1, 1);
    }
}
