package io.takeover.flink.ingest;

import io.takeover.schemas.Intervention;

/**
 * A decoded intervention with where it came from, so that one arriving too late to change a
 * label can still be dead-lettered byte for byte.
 */
public class SourcedIntervention {

    private Intervention intervention;
    private RawRecord source;

    public SourcedIntervention() {}

    public SourcedIntervention(RawRecord source, Intervention intervention) {
        this.source = source;
        this.intervention = intervention;
    }

    public String robotId() {
        return intervention.getRobotId();
    }

    public Intervention getIntervention() { return intervention; }
    public void setIntervention(Intervention intervention) { this.intervention = intervention; }
    public RawRecord getSource() { return source; }
    public void setSource(RawRecord source) { this.source = source; }
}
