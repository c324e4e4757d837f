package io.takeover.cli;

import io.takeover.schemas.task.InvalidTaskException;
import io.takeover.schemas.task.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A task spec written by people: YAML or JSON (JSON is YAML), with the field names of the
 * contract's {@code TaskRegistration}. Every mistake is reported at once.
 */
final class TaskFile {

    static final Set<String> FIELDS = Set.of("name", "obs_dim", "act_dim", "action_low", "action_high",
            "max_episode_steps", "control_hz", "observation_names", "action_names", "observation_mean",
            "observation_std", "description");
    static final Set<String> REQUIRED = Set.of("name", "obs_dim", "act_dim", "action_low", "action_high",
            "max_episode_steps", "control_hz");

    static TaskSpec read(Path file) throws IOException {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        } catch (YAMLException e) {
            throw new IllegalArgumentException(file + " is neither YAML nor JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(file + " must hold one mapping of fields, e.g. name: point2d");
        }
        return parse(file.getFileName().toString(), new LinkedHashMap<>(map));
    }

    static TaskSpec parse(String source, Map<?, ?> fields) {
        List<String> problems = new ArrayList<>();
        for (Object key : fields.keySet()) {
            if (!FIELDS.contains(String.valueOf(key))) {
                problems.add("unknown field '" + key + "' (fields: " + new java.util.TreeSet<>(FIELDS) + ")");
            }
        }
        for (String required : REQUIRED) {
            if (!fields.containsKey(required)) {
                problems.add("'" + required + "' is required");
            }
        }
        Reader r = new Reader(fields, problems);
        TaskSpec spec = new TaskSpec(r.string("name"), r.integer("obs_dim"), r.integer("act_dim"),
                r.floats("action_low"), r.floats("action_high"), r.integer("max_episode_steps"),
                (float) r.number("control_hz"), r.strings("observation_names"), r.strings("action_names"),
                r.floats("observation_mean"), r.floats("observation_std"),
                fields.get("description") == null ? null : String.valueOf(fields.get("description")));
        if (problems.isEmpty()) {
            problems.addAll(spec.problems());
        }
        if (!problems.isEmpty()) {
            throw new InvalidTaskException(spec.name() == null ? source : spec.name(), problems);
        }
        return spec;
    }

    /** Reads fields by type, noting each one of the wrong type. */
    private record Reader(Map<?, ?> fields, List<String> problems) {

        String string(String name) {
            Object v = fields.get(name);
            return v == null ? null : String.valueOf(v);
        }

        double number(String name) {
            Object v = fields.get(name);
            if (v == null) {
                return 0;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            problems.add("'" + name + "' must be a number, is '" + v + "'");
            return 0;
        }

        int integer(String name) {
            Object v = fields.get(name);
            if (v != null && !(v instanceof Integer) && !(v instanceof Long)) {
                problems.add("'" + name + "' must be a whole number, is '" + v + "'");
                return 0;
            }
            return v == null ? 0 : ((Number) v).intValue();
        }

        float[] floats(String name) {
            Object v = fields.get(name);
            if (v == null) {
                return new float[0];
            }
            if (!(v instanceof List<?> list) || list.stream().anyMatch(x -> !(x instanceof Number))) {
                problems.add("'" + name + "' must be a list of numbers, is '" + v + "'");
                return new float[0];
            }
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).floatValue();
            }
            return out;
        }

        List<String> strings(String name) {
            Object v = fields.get(name);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                problems.add("'" + name + "' must be a list of names, is '" + v + "'");
                return List.of();
            }
            return list.stream().map(String::valueOf).toList();
        }
    }

    private TaskFile() {}
}
