package io.takeover.schemas.kafka;

import io.takeover.schemas.Topics;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How a process reaches Kafka: the bootstrap servers, the client properties every one of its
 * clients gets (security.protocol, SASL, TLS, client.id, ...), and the topic prefix. Built once
 * per process, from {@code --bootstrap}, {@code --kafka-config FILE} (a properties file, as Kafka's
 * own {@code --command-config}) and {@code --topic-prefix}; every producer, consumer and admin
 * client starts from {@link #clientProperties()}.
 *
 * @param bootstrapServers host:port[,host:port...]
 * @param properties       passed to every client unchanged
 * @param topics           the contract's topic names under this deployment's prefix
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties, Topics topics)
        implements Serializable {

    private static final String BOOTSTRAP = "bootstrap.servers";

    public KafkaConnection {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required (--bootstrap HOST:PORT, or "
                    + BOOTSTRAP + " in the --kafka-config file)");
        }
        if (properties.containsKey(BOOTSTRAP)) {
            throw new IllegalArgumentException(BOOTSTRAP + " belongs in the bootstrap servers, not the client "
                    + "properties");
        }
        properties = Map.copyOf(properties);
    }

    /** Plain connection to these servers, default topics: local mode and tests. */
    public static KafkaConnection to(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of(), Topics.DEFAULT);
    }

    /**
     * The connection a command line asks for.
     *
     * @param bootstrapServers may be null when the file sets {@code bootstrap.servers}
     * @param configFile       client properties, or null
     * @param topicPrefix      null for the default
     */
    public static KafkaConnection of(String bootstrapServers, Path configFile, String topicPrefix) {
        Map<String, String> properties = configFile == null ? Map.of() : read(configFile);
        Map<String, String> rest = new TreeMap<>(properties);
        String fromFile = rest.remove(BOOTSTRAP);
        String servers = bootstrapServers != null && !bootstrapServers.isBlank() ? bootstrapServers : fromFile;
        return new KafkaConnection(servers, rest, new Topics(topicPrefix == null ? Topics.DEFAULT_PREFIX : topicPrefix));
    }

    /** The {@code bootstrap.servers} a client properties file names; null if none. */
    public static String bootstrapServersIn(Path file) {
        String servers = read(file).get(BOOTSTRAP);
        return servers == null || servers.isBlank() ? null : servers;
    }

    /** The client properties of a file, {@code bootstrap.servers} left out. */
    public static Map<String, String> clientPropertiesIn(Path file) {
        Map<String, String> properties = new TreeMap<>(read(file));
        properties.remove(BOOTSTRAP);
        return properties;
    }

    private static Map<String, String> read(Path file) {
        Properties loaded = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            loaded.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new TreeMap<>();
        loaded.stringPropertyNames().forEach(name -> map.put(name, loaded.getProperty(name).trim()));
        return map;
    }

    public KafkaConnection withTopics(Topics other) {
        return new KafkaConnection(bootstrapServers, properties, other);
    }

    public KafkaConnection withProperty(String name, String value) {
        Map<String, String> more = new TreeMap<>(properties);
        more.put(name, value);
        return new KafkaConnection(bootstrapServers, more, topics);
    }

    /** A new client's properties: the bootstrap servers and this connection's own; the caller adds its role's. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(properties);
        props.put(BOOTSTRAP, bootstrapServers);
        return props;
    }

    /** For messages: where, and how, without secrets. */
    @Override
    public String toString() {
        return bootstrapServers + " (topics " + topics.prefix() + "*" + (properties.containsKey("security.protocol")
                ? ", " + properties.get("security.protocol") : "") + ")";
    }
}
