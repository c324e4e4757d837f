package io.takeover.flink.ingest;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Per-partition watermarks: bounded out-of-orderness, and idleness that depends on what the
 * partition carries. A partition of interventions is sparse by nature: it stops holding time
 * back soon after its last record (the allowed lateness waits for interventions). A partition
 * of steps, or one not heard from yet, keeps holding time back much longer, so that after a
 * restart a partition slow to resume cannot see its steps arrive late.
 */
public final class InputWatermarks implements WatermarkGenerator<InputRecord> {

    private final long outOfOrdernessMs;
    private final long stepIdleNanos;
    private final long interventionIdleNanos;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordNanos = System.nanoTime();
    private boolean interventions;

    public InputWatermarks(long outOfOrdernessMs, long stepIdleMs, long interventionIdleMs) {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.stepIdleNanos = stepIdleMs * 1_000_000;
        this.interventionIdleNanos = interventionIdleMs * 1_000_000;
    }

    @Override
    public void onEvent(InputRecord record, long timestamp, WatermarkOutput output) {
        lastRecordNanos = System.nanoTime();
        if (record.getDeadLetter() != null) {
            return; // no event time
        }
        interventions = record.getIntervention() != null;
        maxTimestamp = Math.max(maxTimestamp, timestamp);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long idleAfter = interventions ? interventionIdleNanos : stepIdleNanos;
        if (System.nanoTime() - lastRecordNanos > idleAfter) {
            output.markIdle();
        } else if (maxTimestamp != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(maxTimestamp - outOfOrdernessMs - 1));
        }
    }
}
