package io.takeover.schemas.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.Control;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.WireFormatException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Records written by older writers, as a robot or job that has not upgraded sends them: the
 * datum written generically with the older schema, behind that schema's fingerprint.
 */
class ReleasedSchemaDecodingTest {

    private static final Path RELEASED = Path.of("src/main/resources/io/takeover/schemas/released");
    private static final List<String> NAMED_TYPES = List.of("Control", "InterventionKind", "WeightTensor");
    private static final long T0 = Instant.parse("2026-01-02T03:04:05.678Z").toEpochMilli();

    @Test
    void transitionOf010DecodesWithoutStepsToTakeover() {
        Schema v010 = ReleasedSchemas.schema("0.1.0", "Transition");
        GenericRecord old = new GenericRecordBuilder(v010).set("robot_id", "r-1").set("task", "pendulum")
                .set("episode_id", "r-1/7").set("step", 3L).set("event_time", T0).set("observation", List.of(1f, 0f))
                .set("action", List.of(2f)).set("next_observation", List.of(0.9f, 0.1f)).set("reward", -1f)
                .set("terminal", false).set("source", enumSymbol(v010.getField("source").schema(), "POLICY"))
                .set("takeover", true).set("policy_version", 4L).set("operator_id", null).build();

        Transition t = Codecs.TRANSITION.decode(singleObject(v010, old));

        assertEquals("r-1", t.getRobotId());
        assertEquals(3L, t.getStep());
        assertEquals(Instant.ofEpochMilli(T0), t.getEventTime());
        assertEquals(List.of(0.9f, 0.1f), t.getNextObservation());
        assertEquals(-1f, t.getReward());
        assertEquals(Control.POLICY, t.getSource());
        assertTrue(t.getTakeover());
        assertEquals(4L, t.getPolicyVersion());
        assertNull(t.getStepsToTakeover(), "added after 0.1.0: its default");
    }

    @Test
    void fleetStatsOf010DecodeAsWindowNotCumulative() {
        Schema v010 = ReleasedSchemas.schema("0.1.0", "FleetStats");
        GenericRecord old = new GenericRecordBuilder(v010).set("task", "pendulum").set("policy_version", 2L)
                .set("window_start", T0).set("window_end", T0 + 10_000).set("robots", 4L).set("steps", 800L)
                .set("takeovers", 3L).set("takeovers_per_1k_steps", 3.75).set("episodes", 4L).set("successes", 1L)
                .build();

        FleetStats stats = Codecs.FLEET_STATS.decode(singleObject(v010, old));

        assertEquals(Instant.ofEpochMilli(T0 + 10_000), stats.getWindowEnd());
        assertEquals(800L, stats.getSteps());
        assertEquals(3.75, stats.getTakeoversPer1kSteps());
        assertFalse(stats.getCumulative(), "added after 0.1.0: its default");
    }

    @Test
    void stepAndInterventionOf010Decode() {
        Schema step010 = ReleasedSchemas.schema("0.1.0", "Step");
        GenericRecord step = new GenericRecordBuilder(step010).set("robot_id", "r-1").set("task", "pendulum")
                .set("episode_id", "r-1/7").set("step", 5L).set("event_time", T0).set("observation", List.of(0.5f))
                .set("action", List.of(-1.5f)).set("policy_version", 6L)
                .set("control", enumSymbol(step010.getField("control").schema().getTypes().get(1), "OPERATOR"))
                .build();
        Step s = Codecs.STEP.decode(singleObject(step010, step));
        assertEquals(5L, s.getStep());
        assertEquals(List.of(-1.5f), s.getAction());
        assertEquals(Control.OPERATOR, s.getControl());
        assertEquals(6L, s.getPolicyVersion());

        Schema intervention010 = ReleasedSchemas.schema("0.1.0", "Intervention");
        GenericRecord intervention = new GenericRecordBuilder(intervention010).set("robot_id", "r-1")
                .set("episode_id", "r-1/7").set("operator_id", "op-3").set("event_time", T0)
                .set("kind", enumSymbol(intervention010.getField("kind").schema(), "HANDBACK")).build();
        Intervention i = Codecs.INTERVENTION.decode(singleObject(intervention010, intervention));
        assertEquals("op-3", i.getOperatorId());
        assertEquals(InterventionKind.HANDBACK, i.getKind());
        assertEquals(Instant.ofEpochMilli(T0), i.getEventTime());
    }

    @Test
    void anOlderStepWithoutAFieldDecodesWithItsDefault() {
        Schema older = withoutField(Step.getClassSchema(), "policy_version");
        assertNotEquals(SchemaNormalization.parsingFingerprint64(Step.getClassSchema()),
                SchemaNormalization.parsingFingerprint64(older));
        GenericRecord old = new GenericRecordBuilder(older).set("robot_id", "r-2").set("task", "pendulum")
                .set("episode_id", "r-2/1").set("step", 0L).set("event_time", T0).set("observation", List.of(1f))
                .set("action", List.of(0.25f)).set("truncated", true).build();
        byte[] bytes = singleObject(older, old);
        WireCodec<Step> knowsOlder = new WireCodec<>("Step", Step.class, Map.of("0.0.9", older));

        Step s = knowsOlder.decode(bytes);

        assertEquals("r-2", s.getRobotId());
        assertEquals(List.of(0.25f), s.getAction());
        assertTrue(s.getTruncated());
        assertEquals(0L, s.getPolicyVersion(), "the current schema's default");
        assertEquals(Reason.UNKNOWN_SCHEMA,
                assertThrows(WireFormatException.class, () -> Codecs.STEP.decode(bytes)).reason(),
                "0.0.9 was never released");
    }

    @Test
    void anUnknownFingerprintIsRefusedSayingWhatIsKnown() {
        Schema other = withoutField(Step.getClassSchema(), "success");
        GenericRecord record = new GenericRecordBuilder(other).set("robot_id", "r-3").set("task", "pendulum")
                .set("episode_id", "r-3/1").set("step", 0L).set("event_time", T0).set("observation", List.of(1f))
                .set("action", List.of(0f)).build();

        WireFormatException e = assertThrows(WireFormatException.class,
                () -> Codecs.STEP.decode(singleObject(other, record)));

        assertEquals(Reason.UNKNOWN_SCHEMA, e.reason());
        assertTrue(e.getMessage().contains("knows Step of versions 0.1.0 (= current), current"), e.getMessage());
        assertTrue(e.getMessage().contains("upgrade this reader"), e.getMessage());
        WireFormatException wrongTopic = assertThrows(WireFormatException.class,
                () -> Codecs.INTERVENTION.decode(Codecs.TRANSITION.encode(Transition.newBuilder().setRobotId("r")
                        .setTask("t").setEpisodeId("e").setStep(0).setEventTime(Instant.ofEpochMilli(T0))
                        .setObservation(List.of()).setAction(List.of()).setNextObservation(List.of()).setReward(0f)
                        .setTerminal(false).setSource(Control.POLICY).setTakeover(false).setPolicyVersion(0)
                        .build())));
        assertEquals(Reason.UNKNOWN_SCHEMA, wrongTopic.reason());
        assertTrue(wrongTopic.getMessage().contains("the fingerprint of a Transition, not of an Intervention"),
                wrongTopic.getMessage());
    }

    /** A release is a folder next to versions.txt; one the decoders do not load must fail the build. */
    @Test
    void everyReleasedFolderIsListedAndEveryRecordInItIsKnownToItsDecoder() throws Exception {
        Set<String> folders;
        try (Stream<Path> entries = Files.list(RELEASED)) {
            folders = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .collect(Collectors.toSet());
        }
        assertEquals(folders, Set.copyOf(ReleasedSchemas.versions()),
                "the folders in " + RELEASED + " and the versions listed in its versions.txt");

        for (String version : folders) {
            Path folder = RELEASED.resolve(version);
            List<String> records;
            try (Stream<Path> files = Files.list(folder)) {
                records = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc"))
                        .map(n -> n.substring(0, n.length() - ".avsc".length()))
                        .filter(n -> !NAMED_TYPES.contains(n)).toList();
            }
            assertFalse(records.isEmpty(), version);
            for (String record : records) {
                long fingerprint = SchemaNormalization.parsingFingerprint64(parseFile(folder, record));
                WireCodec<?> codec = Codecs.byTypeName(record);
                // the header alone: a known schema fails on the missing datum, an unknown one on the fingerprint
                WireFormatException e = assertThrows(WireFormatException.class,
                        () -> codec.decode(header(fingerprint)));
                assertEquals(Reason.UNDECODABLE, e.reason(), record + " of " + version + ": " + e.getMessage());
            }
        }
    }

    private static Schema parseFile(Path folder, String record) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        for (String named : NAMED_TYPES) {
            if (!named.equals(record) && Files.exists(folder.resolve(named + ".avsc"))) {
                try (InputStream in = Files.newInputStream(folder.resolve(named + ".avsc"))) {
                    parser.parse(in);
                }
            }
        }
        try (InputStream in = Files.newInputStream(folder.resolve(record + ".avsc"))) {
            return parser.parse(in);
        }
    }

    private static Schema withoutField(Schema schema, String dropped) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            if (!f.name().equals(dropped)) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static GenericData.EnumSymbol enumSymbol(Schema schema, String symbol) {
        return new GenericData.EnumSymbol(schema, symbol);
    }

    private static byte[] header(long fingerprint) {
        return ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 0x01)
                .putLong(fingerprint).array();
    }

    /** Single-object encoding as any Avro library writes it, from the schema alone. */
    private static byte[] singleObject(Schema writer, GenericRecord datum) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(header(SchemaNormalization.parsingFingerprint64(writer)));
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(writer).write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
