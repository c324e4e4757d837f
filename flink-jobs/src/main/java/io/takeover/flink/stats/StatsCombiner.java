package io.takeover.flink.stats;

import io.takeover.schemas.Step;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Counts steps per robot, task × policy version and window where the steps are read, before
 * they are shuffled: a step costs a lookup by robot and a few increments instead of a record
 * sent and a state update. The partial sums go out at every watermark (before it, so none is
 * late) and before every checkpoint barrier, so nothing is held across a checkpoint and the
 * operator needs no state. They are stamped in {@link StatsTime}.
 */
public final class StatsCombiner extends AbstractStreamOperator<StatsAccumulator>
        implements OneInputStreamOperator<Step, StatsAccumulator> {

    private record Slot(String task, long policyVersion, String robotId, long windowStart) {}

    /** The counts a robot's latest step went to: its next step almost always goes there too. */
    private record Latest(long windowStart, StatsAccumulator counts) {}

    private final StatsTime time;
    private transient Map<Slot, StatsAccumulator> partials;
    private transient Map<String, Latest> latest;

    public StatsCombiner(StatsTime time) {
        this.time = time;
    }

    @Override
    public void open() throws Exception {
        super.open();
        partials = new HashMap<>();
        latest = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<Step> element) {
        Step step = element.getValue();
        long start = time.windowStart(element.getTimestamp());
        Latest last = latest.get(step.getRobotId());
        if (last != null && last.windowStart() == start && last.counts().getPolicyVersion() == step.getPolicyVersion()
                && last.counts().getTask().equals(step.getTask())) {
            last.counts().count(step);
            return;
        }
        Slot slot = new Slot(step.getTask(), step.getPolicyVersion(), step.getRobotId(), start);
        StatsAccumulator counts = partials.get(slot);
        if (counts == null) {
            counts = StatsAccumulator.of(step);
            partials.put(slot, counts);
        } else {
            counts.count(step);
        }
        latest.put(step.getRobotId(), new Latest(start, counts));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        StreamRecord<StatsAccumulator> record = new StreamRecord<>(null);
        for (Map.Entry<Slot, StatsAccumulator> e : partials.entrySet()) {
            output.collect(record.replace(e.getValue(), time.stampOfWindow(e.getKey().windowStart())));
        }
        partials.clear();
        latest.clear();
    }
}
