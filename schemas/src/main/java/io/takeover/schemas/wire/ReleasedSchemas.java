package io.takeover.schemas.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The schemas of every released version of the contract, shipped in this jar under
 * {@code io/takeover/schemas/released/VERSION/}, with the versions listed in
 * {@code released/versions.txt} (a jar's folders cannot be listed). Readers resolve records
 * written with any of them to the current classes.
 */
public final class ReleasedSchemas {

    private static final String ROOT = "/io/takeover/schemas/released/";
    /** Named types that records reference, parsed first, in this order. */
    private static final List<String> NAMED_TYPES = List.of("Control", "InterventionKind", "WeightTensor");
    private static final List<String> VERSIONS = readIndex();

    /** The released versions, oldest first. */
    public static List<String> versions() {
        return VERSIONS;
    }

    /** Record {@code typeName} as released in each version that has it, oldest first. */
    public static Map<String, Schema> of(String typeName) {
        Map<String, Schema> byVersion = new LinkedHashMap<>();
        for (String version : VERSIONS) {
            Schema schema = parse(version, typeName);
            if (schema != null) {
                byVersion.put(version, schema);
            }
        }
        return byVersion;
    }

    /** Record {@code typeName} as released in {@code version}. */
    public static Schema schema(String version, String typeName) {
        if (!VERSIONS.contains(version)) {
            throw new IllegalArgumentException("no released version " + version + "; released: " + VERSIONS);
        }
        Schema schema = parse(version, typeName);
        if (schema == null) {
            throw new IllegalArgumentException("release " + version + " has no " + typeName);
        }
        return schema;
    }

    /** @return null when the version has no such record */
    private static Schema parse(String version, String typeName) {
        String folder = ROOT + version + "/";
        if (ReleasedSchemas.class.getResource(folder + typeName + ".avsc") == null) {
            return null;
        }
        Schema.Parser parser = new Schema.Parser();
        for (String named : NAMED_TYPES) {
            if (!named.equals(typeName) && ReleasedSchemas.class.getResource(folder + named + ".avsc") != null) {
                parse(parser, folder + named + ".avsc");
            }
        }
        return parse(parser, folder + typeName + ".avsc");
    }

    private static Schema parse(Schema.Parser parser, String resource) {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
            return parser.parse(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot parse the released schema " + resource + ": " + e.getMessage(), e);
        }
    }

    private static List<String> readIndex() {
        String index = ROOT + "versions.txt";
        InputStream in = ReleasedSchemas.class.getResourceAsStream(index);
        if (in == null) {
            throw new IllegalStateException(index + " is missing from the classpath");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> versions = reader.lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
            for (String version : versions) {
                if (ReleasedSchemas.class.getResource(ROOT + version + "/Step.avsc") == null) {
                    throw new IllegalStateException(index + " lists " + version + ", but " + ROOT + version
                            + "/ has no schemas");
                }
            }
            if (versions.stream().distinct().count() != versions.size()) {
                throw new IllegalStateException(index + " lists a version twice: " + versions);
            }
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index, e);
        }
    }

    private ReleasedSchemas() {}
}
