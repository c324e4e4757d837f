package io.takeover.flink.stats;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Adds up counts per robot, task × policy version and window where the steps are read, before
 * they are shuffled: a step costs a hash-map update instead of a record sent and a state update.
 * The partial sums go out at every watermark (before it, so none is late) and before every
 * checkpoint barrier, so nothing is held across a checkpoint and the operator needs no state.
 * They are stamped in {@link StatsTime}.
 */
public final class StatsCombiner extends AbstractStreamOperator<StatsAccumulator>
        implements OneInputStreamOperator<StatsAccumulator, StatsAccumulator> {

    private record Slot(String task, long policyVersion, String robotId, long windowStart) {}

    private final StatsTime time;
    private transient Map<Slot, StatsAccumulator> partials;

    public StatsCombiner(StatsTime time) {
        this.time = time;
    }

    @Override
    public void open() throws Exception {
        super.open();
        partials = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<StatsAccumulator> element) {
        StatsAccumulator counts = element.getValue();
        long start = time.windowStart(element.getTimestamp());
        Slot slot = new Slot(counts.getTask(), counts.getPolicyVersion(), counts.getRobotId(), start);
        StatsAccumulator sum = partials.putIfAbsent(slot, counts);
        if (sum != null) {
            sum.merge(counts);
        }
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
    }
}
