package io.takeover.schemas.kafka;

import io.takeover.schemas.Topics;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Least privilege on Kafka: what each part of Takeover may do, as the ACLs its principal gets.
 * The one source for the secured embedded broker, the tests that prove the refusals, and the
 * cluster manifests' users (their tests compare against it). READ and WRITE imply DESCRIBE;
 * an idempotent producer needs no cluster grant beyond WRITE on a topic.
 */
public final class KafkaAccess {

    /** Consumer group and transactional ids of the label job start with the topic prefix and this. */
    public static final String LABEL_JOB_IDS = "takeover-label";

    /** Consumer groups of robots (the Python SDK's readers need one) start with the topic prefix and this. */
    public static final String ROBOT_GROUPS = "robot-";

    /** A part of Takeover that reaches Kafka under a principal of its own. */
    public enum Part {
        /** Robots and their SDKs: write steps and interventions, register their task, read policies and teleoperation. */
        ROBOT,
        /** The label job: reads steps, interventions and tasks; writes transitions, statistics, dead letters. */
        LABEL_JOB,
        /**
         * The operator console: reads what robots and the label job write, tasks, policies and
         * releases; writes interventions (for robots that do not obey teleoperation), teleoperation
         * commands, and releases (for its MLOps users).
         */
        CONSOLE,
        /** A learner: reads transitions, statistics and tasks; reads and writes policies and releases. */
        LEARNER,
        /** MLOps ({@code takeover policy}): reads policies, statistics and tasks; reads and writes releases. */
        MLOPS;

        /** The user name this part runs as by default: {@code robot}, {@code label-job}, {@code console}, ... */
        public String user() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One permission: an operation on a resource, named literally or by prefix. */
    public record Grant(ResourceType resource, String name, PatternType pattern, AclOperation operation) {

        public AclBinding forUser(String user) {
            return new AclBinding(new ResourcePattern(resource, name, pattern),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
        }
    }

    private KafkaAccess() {}

    /** What {@code part} may do on the topics of this deployment. */
    public static List<Grant> grants(Part part, Topics topics) {
        return switch (part) {
            case ROBOT -> List.of(
                    topic(topics.steps(), AclOperation.WRITE),
                    topic(topics.interventions(), AclOperation.WRITE),
                    topic(topics.tasks(), AclOperation.WRITE),
                    topic(topics.tasks(), AclOperation.READ),
                    topic(topics.policies(), AclOperation.READ),
                    topic(topics.releases(), AclOperation.READ),
                    topic(topics.teleop(), AclOperation.READ),
                    prefixed(ResourceType.GROUP, topics.prefix() + ROBOT_GROUPS, AclOperation.READ));
            case CONSOLE -> List.of(
                    topic(topics.steps(), AclOperation.READ),
                    topic(topics.interventions(), AclOperation.READ),
                    topic(topics.interventions(), AclOperation.WRITE),
                    topic(topics.fleetStats(), AclOperation.READ),
                    topic(topics.tasks(), AclOperation.READ),
                    topic(topics.policies(), AclOperation.READ),
                    topic(topics.releases(), AclOperation.READ),
                    topic(topics.releases(), AclOperation.WRITE),
                    topic(topics.teleop(), AclOperation.WRITE));
            case LABEL_JOB -> List.of(
                    topic(topics.steps(), AclOperation.READ),
                    topic(topics.interventions(), AclOperation.READ),
                    topic(topics.tasks(), AclOperation.READ),
                    topic(topics.transitions(), AclOperation.WRITE),
                    topic(topics.fleetStats(), AclOperation.WRITE),
                    topic(topics.deadLetters(), AclOperation.WRITE),
                    prefixed(ResourceType.GROUP, topics.prefix() + LABEL_JOB_IDS, AclOperation.READ),
                    prefixed(ResourceType.TRANSACTIONAL_ID, topics.prefix() + LABEL_JOB_IDS, AclOperation.WRITE));
            case LEARNER -> List.of(
                    topic(topics.transitions(), AclOperation.READ),
                    topic(topics.fleetStats(), AclOperation.READ),
                    topic(topics.tasks(), AclOperation.READ),
                    topic(topics.policies(), AclOperation.READ),
                    topic(topics.policies(), AclOperation.WRITE),
                    topic(topics.releases(), AclOperation.READ),
                    topic(topics.releases(), AclOperation.WRITE));
            case MLOPS -> List.of(
                    topic(topics.policies(), AclOperation.READ),
                    topic(topics.fleetStats(), AclOperation.READ),
                    topic(topics.tasks(), AclOperation.READ),
                    topic(topics.releases(), AclOperation.READ),
                    topic(topics.releases(), AclOperation.WRITE));
        };
    }

    /** {@link #grants} as ACL bindings for {@code user}. */
    public static List<AclBinding> bindings(Part part, String user, Topics topics) {
        return grants(part, topics).stream().map(grant -> grant.forUser(user)).toList();
    }

    private static Grant topic(String name, AclOperation operation) {
        return new Grant(ResourceType.TOPIC, name, PatternType.LITERAL, operation);
    }

    private static Grant prefixed(ResourceType resource, String prefix, AclOperation operation) {
        return new Grant(resource, prefix, PatternType.PREFIXED, operation);
    }
}
