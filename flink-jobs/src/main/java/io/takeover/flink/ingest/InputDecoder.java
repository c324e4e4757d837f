package io.takeover.flink.ingest;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.wire.WireFormatException;
import java.io.Serializable;
import java.time.Instant;

/** Decodes and validates one raw input record; never throws on input. */
public final class InputDecoder implements Serializable {

    static {
        ContractTrust.ensure();
    }

    private final String stepsTopic;
    private final InputValidator validator;
    private final int maxRecordBytes;

    /** Records from {@code stepsTopic} are steps; from any other input topic, interventions. */
    public InputDecoder(String stepsTopic, InputValidator validator, int maxRecordBytes) {
        this.stepsTopic = stepsTopic;
        this.validator = validator;
        this.maxRecordBytes = maxRecordBytes;
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
                return rejection == null ? InputRecord.ofStep(step, raw) : reject(raw, rejection);
            }
            Intervention intervention = Codecs.INTERVENTION.decode(raw.getValue());
            Rejection rejection = validator.check(intervention, now);
            return rejection == null ? InputRecord.ofIntervention(intervention, raw) : reject(raw, rejection);
        } catch (WireFormatException e) {
            return reject(raw, new Rejection(e.reason().name(), e.getMessage()));
        }
    }

    private static InputRecord reject(RawRecord raw, Rejection rejection) {
        return InputRecord.ofDeadLetter(DeadLetters.of(raw, rejection));
    }
}
