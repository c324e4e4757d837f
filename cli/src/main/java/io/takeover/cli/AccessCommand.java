package io.takeover.cli;

import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaAccess;
import io.takeover.schemas.kafka.KafkaAccess.Part;
import io.takeover.schemas.kafka.KafkaConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateAclsOptions;
import org.apache.kafka.clients.admin.DescribeAclsOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code takeover access}: who may do what on Kafka. Each part of Takeover (robots, the label job,
 * learners) reaches Kafka under a principal of its own, holding exactly the ACLs of
 * {@link KafkaAccess#grants}: {@code show} prints them, {@code grant} puts them (and, given a
 * password, the part's SCRAM-SHA-512 user) on a cluster, as an admin.
 */
@Command(name = "access", mixinStandardHelpOptions = true,
        description = "Show or grant each part's Kafka principal and ACLs (robot, label-job, learner): what the "
                + "Kubernetes users, the compose setup and a secured cluster of your own give them.",
        subcommands = {AccessCommand.Show.class, AccessCommand.Grant.class})
final class AccessCommand implements Runnable {

    /** How long closing the admin client may wait for requests still out (each has its own deadline). */
    static final Duration CLOSE = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A part by its user name ({@code robot}, {@code label-job}, {@code learner}) or its enum name. */
    static final class PartConverter implements ITypeConverter<Part> {
        @Override
        public Part convert(String value) {
            String v = value.trim();
            for (Part part : Part.values()) {
                if (part.user().equalsIgnoreCase(v) || part.name().equalsIgnoreCase(v)) {
                    return part;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a part; the parts are " + partNames());
        }
    }

    /** The parts' names, for messages and help: robot, label-job, learner. */
    static final class PartNames extends ArrayList<String> {
        PartNames() {
            super(Arrays.stream(Part.values()).map(Part::user).toList());
        }
    }

    static String partNames() {
        return String.join(", ", new PartNames());
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Each part's grants, one per line: part (its default user, principal User:<part>), "
                    + "resource, name, pattern, operation. READ and WRITE imply DESCRIBE.")
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--part", converter = PartConverter.class, completionCandidates = PartNames.class,
                description = "Only this part: ${COMPLETION-CANDIDATES} (default: every part).")
        Part part;

        @Option(names = "--topic-prefix", defaultValue = "${env:TAKEOVER_TOPIC_PREFIX:-" + Topics.DEFAULT_PREFIX + "}",
                description = "Prefix of the contract's topics; TAKEOVER_TOPIC_PREFIX (default ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Topics topics = new Topics(topicPrefix);
            String format = "%-10s %-17s %-28s %-9s %s%n";
            out.printf(format, "PART", "RESOURCE", "NAME", "PATTERN", "OPERATION");
            for (Part p : part == null ? List.of(Part.values()) : List.of(part)) {
                for (KafkaAccess.Grant g : KafkaAccess.grants(p, topics)) {
                    out.printf(format, p.user(), g.resource(), g.name(), g.pattern(), g.operation());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = "Give a part's user its ACLs on a cluster (Admin createAcls; ACLs it holds already stay, "
                    + "ACLs beyond the part's are reported, not removed) and, with --password-file, create or update "
                    + "the user's SCRAM-SHA-512 credential. Runs as the admin of --kafka-config: a super user, or "
                    + "one allowed to ALTER the cluster. The broker needs an authorizer.")
    static final class Grant implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--part", required = true, converter = PartConverter.class,
                completionCandidates = PartNames.class, description = "The part: ${COMPLETION-CANDIDATES}.")
        Part part;

        @Option(names = "--user", description = "Its user name (default: the part's own, e.g. robot): the ACLs "
                + "are for principal User:NAME.")
        String user;

        @Option(names = "--password-file", description = "Create or update the user's SCRAM-SHA-512 credential "
                + "with the password in this file (one line; a trailing newline is dropped).")
        Path passwordFile;

        @Option(names = "--scram-iterations", defaultValue = "4096",
                description = "SCRAM iterations for the credential (default ${DEFAULT-VALUE}, Kafka's own and its minimum).")
        int iterations;

        @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
                description = "How long each request to the cluster may take (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() {
            String name = user == null || user.isBlank() ? part.user() : user.trim();
            if (iterations < 4096) {
                throw new IllegalArgumentException("--scram-iterations must be at least 4096 (Kafka's minimum), got "
                        + iterations);
            }
            String password = passwordFile == null ? null : readPassword(passwordFile);
            KafkaConnection connection = kafka.connection();
            List<AclBinding> bindings = KafkaAccess.bindings(part, name, connection.topics());
            PrintWriter out = spec.commandLine().getOut();
            Admin admin = Admin.create(connection.clientProperties());
            try {
                if (password != null) {
                    await(admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, iterations), password))).all(),
                            connection, "create or update the SCRAM-SHA-512 credential of user " + name);
                    out.printf("User %s: SCRAM-SHA-512 credential set (%d iterations).%n", name, iterations);
                }
                await(admin.createAcls(bindings, new CreateAclsOptions().timeoutMs(millis())).all(), connection,
                        "create the ACLs of " + part.user() + " for User:" + name);
                out.printf("User:%s holds the %d ACLs of %s on %s:%n", name, bindings.size(), part.user(), connection);
                for (AclBinding b : bindings) {
                    out.printf("  %s %s %s %s%n", b.entry().operation(), b.pattern().resourceType(),
                            b.pattern().patternType(), b.pattern().name());
                }
                Collection<AclBinding> held = await(admin.describeAcls(new AclBindingFilter(ResourcePatternFilter.ANY,
                        new AccessControlEntryFilter("User:" + name, null, AclOperation.ANY, AclPermissionType.ANY)),
                        new DescribeAclsOptions().timeoutMs(millis())).values(), connection,
                        "describe the ACLs of User:" + name);
                Set<AclBinding> wanted = new HashSet<>(bindings);
                List<AclBinding> beyond = held.stream().filter(b -> !wanted.contains(b)).toList();
                if (!beyond.isEmpty()) {
                    out.printf("User:%s also holds %d ACLs that %s does not grant (left as they are; kafka-acls.sh "
                            + "--remove takes them away):%n", name, beyond.size(), part.user());
                    beyond.forEach(b -> out.printf("  %s %s %s %s %s%n", b.entry().permissionType(),
                            b.entry().operation(), b.pattern().resourceType(), b.pattern().patternType(),
                            b.pattern().name()));
                }
            } finally {
                admin.close(CLOSE);
            }
            out.flush();
            return 0;
        }

        private int millis() {
            return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        }

        /** The future's value within the timeout, or an exception that says what failed and why. */
        private <T> T await(KafkaFuture<T> future, KafkaConnection connection, String what) {
            try {
                return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("could not " + what + ": no answer from " + connection + " within "
                        + timeout.toSeconds() + " s (is the broker up, and --bootstrap/--kafka-config right?)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while trying to " + what, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("could not " + what + " on " + connection + ": "
                        + explain(e.getCause()), e.getCause());
            }
        }
    }

    /** A Kafka error, said the way an operator can act on it. */
    static String explain(Throwable cause) {
        if (cause instanceof SecurityDisabledException) {
            return "the cluster has no authorizer (authorizer.class.name), so it keeps no ACLs; enable one first";
        }
        if (cause instanceof ClusterAuthorizationException) {
            return "the principal of --kafka-config may not do this; run as an admin (a super user, or one with "
                    + "ALTER on the cluster)";
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "no answer in time (is a broker up at the --bootstrap address, and does --kafka-config match "
                    + "its listener?)";
        }
        if (cause instanceof SaslAuthenticationException) {
            return "authentication failed: check the user and password of --kafka-config (" + cause.getMessage() + ")";
        }
        if (cause instanceof UnsupportedVersionException) {
            return "the broker does not support this request (SCRAM credentials through the Admin API need Kafka "
                    + "2.7 or newer) (" + cause.getMessage() + ")";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    static String readPassword(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the password file " + file + ": " + e.getMessage(), e);
        }
        String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (password.isEmpty() || password.contains("\n")) {
            throw new IllegalArgumentException("the password file " + file + " must hold one non-empty line");
        }
        return password;
    }
}
