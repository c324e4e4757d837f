package io.takeover.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.wire.ReleasedSchemas;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract evolves only compatibly: every schema must read data written with every
 * released version, and readers of every release must read data written now (full
 * compatibility), because robots and jobs upgrade one at a time. A breaking change to a
 * file in src/main/avro fails this test and so the build. The released versions are those
 * the decoders know ({@link ReleasedSchemas}); a release adds its folder there.
 */
class SchemaCompatibilityTest {

    static final List<String> RECORDS =
            List.of("Step", "Intervention", "Transition", "PolicySnapshot", "FleetStats", "DeadLetter");

    static Stream<String> records() {
        return RECORDS.stream();
    }

    static Stream<Arguments> releasedRecords() {
        return ReleasedSchemas.versions().stream().flatMap(version -> RECORDS.stream()
                .filter(record -> ReleasedSchemas.of(record).containsKey(version))
                .map(record -> Arguments.of(version, record)));
    }

    @ParameterizedTest
    @MethodSource("releasedRecords")
    void currentSchemaIsFullyCompatibleWithEveryRelease(String version, String record) throws Exception {
        Schema current = WireRoundTripTest.schemaFile(record);
        Schema released = ReleasedSchemas.schema(version, record);

        var newReadsOld = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, newReadsOld.getType(),
                record + ": the current schema cannot read data written with release " + version + ": "
                        + newReadsOld.getResult().getIncompatibilities());
        var oldReadsNew = SchemaCompatibility.checkReaderWriterCompatibility(released, current);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, oldReadsNew.getType(),
                record + ": release " + version + " readers cannot read data written now: "
                        + oldReadsNew.getResult().getIncompatibilities());
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyReleasedRecordStillHasASchema(String record) {
        String last = ReleasedSchemas.versions().get(ReleasedSchemas.versions().size() - 1);
        assertTrue(ReleasedSchemas.of(record).containsKey(last), record + " was released in " + last);
    }
}
