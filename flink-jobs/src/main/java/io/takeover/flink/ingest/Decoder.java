package io.takeover.flink.ingest;

import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.wire.WireCodec;
import io.takeover.schemas.wire.WireFormatException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes and validates raw input records; anything refused goes to the dead-letter side
 * output with its coordinates, bytes and reason, and is counted per reason. Never throws on
 * input. What passes is emitted as {@code output.of(raw, value)}.
 */
public final class Decoder<T, O> extends ProcessFunction<RawRecord, O> {

    static {
        ContractTrust.ensure();
    }

    private final WireCodec<T> codec;
    private final Validation<T> validation;
    private final Output<T, O> output;
    private final int maxRecordBytes;
    private transient MetricGroup deadLetterMetrics;
    private transient Map<String, Counter> deadLetterCounters;

    /** A serializable check of a decoded value. */
    public interface Validation<T> extends BiFunction<T, Instant, Rejection>, java.io.Serializable {}

    /** What a decoded value becomes downstream. */
    public interface Output<T, O> extends BiFunction<RawRecord, T, O>, java.io.Serializable {}

    public Decoder(WireCodec<T> codec, Validation<T> validation, Output<T, O> output, int maxRecordBytes) {
        this.codec = codec;
        this.validation = validation;
        this.output = output;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(OpenContext context) {
        deadLetterMetrics = getRuntimeContext().getMetricGroup().addGroup("dead_letters");
        deadLetterCounters = new HashMap<>();
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<O> out) {
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
            out.collect(output.apply(raw, value));
            return;
        }
        deadLetterCounters.computeIfAbsent(rejection.reason(), deadLetterMetrics::counter).inc();
        ctx.output(DeadLetters.TAG, DeadLetters.of(raw, rejection));
    }
}
