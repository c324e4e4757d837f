package io.takeover.flink.ingest;

import io.takeover.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.util.OutputTag;

/** The dead-letter side output every operator of the label job writes refused input to. */
public final class DeadLetters {

    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") {};

    /** A dead letter keeping the record's coordinates and bytes exactly as they arrived. */
    public static DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value,
            Rejection rejection) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic).setPartition(partition).setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(rejection.reason()).setMessage(rejection.message()).setRejectedAt(Instant.now()).build();
    }

    public static DeadLetter of(RawRecord raw, Rejection rejection) {
        return of(raw.getTopic(), raw.getPartition(), raw.getOffset(), raw.getKey(), raw.getValue(), rejection);
    }

    private DeadLetters() {}
}
