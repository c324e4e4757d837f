package io.takeover.kafka;

import io.takeover.schemas.kafka.KafkaConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node Kafka (KRaft: broker and controller in one) inside this JVM, for tests and
 * local mode. Its data lives in {@code dataDir}; {@link #close()} stops it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats {@code dataDir} if it is new and starts the broker on {@code port} (0: any free port).
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            int brokerPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", dataDir.toAbsolutePath().toString());
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
            KafkaConfig config = KafkaConfig.fromProps(props);
            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(dataDir.toAbsolutePath().toString()))
                        .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                        .setControllerListenerName("CONTROLLER")
                        // transaction.version 2 makes exactly-once restores log false data-loss alarms
                        .setFeatureLevel("transaction.version", (short) 1)
                        .run();
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, "127.0.0.1:" + brokerPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Kafka in " + dataDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start embedded Kafka in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** A plain connection to this broker with the default topics. */
    public KafkaConnection connection() {
        return KafkaConnection.to(bootstrapServers());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
