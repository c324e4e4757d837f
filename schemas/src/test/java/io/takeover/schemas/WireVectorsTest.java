package io.takeover.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.wire.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The files SDKs in other languages are built and tested against, produced here by the Java
 * codecs: {@code sdk/python/takeover_robot/contract.json} (the topics and every record's schema)
 * and {@code schemas/vectors/wire.json} (records, their fingerprints and their exact bytes).
 * The checked-in files must be what the codecs produce now; after a compatible change to the
 * contract, rewrite them with {@code ./mvnw test -pl schemas -Dtest=WireVectorsTest
 * -Dtakeover.vectors.write=true} and commit them with it.
 */
class WireVectorsTest {

    static {
        ContractTrust.ensure();
    }

    static final Path ROOT = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("..").toAbsolutePath().normalize().toString()));
    static final Path CONTRACT = ROOT.resolve("sdk/python/takeover_robot/contract.json");
    static final Path WIRE = ROOT.resolve("schemas/vectors/wire.json");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    record Vector(String name, WireCodec<? extends SpecificRecord> codec, SpecificRecord value) {}

    static List<Vector> vectors() {
        Step finalStep = Step.newBuilder(Samples.step()).setStep(4).setAction(List.of()).setControl(null)
                .setReward(null).setTruncated(false).setTerminated(true).setSuccess(null).build();
        Intervention handback = Intervention.newBuilder(Samples.intervention())
                .setKind(InterventionKind.HANDBACK).setReason(null).build();
        TaskRegistration bare = TaskRegistration.newBuilder(Samples.taskRegistration()).setObservationNames(List.of())
                .setActionNames(List.of()).setObservationMean(List.of()).setObservationStd(List.of())
                .setDescription(null).setRegisteredBy("").build();
        return List.of(
                new Vector("a step with every field set", Codecs.STEP, Samples.step()),
                new Vector("the final step of an episode", Codecs.STEP, finalStep),
                new Vector("a takeover", Codecs.INTERVENTION, Samples.intervention()),
                new Vector("a hand-back without a reason", Codecs.INTERVENTION, handback),
                new Vector("a labelled transition", Codecs.TRANSITION, Samples.transition()),
                new Vector("a policy snapshot", Codecs.POLICY_SNAPSHOT, Samples.policySnapshot()),
                new Vector("fleet statistics", Codecs.FLEET_STATS, Samples.fleetStats()),
                new Vector("a dead letter", Codecs.DEAD_LETTER, Samples.deadLetter()),
                new Vector("a task with every field set", Codecs.TASK_REGISTRATION, Samples.taskRegistration()),
                new Vector("a task with only what is required", Codecs.TASK_REGISTRATION, bare),
                new Vector("a canary release the gate rolled back", Codecs.RELEASE, Samples.release()),
                new Vector("an operator driving a robot", Codecs.TELEOP_COMMAND, Samples.teleopCommand()));
    }

    static String contract() throws IOException {
        ObjectNode root = NODES.objectNode();
        root.put("prefix", Topics.DEFAULT_PREFIX);
        ObjectNode topics = root.putObject("topics");
        for (String suffix : List.of(Topics.STEPS, Topics.INTERVENTIONS, Topics.TRANSITIONS, Topics.POLICIES,
                Topics.FLEET_STATS, Topics.DEAD_LETTERS, Topics.TASKS, Topics.RELEASES,
                Topics.TELEOP)) {
            topics.put(suffix, suffix);
        }
        ObjectNode schemas = root.putObject("schemas");
        Map<String, WireCodec<?>> codecs = new LinkedHashMap<>();
        vectors().forEach(v -> codecs.putIfAbsent(v.codec().typeName(), v.codec()));
        for (Map.Entry<String, WireCodec<?>> codec : codecs.entrySet()) {
            schemas.set(codec.getKey(), JSON.readTree(schemaOf(codec.getKey()).toString()));
        }
        return JSON.writeValueAsString(root) + "\n";
    }

    static String wire() throws IOException {
        ArrayNode records = NODES.arrayNode();
        for (Vector v : vectors()) {
            @SuppressWarnings("unchecked")
            byte[] bytes = ((WireCodec<SpecificRecord>) v.codec()).encode(v.value());
            ObjectNode record = records.addObject();
            record.put("type", v.codec().typeName());
            record.put("name", v.name());
            record.put("fingerprint", HexFormat.of().formatHex(Arrays.copyOfRange(bytes, 2, 10)));
            record.set("value", json(v.value().getSchema(), v.value()));
            record.put("encoded", HexFormat.of().formatHex(bytes));
        }
        ObjectNode root = NODES.objectNode();
        root.set("records", records);
        return JSON.writeValueAsString(root) + "\n";
    }

    static Schema schemaOf(String typeName) {
        return vectors().stream().filter(v -> v.codec().typeName().equals(typeName)).findFirst().orElseThrow()
                .value().getSchema();
    }

    /** A datum as plain JSON: unions unwrapped, bytes as hex, timestamps as epoch milliseconds. */
    static JsonNode json(Schema schema, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case UNION: {
                Schema branch = schema.getTypes().get(SpecificData.get().resolveUnion(schema, value));
                return json(branch, value);
            }
            case RECORD: {
                ObjectNode node = NODES.objectNode();
                SpecificRecord record = (SpecificRecord) value;
                for (Schema.Field field : schema.getFields()) {
                    node.set(field.name(), json(field.schema(), record.get(field.pos())));
                }
                return node;
            }
            case ARRAY: {
                ArrayNode node = NODES.arrayNode();
                ((List<?>) value).forEach(item -> node.add(json(schema.getElementType(), item)));
                return node;
            }
            case MAP: {
                ObjectNode node = NODES.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> node.set(k.toString(), json(schema.getValueType(), v)));
                return node;
            }
            case BYTES: {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(HexFormat.of().formatHex(bytes));
            }
            case LONG:
                return NODES.numberNode(value instanceof Instant t ? t.toEpochMilli() : ((Long) value).longValue());
            case INT:
                return NODES.numberNode((Integer) value);
            case FLOAT:
                return NODES.numberNode((double) (Float) value);
            case DOUBLE:
                return NODES.numberNode((Double) value);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case STRING:
            case ENUM:
                return NODES.textNode(value.toString());
            default:
                throw new IllegalArgumentException("no JSON form for " + schema.getType());
        }
    }

    @Test
    void theCheckedInContractAndVectorsAreWhatTheCodecsProduce() throws IOException {
        check(CONTRACT, contract());
        check(WIRE, wire());
    }

    static void check(Path file, String expected) throws IOException {
        if (Boolean.getBoolean("takeover.vectors.write")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, expected);
        }
        String actual = Files.exists(file) ? Files.readString(file) : "(missing)";
        assertEquals(expected, actual, file + " is not what the Java codecs produce: rewrite it with ./mvnw test -pl "
                + "schemas -Dtest=WireVectorsTest -Dtakeover.vectors.write=true, and check the other SDKs' tests");
    }
}
