package io.takeover.kafka;

import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Kafka (KRaft: broker and controller in one) inside this JVM, for tests and
 * local mode. Its data lives in {@code dataDir}; {@link #close()} stops it.
 *
 * <p>{@link #start} makes a plaintext broker; {@link #startSecured} one whose clients speak
 * SASL_SSL (SCRAM-SHA-512) and are authorized by ACLs, as a production cluster would.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The SASL mechanism of a secured broker's client listener, the one its users are made for. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    public static final String PLAIN_MECHANISM = "PLAIN";

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Secured secured;

    /**
     * What a secured broker has that a plaintext one has not.
     *
     * @param bootstrapServers its SASL_SSL client listener
     * @param tls              its TLS material
     */
    private record Secured(String bootstrapServers, TlsMaterial tls) {}

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Secured secured) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.secured = secured;
    }

    /**
     * Formats {@code dataDir} if it is new and starts the broker on {@code port} (0: any free port).
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return launch(dataDir, port, false);
    }

    /**
     * Starts a broker whose client listener on {@code port} (0: any free port) speaks SASL_SSL with
     * SCRAM-SHA-512 and authorizes with ACLs ({@code StandardAuthorizer}; nothing is allowed without
     * an ACL). Clients reach it through {@link #connectionAs} once {@link #addUser} and {@link #grant}
     * have let them in.
     *
     * <p>Its TLS material (a CA and the broker's certificate for 127.0.0.1/localhost) is made under
     * {@code dataDir/tls} on first start and reused after, so clients keep trusting
     * {@link #caCertificate()}. Its logs are in {@code dataDir/logs} (Kafka takes every directory
     * of a log directory for a partition's, so they cannot sit next to {@code tls}): a data
     * directory is either plaintext or secured for good.
     *
     * <p>Admin work (topics, users, ACLs) goes through {@link #adminConnection()}: an internal
     * PLAINTEXT listener, also the inter-broker one, whose unauthenticated principal
     * {@code User:ANONYMOUS} is a super user, as it is on the controller listener. Both listen on
     * 127.0.0.1 only: whoever can open a loopback connection on this host administers this broker.
     */
    public static EmbeddedKafka startSecured(Path dataDir, int port) {
        return startSecured(dataDir, port, Map.of());
    }

    /**
     * As {@link #startSecured(Path, int)}, and the client listener also takes SASL/PLAIN (over
     * the same TLS) for these users, fixed for this run: for clients whose SCRAM does not work
     * with Kafka 4 brokers, as librdkafka before 2.6.1 (Debian's python3-confluent-kafka).
     *
     * @param plainUsers user name → password
     */
    public static EmbeddedKafka startSecured(Path dataDir, int port, Map<String, String> plainUsers) {
        return launch(dataDir, port, true, plainUsers);
    }

    private static EmbeddedKafka launch(Path dataDir, int port, boolean secure) {
        return launch(dataDir, port, secure, Map.of());
    }

    private static EmbeddedKafka launch(Path dataDir, int port, boolean secure, Map<String, String> plainUsers) {
        refuseTheOtherMode(dataDir, secure);
        try {
            Files.createDirectories(dataDir);
            Path logDir = secure ? dataDir.resolve("logs") : dataDir;
            int brokerPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Properties props = commonConfig(logDir, controllerPort);
            String bootstrap = "127.0.0.1:" + brokerPort;
            Secured secured = null;
            if (secure) {
                int internalPort = freePort();
                secured = new Secured(bootstrap, TlsMaterial.in(dataDir.resolve("tls")));
                props.putAll(securedListeners(brokerPort, internalPort, controllerPort, secured.tls()));
                if (!plainUsers.isEmpty()) {
                    props.putAll(plainUsers(plainUsers));
                }
                bootstrap = "127.0.0.1:" + internalPort;
            } else {
                props.putAll(plaintextListeners(brokerPort, controllerPort));
            }
            KafkaConfig config = KafkaConfig.fromProps(props);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                Files.createDirectories(logDir);
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                        .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                        .setControllerListenerName("CONTROLLER")
                        // transaction.version 2 makes exactly-once restores log false data-loss alarms
                        .setFeatureLevel("transaction.version", (short) 1)
                        .run();
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, bootstrap, secured);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Kafka in " + dataDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start embedded Kafka in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** Every broker's settings but its listeners. */
    private static Properties commonConfig(Path logDir, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.put("transaction.max.timeout.ms", "3600000");
        props.put("log.cleaner.backoff.ms", "1000");
        return props;
    }

    private static Map<String, String> plaintextListeners(int brokerPort, int controllerPort) {
        return Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort,
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name", "PLAINTEXT");
    }

    /** CLIENT: SASL_SSL for everyone; INTERNAL and CONTROLLER: loopback PLAINTEXT, super user. */
    private static Map<String, String> securedListeners(int clientPort, int internalPort, int controllerPort,
                                                        TlsMaterial tls) {
        String client = "listener.name.client.";
        return Map.ofEntries(
                Map.entry("listeners", "CLIENT://127.0.0.1:" + clientPort + ",INTERNAL://127.0.0.1:" + internalPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "CLIENT://127.0.0.1:" + clientPort
                        + ",INTERNAL://127.0.0.1:" + internalPort),
                Map.entry("listener.security.protocol.map", "CLIENT:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "INTERNAL"),
                Map.entry(client + "sasl.enabled.mechanisms", SCRAM_MECHANISM),
                Map.entry(client + "scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
                Map.entry(client + "ssl.keystore.type", "PEM"),
                Map.entry(client + "ssl.keystore.certificate.chain", tls.certificateChainPem()),
                Map.entry(client + "ssl.keystore.key", tls.privateKeyPem()),
                Map.entry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
                Map.entry("allow.everyone.if.no.acl.found", "false"),
                Map.entry("super.users", "User:ANONYMOUS"));
    }

    /** SASL/PLAIN beside SCRAM on the client listener, with these users (Kafka's own PLAIN server). */
    private static Map<String, String> plainUsers(Map<String, String> users) {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach((user, password) -> {
            if (!user.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("a PLAIN user name is [A-Za-z0-9._-]+, not '" + user + "'");
            }
            jaas.append(" user_").append(user).append("=\"").append(jaasEscaped(password)).append('"');
        });
        return Map.of("listener.name.client.sasl.enabled.mechanisms", SCRAM_MECHANISM + "," + PLAIN_MECHANISM,
                "listener.name.client.plain.sasl.jaas.config", jaas.append(';').toString());
    }

    private static void refuseTheOtherMode(Path dataDir, boolean secure) {
        if (secure && Files.exists(dataDir.resolve("meta.properties"))) {
            throw new IllegalArgumentException(dataDir + " holds a plaintext broker's data: start it with start()");
        }
        if (!secure && Files.isDirectory(dataDir.resolve("tls"))) {
            throw new IllegalArgumentException(dataDir + " holds a secured broker's data: start it with startSecured()");
        }
    }

    /**
     * A plain connection to this broker with the default topics: on a secured broker, the same as
     * {@link #adminConnection()}.
     */
    public KafkaConnection connection() {
        return KafkaConnection.to(bootstrapServers());
    }

    /**
     * A super user's connection, for topics, users and ACLs: on a secured broker its internal
     * loopback PLAINTEXT listener; on a plaintext broker the plain connection.
     */
    public KafkaConnection adminConnection() {
        return connection();
    }

    /**
     * A client connection as this SCRAM user, default topics: {@code security.protocol=SASL_SSL},
     * {@code sasl.mechanism=SCRAM-SHA-512}, {@code sasl.jaas.config} (ScramLoginModule with this
     * username and password), {@code ssl.truststore.type=PEM},
     * {@code ssl.truststore.location=}{@link #caCertificate()}, to {@link #clientBootstrapServers()}.
     *
     * @throws IllegalStateException on a plaintext broker
     */
    public KafkaConnection connectionAs(String user, String password) {
        Secured s = requireSecured("connectionAs");
        return new KafkaConnection(s.bootstrapServers(), Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", SCRAM_MECHANISM,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + jaasEscaped(user) + "\" password=\"" + jaasEscaped(password) + "\";",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", s.tls().caCertificate().toAbsolutePath().toString()),
                Topics.DEFAULT);
    }

    /**
     * Creates or updates a SCRAM-SHA-512 user and waits (30 s at most) until it authenticates on the
     * client listener with this password.
     *
     * @throws IllegalStateException on a plaintext broker, or when the user cannot authenticate in time
     */
    public void addUser(String user, String password) {
        requireSecured("addUser");
        try (Admin admin = Admin.create(adminConnection().clientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot add the user " + user + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding the user " + user, e);
        }
        awaitUntil(() -> authenticates(user, password), "the user " + user + " to authenticate");
    }

    /** Whether this user gets past SASL: any answer but an authentication failure says so. */
    private boolean authenticates(String user, String password) {
        Properties props = connectionAs(user, password).clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException) {
                return false;
            }
            if (e.getCause() instanceof AuthorizationException) {
                return true;
            }
            throw new IllegalStateException("cannot check the user " + user + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the user " + user, e);
        }
    }

    /**
     * Creates these ACL bindings and waits (30 s at most) until the broker's authorizer lists them all.
     *
     * @throws IllegalStateException on a plaintext broker (it has no authorizer), or when not in time
     */
    public void grant(Collection<AclBinding> bindings) {
        requireSecured("grant");
        try (Admin admin = Admin.create(adminConnection().clientProperties())) {
            admin.createAcls(bindings).all().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            awaitUntil(() -> {
                try {
                    return new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values()
                            .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).containsAll(bindings);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IllegalStateException("cannot list the ACLs: " + e.getMessage(), e);
                }
            }, "the ACLs " + bindings);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot grant " + bindings + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting " + bindings, e);
        }
    }

    /**
     * The CA certificate (PEM) a client of the secured listener trusts, e.g. librdkafka's
     * {@code ssl.ca.location}; null on a plaintext broker.
     */
    public Path caCertificate() {
        return secured == null ? null : secured.tls().caCertificate().toAbsolutePath();
    }

    /**
     * The bootstrap servers {@link #connection()} uses: the plaintext listener, or a secured broker's
     * internal admin listener.
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * A secured broker's SASL_SSL client listener (what {@link #connectionAs} uses, and what a
     * client outside this JVM is given).
     *
     * @throws IllegalStateException on a plaintext broker
     */
    public String clientBootstrapServers() {
        return requireSecured("clientBootstrapServers").bootstrapServers();
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private Secured requireSecured(String what) {
        if (secured == null) {
            throw new IllegalStateException(what + " needs a secured broker (EmbeddedKafka.startSecured); this one "
                    + "is plaintext at " + bootstrapServers);
        }
        return secured;
    }

    private interface Check {
        boolean holds() throws InterruptedException;
    }

    private static void awaitUntil(Check check, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try {
            while (!check.holds()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("waited " + DEADLINE.toSeconds() + " s in vain for " + what);
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    /** A JAAS option value goes between double quotes: its quotes and backslashes escaped. */
    private static String jaasEscaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
