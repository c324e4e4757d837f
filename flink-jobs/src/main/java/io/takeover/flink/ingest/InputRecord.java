package io.takeover.flink.ingest;

import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;

/**
 * One input record after decoding at the source: a step, an intervention (with where it came
 * from, so a late one can be dead-lettered byte for byte), or the dead letter it became.
 */
public class InputRecord {

    private Step step;
    private Intervention intervention;
    private RawRecord source;
    private DeadLetter deadLetter;

    public InputRecord() {}

    static InputRecord ofStep(Step step) {
        InputRecord r = new InputRecord();
        r.step = step;
        return r;
    }

    static InputRecord ofIntervention(Intervention intervention, RawRecord source) {
        InputRecord r = new InputRecord();
        r.intervention = intervention;
        r.source = source;
        return r;
    }

    static InputRecord ofDeadLetter(DeadLetter deadLetter) {
        InputRecord r = new InputRecord();
        r.deadLetter = deadLetter;
        return r;
    }

    /** Event time of a step or intervention; a dead letter has none and never moves the watermark. */
    public long eventTime() {
        if (step != null) {
            return step.getEventTime().toEpochMilli();
        }
        if (intervention != null) {
            return intervention.getEventTime().toEpochMilli();
        }
        return Long.MIN_VALUE;
    }

    public Step getStep() { return step; }
    public void setStep(Step step) { this.step = step; }
    public Intervention getIntervention() { return intervention; }
    public void setIntervention(Intervention intervention) { this.intervention = intervention; }
    public RawRecord getSource() { return source; }
    public void setSource(RawRecord source) { this.source = source; }
    public DeadLetter getDeadLetter() { return deadLetter; }
    public void setDeadLetter(DeadLetter deadLetter) { this.deadLetter = deadLetter; }
}
