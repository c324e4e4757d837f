package io.takeover.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract evolves only compatibly: every schema must read data written with its last
 * released version, and the last released readers must read data written now (full
 * compatibility), because robots and jobs upgrade one at a time. A breaking change to a
 * file in src/main/avro fails this test and so the build. When a release is cut, copy
 * src/main/avro to src/test/resources/released/VERSION and point {@link #LAST_RELEASE} at it.
 */
class SchemaCompatibilityTest {

    static final String LAST_RELEASE = "0.1.0";
    static final List<String> RECORDS =
            List.of("Step", "Intervention", "Transition", "PolicySnapshot", "FleetStats", "DeadLetter");

    static Stream<String> records() {
        return RECORDS.stream();
    }

    @ParameterizedTest
    @MethodSource("records")
    void currentSchemaIsFullyCompatibleWithTheLastRelease(String record) throws Exception {
        Schema current = WireRoundTripTest.schemaFile(record);
        Schema released = releasedSchema(record);

        var newReadsOld = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, newReadsOld.getType(),
                record + ": the current schema cannot read data written with release " + LAST_RELEASE + ": "
                        + newReadsOld.getResult().getIncompatibilities());
        var oldReadsNew = SchemaCompatibility.checkReaderWriterCompatibility(released, current);
        assertEquals(SchemaCompatibilityType.COMPATIBLE, oldReadsNew.getType(),
                record + ": release " + LAST_RELEASE + " readers cannot read data written now: "
                        + oldReadsNew.getResult().getIncompatibilities());
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyReleasedRecordStillHasASchema(String record) {
        assertTrue(Files.exists(releasedDir().resolve(record + ".avsc")), record + " was released");
    }

    private static Path releasedDir() {
        return Path.of("src/test/resources/released", LAST_RELEASE);
    }

    private static Schema releasedSchema(String record) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        List<String> files = new ArrayList<>(List.of("Control", "InterventionKind", "WeightTensor"));
        files.remove(record);
        files.add(record);
        Schema last = null;
        for (String file : files) {
            try (InputStream in = Files.newInputStream(releasedDir().resolve(file + ".avsc"))) {
                last = parser.parse(in);
            }
        }
        return last;
    }
}
