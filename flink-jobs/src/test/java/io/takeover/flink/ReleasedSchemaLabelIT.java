package io.takeover.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.takeover.flink.ingest.RawRecord;
import io.takeover.schemas.Control;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.ReleasedSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Robots that have not upgraded: steps and interventions written, as any Avro library writes
 * them, with the 0.1.0 schemas shipped in the schemas jar, are labelled like current ones.
 */
class ReleasedSchemaLabelIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final String RELEASE = "0.1.0";
    private static final Schema STEP = ReleasedSchemas.schema(RELEASE, "Step");
    private static final Schema INTERVENTION = ReleasedSchemas.schema(RELEASE, "Intervention");
    private static final long T0 = Instant.now().minusSeconds(600).toEpochMilli() / 1000 * 1000;

    @Test
    void stepsAndInterventionsOf010AreLabelled() throws Exception {
        List<RawRecord> input = new ArrayList<>();
        long offset = 0;
        for (String robot : List.of("a", "b")) {
            for (int k = 0; k <= 10; k++) {
                input.add(raw("takeover.steps", offset++, at(k), singleObject(STEP, step(robot, k, k == 10))));
            }
            input.add(raw("takeover.interventions", offset++, at(4),
                    singleObject(INTERVENTION, intervention(robot, "TAKEOVER", 4))));
            input.add(raw("takeover.interventions", offset++, at(7),
                    singleObject(INTERVENTION, intervention(robot, "HANDBACK", 7))));
        }
        input.sort(Comparator.comparingLong(RawRecord::getTimestamp));

        PipelineRun run = PipelineRun.of(input);
        LabelPipeline.Outputs out = run.out();
        try (CloseableIterator<Transition> t = out.transitions().collectAsync();
                CloseableIterator<DeadLetter> d = out.deadLetters().collectAsync()) {
            run.env().execute("released-schema-label-test");
            List<Transition> transitions = drain(t);
            List<DeadLetter> deadLetters = drain(d);

            assertEquals(List.of(), deadLetters.stream().map(x -> x.getReason() + ": " + x.getMessage()).toList());
            assertEquals(20, transitions.size(), "10 transitions per robot");
            assertEquals(Map.of("a", List.of(3L), "b", List.of(3L)), transitions.stream()
                    .filter(Transition::getTakeover).collect(Collectors.groupingBy(Transition::getRobotId,
                            Collectors.mapping(Transition::getStep, Collectors.toList()))));
            assertEquals(List.of(4L, 4L, 5L, 5L, 6L, 6L), transitions.stream()
                    .filter(x -> x.getSource() == Control.OPERATOR && "op".equals(x.getOperatorId()))
                    .map(Transition::getStep).sorted().toList(), "the steps between TAKEOVER and HANDBACK");
        }
    }

    private static long at(int k) {
        return T0 + 50L * k;
    }

    private static GenericRecord step(String robot, int k, boolean last) {
        return new GenericRecordBuilder(STEP).set("robot_id", robot).set("task", "pendulum")
                .set("episode_id", robot + "/1").set("step", (long) k).set("event_time", at(k))
                .set("observation", List.of(1f, 0f, (float) k)).set("action", last ? List.of() : List.of(0.1f))
                .set("policy_version", 2L).set("truncated", last).set("success", last ? Boolean.FALSE : null)
                .build();
    }

    private static GenericRecord intervention(String robot, String kind, int k) {
        return new GenericRecordBuilder(INTERVENTION).set("robot_id", robot).set("episode_id", robot + "/1")
                .set("operator_id", "op").set("event_time", at(k))
                .set("kind", new GenericData.EnumSymbol(INTERVENTION.getField("kind").schema(), kind)).build();
    }

    /** Single-object encoding from the released schema alone, as a robot in any language writes it. */
    private static byte[] singleObject(Schema writer, GenericRecord datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 0x01)
                .putLong(SchemaNormalization.parsingFingerprint64(writer)).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static RawRecord raw(String topic, long offset, long timestamp, byte[] value) {
        return new RawRecord(topic, 0, offset, timestamp, null, value);
    }

    private static <T> List<T> drain(CloseableIterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
