package io.takeover.schemas.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Creates the contract's topics with their settings; existing ones are left as they are. */
public final class TopicCreator {

    /** Replication where the cluster allows it: 3, or every broker of a smaller cluster. */
    public static final int DEFAULT_REPLICATION = 3;

    /** @return the replication factor the topics were created with */
    public static int createAll(KafkaConnection kafka, int dataPartitions) {
        return createAll(kafka, dataPartitions, 0);
    }

    /**
     * @param replicationFactor copies of each partition; 0: {@link #DEFAULT_REPLICATION}, or as many
     *                          as the cluster has brokers when fewer
     * @return the replication factor used
     */
    public static int createAll(KafkaConnection kafka, int dataPartitions, int replicationFactor) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            int replication = replicationFactor > 0 ? replicationFactor : Math.min(DEFAULT_REPLICATION, brokers);
            if (replication > brokers) {
                throw new IllegalArgumentException("replication factor " + replication + " needs as many brokers; "
                        + kafka + " has " + brokers);
            }
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = kafka.topics().specs(dataPartitions).stream()
                    .filter(spec -> !existing.contains(spec.name()))
                    .map(spec -> new NewTopic(spec.name(), spec.partitions(), (short) replication)
                            .configs(spec.configs()))
                    .toList();
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            return replication;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics on " + kafka + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * A new topic serves produce requests only once each partition's leader has taken over;
     * producing earlier meets NOT_LEADER_OR_FOLLOWER, and an idempotent producer's retries can
     * then delay records by seconds. Waits until every partition answers an offset request.
     */
    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException,
            ExecutionException, TimeoutException {
        if (names.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                        d.partitions().forEach(p -> partitions.put(new TopicPartition(name, p.partition()),
                                OffsetSpec.latest())));
                admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("partitions of " + names + " not served after 30 s: " + e.getMessage());
                }
                Thread.sleep(50);
            }
        }
    }

    private TopicCreator() {}
}
