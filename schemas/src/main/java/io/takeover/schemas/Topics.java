package io.takeover.schemas;

import java.util.List;
import java.util.Map;

/**
 * The Kafka topics of the wire contract. Names are the contract: {@code prefix + suffix},
 * the prefix configurable (default {@code takeover.}) so several deployments can share a cluster.
 */
public record Topics(String prefix) implements java.io.Serializable {

    public static final String DEFAULT_PREFIX = "takeover.";
    public static final Topics DEFAULT = new Topics(DEFAULT_PREFIX);

    public static final String STEPS = "steps";
    public static final String INTERVENTIONS = "interventions";
    public static final String TRANSITIONS = "transitions";
    public static final String POLICIES = "policies";
    public static final String FLEET_STATS = "fleet-stats";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String TASKS = "tasks";
    public static final String RELEASES = "releases";
    public static final String TELEOP = "teleop";

    public Topics {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix must match [A-Za-z0-9._-]*, got '" + prefix + "'");
        }
    }

    public String steps() { return prefix + STEPS; }
    public String interventions() { return prefix + INTERVENTIONS; }
    public String transitions() { return prefix + TRANSITIONS; }
    public String policies() { return prefix + POLICIES; }
    public String fleetStats() { return prefix + FLEET_STATS; }
    public String deadLetters() { return prefix + DEAD_LETTERS; }
    public String tasks() { return prefix + TASKS; }
    public String releases() { return prefix + RELEASES; }
    public String teleop() { return prefix + TELEOP; }

    /** How each topic is created: partitions and topic-level configs. */
    public record Spec(String name, int partitions, Map<String, String> configs) {}

    /**
     * The topics with the settings they need. Time retention is off on the data topics so
     * that steps replayed with old event times are not deleted on arrival; size bounds
     * them instead. Policies are the version archive: keyed by task and version, compacted, so
     * every version stays until the release controller retires it (a tombstone) once no channel
     * points to it and newer ones have followed. Tasks and releases are compacted too: the newest
     * registration per task name is the task's spec, the newest release per task and channel is
     * the channel. Teleoperation commands are live: kept an hour, never replayed.
     */
    public List<Spec> specs(int dataPartitions) {
        Map<String, String> data = Map.of("retention.ms", "-1", "retention.bytes", String.valueOf(8L << 30));
        return List.of(
                new Spec(steps(), dataPartitions, data),
                new Spec(interventions(), dataPartitions, data),
                new Spec(transitions(), dataPartitions, data),
                new Spec(policies(), 1, Map.of("cleanup.policy", "compact", "retention.ms", "-1",
                        "max.message.bytes", String.valueOf(16 << 20), "segment.bytes", String.valueOf(64 << 20),
                        "segment.ms", String.valueOf(3_600_000), "min.cleanable.dirty.ratio", "0.1")),
                new Spec(fleetStats(), 1, data),
                new Spec(deadLetters(), 1, data),
                new Spec(tasks(), 1, Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
                new Spec(releases(), 1, Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
                new Spec(teleop(), dataPartitions, Map.of("retention.ms", String.valueOf(3_600_000))));
    }
}
