package io.takeover.flink.ingest;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.wire.WireFormatException;
import java.io.Serializable;
import java.time.Instant;
import java.util.Set;

/**
 * Decodes and validates one raw input record, a step against its registered task; never throws
 * on input.
 */
public final class InputDecoder implements Serializable {

    static {
        ContractTrust.ensure();
    }

    private final String stepsTopic;
    private final InputValidator validator;
    private final int maxRecordBytes;
    private final TaskDirectory.Factory tasks;
    private transient TaskDirectory directory;

    /** Records from {@code stepsTopic} are steps; from any other input topic, interventions. */
    public InputDecoder(String stepsTopic, InputValidator validator, int maxRecordBytes, TaskDirectory.Factory tasks) {
        this.stepsTopic = stepsTopic;
        this.validator = validator;
        this.maxRecordBytes = maxRecordBytes;
        this.tasks = tasks;
    }

    public InputRecord decode(RawRecord raw) {
        Instant now = Instant.now();
        if (raw.getValue() != null && raw.getValue().length > maxRecordBytes) {
            return reject(raw, new Rejection("OVERSIZED", raw.getValue().length + " bytes exceed the limit of "
                    + maxRecordBytes + " on " + raw.getTopic() + "; check what the producer sends"));
        }
        try {
            if (stepsTopic.equals(raw.getTopic())) {
                Step step = Codecs.STEP.decode(raw.getValue());
                Rejection rejection = validator.check(step, now);
                if (rejection == null) {
                    rejection = checkTask(step);
                }
                return rejection == null ? InputRecord.ofStep(step) : reject(raw, rejection);
            }
            Intervention intervention = Codecs.INTERVENTION.decode(raw.getValue());
            Rejection rejection = validator.check(intervention, now);
            return rejection == null ? InputRecord.ofIntervention(intervention, raw) : reject(raw, rejection);
        } catch (WireFormatException e) {
            return reject(raw, new Rejection(e.reason().name(), e.getMessage()));
        }
    }

    /** @return null when the step's task is registered and the step has its dimensions, else why not */
    private Rejection checkTask(Step step) {
        if (directory == null) {
            directory = tasks.open();
        }
        int[] dims = directory.dims(step.getTask());
        if (dims == null) {
            Set<String> registered = directory.names();
            return new Rejection("UNKNOWN_TASK", "task '" + step.getTask() + "' is not registered; registered: "
                    + (registered.isEmpty() ? "none" : registered) + ". Register the task before streaming its "
                    + "steps: takeover task register FILE");
        }
        boolean last = step.getTerminated() || step.getTruncated();
        if (step.getObservation().size() != dims[0]) {
            return new Rejection("BAD_DIMENSIONS", "task " + step.getTask() + " has observations of length "
                    + dims[0] + ", got " + step.getObservation().size());
        }
        if (step.getAction().size() != dims[1] && !(last && step.getAction().isEmpty())) {
            return new Rejection("BAD_DIMENSIONS", "task " + step.getTask() + " has actions of length " + dims[1]
                    + ", got " + step.getAction().size() + " (only the final step may have none)");
        }
        return null;
    }

    private static InputRecord reject(RawRecord raw, Rejection rejection) {
        return InputRecord.ofDeadLetter(DeadLetters.of(raw, rejection));
    }
}
