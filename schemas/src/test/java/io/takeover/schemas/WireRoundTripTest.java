package io.takeover.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireCodec;
import io.takeover.schemas.wire.WireFormatException;
import io.takeover.schemas.wire.WireFormatException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WireRoundTripTest {

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of(Codecs.STEP, Samples.step()),
                Arguments.of(Codecs.INTERVENTION, Samples.intervention()),
                Arguments.of(Codecs.TRANSITION, Samples.transition()),
                Arguments.of(Codecs.POLICY_SNAPSHOT, Samples.policySnapshot()),
                Arguments.of(Codecs.FLEET_STATS, Samples.fleetStats()),
                Arguments.of(Codecs.DEAD_LETTER, Samples.deadLetter()),
                Arguments.of(Codecs.TASK_REGISTRATION, Samples.taskRegistration()),
                Arguments.of(Codecs.RELEASE, Samples.release()),
                Arguments.of(Codecs.TELEOP_COMMAND, Samples.teleopCommand()));
    }

    @ParameterizedTest
    @MethodSource("records")
    <T> void everyRecordSurvivesARoundTrip(WireCodec<T> codec, T value) {
        assertEquals(value, codec.decode(codec.encode(value)));
    }

    @ParameterizedTest
    @MethodSource("records")
    <T> void bytesAreThoseOfAvrosOwnMessageEncoder(WireCodec<T> codec, T value) throws Exception {
        ByteBuffer avro = (ByteBuffer) value.getClass().getMethod("toByteBuffer").invoke(value);
        byte[] expected = Arrays.copyOfRange(avro.array(), avro.arrayOffset() + avro.position(),
                avro.arrayOffset() + avro.limit());
        assertArrayEquals(expected, codec.encode(value));
        assertArrayEquals(expected, codec.encode(value), "and again, with the encoder reused");
    }

    @ParameterizedTest
    @MethodSource("records")
    <T extends SpecificRecord> void bytesCarryMarkerAndFingerprintOfTheAvscFile(WireCodec<T> codec, T value)
            throws Exception {
        byte[] bytes = codec.encode(value);
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);

        Schema fromFile = schemaFile(codec.typeName());
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SchemaNormalization.parsingFingerprint64(fromFile), fingerprint,
                "fingerprint must be CRC-64-AVRO of the canonical form of schemas/" + codec.typeName() + ".avsc");

        // A reader in another language has only the .avsc: it decodes the datum, and writing
        // it back gives the same bytes, so no field was lost or misread.
        byte[] datum = Arrays.copyOfRange(bytes, 10, bytes.length);
        GenericRecord generic = new GenericDatumReader<GenericRecord>(fromFile)
                .read(null, DecoderFactory.get().binaryDecoder(datum, null));
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(rewritten, null);
        new GenericDatumWriter<GenericRecord>(fromFile).write(generic, encoder);
        encoder.flush();
        assertArrayEquals(datum, rewritten.toByteArray());
    }

    @Test
    void stepFieldsReadGenericallyCarryTheJavaValues() throws Exception {
        Schema fromFile = schemaFile("Step");
        byte[] bytes = Codecs.STEP.encode(Samples.step());
        GenericRecord g = new GenericDatumReader<GenericRecord>(fromFile)
                .read(null, DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(bytes, 10, bytes.length), null));
        assertEquals("r-1", g.get("robot_id").toString());
        assertEquals(3L, g.get("step"));
        assertEquals(Samples.T0.toEpochMilli(), g.get("event_time"));
        assertEquals(List.of(0.5f, -0.25f, 1.5f), g.get("observation"));
        assertEquals("OPERATOR", g.get("control").toString());
        assertEquals(true, g.get("success"));
    }

    @Test
    void garbageIsRefusedWithAReason() {
        assertEquals(Reason.NOT_SINGLE_OBJECT,
                assertThrows(WireFormatException.class, () -> Codecs.STEP.decode("hello".getBytes())).reason());
        byte[] unknown = Codecs.STEP.encode(Samples.step());
        unknown[5] ^= 0x5A;
        assertEquals(Reason.UNKNOWN_SCHEMA,
                assertThrows(WireFormatException.class, () -> Codecs.STEP.decode(unknown)).reason());
        byte[] truncated = Arrays.copyOf(Codecs.STEP.encode(Samples.step()), 14);
        assertEquals(Reason.UNDECODABLE,
                assertThrows(WireFormatException.class, () -> Codecs.STEP.decode(truncated)).reason());
        // A Step is not an Intervention, even though both are valid single objects.
        assertEquals(Reason.UNKNOWN_SCHEMA, assertThrows(WireFormatException.class,
                () -> Codecs.INTERVENTION.decode(Codecs.STEP.encode(Samples.step()))).reason());
    }

    static Schema schemaFile(String typeName) throws Exception {
        Schema.Parser parser = new Schema.Parser();
        for (String dependency : List.of("Control", "InterventionKind", "WeightTensor")) {
            if (!dependency.equals(typeName)) {
                try (InputStream in = WireRoundTripTest.class.getResourceAsStream("/avro/" + dependency + ".avsc")) {
                    parser.parse(in);
                }
            }
        }
        try (InputStream in = WireRoundTripTest.class.getResourceAsStream("/avro/" + typeName + ".avsc")) {
            return parser.parse(in);
        }
    }
}
