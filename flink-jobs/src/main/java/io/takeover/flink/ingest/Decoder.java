package io.takeover.flink.ingest;

import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.wire.WireCodec;
import io.takeover.schemas.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates raw input records; anything refused goes to the dead-letter side
 * output with its coordinates, bytes and reason, and is counted per reason. Never throws on input.
 */
public final class Decoder<T> extends ProcessFunction<RawRecord, T> {

    static {
        ContractTrust.ensure();
    }

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final WireCodec<T> codec;
    private final Validation<T> validation;
    private final int maxRecordBytes;
    private transient MetricGroup deadLetterMetrics;
    private transient Map<String, Counter> deadLetterCounters;

    /** A serializable check of a decoded value. */
    public interface Validation<T> extends BiFunction<T, Instant, Rejection>, java.io.Serializable {}

    public Decoder(WireCodec<T> codec, Validation<T> validation, int maxRecordBytes) {
        this.codec = codec;
        this.validation = validation;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(OpenContext context) {
        deadLetterMetrics = getRuntimeContext().getMetricGroup().addGroup("dead_letters");
        deadLetterCounters = new HashMap<>();
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        Rejection rejection;
        T value = null;
        if (raw.getValue() != null && raw.getValue().length > maxRecordBytes) {
            rejection = new Rejection("OVERSIZED", raw.getValue().length + " bytes exceed the limit of "
                    + maxRecordBytes + " for " + codec.typeName());
        } else {
            try {
                value = codec.decode(raw.getValue());
                rejection = validation.apply(value, Instant.now());
            } catch (WireFormatException e) {
                rejection = new Rejection(e.reason().name(), e.getMessage());
            }
        }
        if (rejection == null) {
            out.collect(value);
            return;
        }
        deadLetterCounters.computeIfAbsent(rejection.reason(), deadLetterMetrics::counter).inc();
        ctx.output(DEAD_LETTERS, DeadLetter.newBuilder()
                .setSourceTopic(raw.getTopic()).setPartition(raw.getPartition()).setOffset(raw.getOffset())
                .setKey(raw.getKey() == null ? null : ByteBuffer.wrap(raw.getKey()))
                .setValue(raw.getValue() == null ? null : ByteBuffer.wrap(raw.getValue()))
                .setReason(rejection.reason()).setMessage(rejection.message()).setRejectedAt(Instant.now()).build());
    }
}
