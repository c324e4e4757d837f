package io.takeover.schemas.task;

import io.takeover.schemas.TaskRegistration;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The registered tasks, kept on the compacted {@code takeover.tasks} topic, key = task name. Every
 * part reads it the same way ({@link Book}): a registration enters only when its spec is valid,
 * its key is its name, and it keeps the dimensions of an earlier registration of that name.
 */
public final class TaskRegistry {

    /** What reading the topic found: the tasks, and every registration refused, with why. */
    public record Snapshot(Map<String, TaskSpec> tasks, List<String> refused) {

        /** The task, or an error that names the registered ones and how to register. */
        public TaskSpec require(String name) {
            TaskSpec spec = tasks.get(name);
            if (spec == null) {
                throw new UnknownTaskException(name, tasks.keySet());
            }
            return spec;
        }
    }

    public enum Outcome { REGISTERED, UPDATED, UNCHANGED }

    /** The registry's rules, applied to registrations in topic order. Not thread-safe. */
    public static final class Book {
        private final Map<String, TaskSpec> tasks = new TreeMap<>();

        /** @return null when the registration entered the book, else why it was refused */
        public String apply(String key, byte[] value) {
            TaskRegistration registration;
            try {
                registration = Codecs.TASK_REGISTRATION.decode(value);
            } catch (WireFormatException e) {
                return "undecodable registration under key '" + key + "': " + e.getMessage();
            }
            return apply(key, registration);
        }

        public String apply(String key, TaskRegistration registration) {
            String refusal = refusal(key, registration, tasks.get(registration.getName()));
            if (refusal == null) {
                tasks.put(registration.getName(), TaskSpec.fromWire(registration));
            }
            return refusal;
        }

        public Map<String, TaskSpec> tasks() {
            return tasks;
        }
    }

    /**
     * Why a registration may not enter a registry that holds {@code registered} under its name
     * (null: none yet), or null when it may.
     */
    public static String refusal(String key, TaskRegistration registration, TaskSpec registered) {
        TaskSpec spec = TaskSpec.fromWire(registration);
        if (key != null && !key.equals(spec.name())) {
            return "registration of '" + spec.name() + "' under key '" + key + "': the key must be the task's name";
        }
        List<String> problems = spec.problems();
        if (!problems.isEmpty()) {
            return new InvalidTaskException(spec.name(), problems).getMessage();
        }
        if (registered != null && !registered.sameDimensions(spec)) {
            return new TaskConflictException(registered, spec).getMessage();
        }
        return null;
    }

    /** Reads the whole topic, to its end as of now. */
    public static Snapshot read(KafkaConnection kafka, Duration timeout) {
        try (Reader reader = new Reader(kafka, timeout)) {
            return reader.catchUp(timeout);
        }
    }

    /** The topic, read from its beginning, and on to its end again at each {@link #catchUp}. Not thread-safe. */
    public static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final String topic;
        private final List<TopicPartition> partitions;
        private final Book book = new Book();
        private final List<String> refused = new ArrayList<>();

        public Reader(KafkaConnection kafka, Duration timeout) {
            Properties props = kafka.clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            topic = kafka.topics().tasks();
            try {
                partitions = consumer.partitionsFor(topic, timeout).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist on "
                            + kafka.bootstrapServers() + ": create the topics first (takeover topics)");
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            } catch (RuntimeException e) {
                consumer.close();
                throw e;
            }
        }

        /** Reads on to the end of the topic as of now: the tasks then, and every registration refused so far. */
        public Snapshot catchUp(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String refusal = book.apply(r.key(), r.value());
                    if (refusal != null) {
                        refused.add("offset " + r.offset() + ": " + refusal);
                    }
                }
            }
            return new Snapshot(Map.copyOf(book.tasks()), List.copyOf(refused));
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /**
     * Registers a task after checking it against the registry: an invalid spec or one that changes
     * a registered task's dimensions is refused with every reason; an unchanged one is not rewritten.
     */
    public static Outcome register(KafkaConnection kafka, TaskSpec spec, String by, Duration timeout) {
        spec.validated();
        TaskSpec registered = read(kafka, timeout).tasks().get(spec.name());
        if (registered != null && !registered.sameDimensions(spec)) {
            throw new TaskConflictException(registered, spec);
        }
        if (spec.equals(registered)) {
            return Outcome.UNCHANGED;
        }
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            byte[] value = Codecs.TASK_REGISTRATION.encode(spec.toWire(by, Instant.now()));
            producer.send(new ProducerRecord<>(kafka.topics().tasks(), spec.name(), value))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not register task " + spec.name() + " on "
                    + kafka.bootstrapServers() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering task " + spec.name(), e);
        }
        return registered == null ? Outcome.REGISTERED : Outcome.UPDATED;
    }

    private TaskRegistry() {}
}
