package io.takeover.schemas.release;

import io.takeover.schemas.Release;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicReadout;
import io.takeover.schemas.wire.Codecs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Changes to a task's channels, each a new {@link Release} on {@code takeover.releases}: the
 * rules people (through {@code takeover policy}) and the release controller share, and the
 * reading and writing of the topic.
 */
public final class Releases {

    /** Stable versions a rollback can go back through. */
    public static final int HISTORY = 16;

    private Releases() {}

    /** Points {@code channel} to {@code version}. Promoting to stable keeps the old stable in its history and unpins it. */
    public static Release promote(ReleaseBook book, Channel channel, long version, String by, String reason,
            double canaryShare) {
        Release old = book.get(channel).orElse(null);
        if (channel == Channel.CANARY && !(canaryShare > 0 && canaryShare < 1)) {
            throw new IllegalArgumentException("a canary needs a share of the robots in (0, 1), not " + canaryShare);
        }
        return Release.newBuilder().setTask(book.task()).setChannel(channel.label()).setVersion(version).setSetBy(by)
                .setSetAt(Instant.now()).setReason(reason).setPinned(false)
                .setCanaryShare(channel == Channel.CANARY ? canaryShare : 0)
                .setHistory(history(old, version)).setEvidence(Map.of()).build();
    }

    /** Holds stable on {@code version} until {@link #unpin}: nothing automatic moves it. */
    public static Release pin(ReleaseBook book, long version, String by, String reason) {
        Release release = promote(book, Channel.STABLE, version, by, reason, 0);
        release.setPinned(true);
        return release;
    }

    /** Lets automatic promotion move stable again; the version stays. */
    public static Release unpin(ReleaseBook book, String by, String reason) {
        Release stable = book.get(Channel.STABLE).orElseThrow(() -> new IllegalStateException(
                "task " + book.task() + " has no stable release to unpin"));
        return Release.newBuilder(stable).setSetBy(by).setSetAt(Instant.now()).setReason(reason).setPinned(false)
                .setEvidence(Map.of()).build();
    }

    /** Stable goes back to the version before it, and is pinned there until a person unpins it. */
    public static Release rollback(ReleaseBook book, String by, String reason) {
        Release stable = book.get(Channel.STABLE).orElseThrow(() -> new IllegalStateException(
                "task " + book.task() + " has no stable release to roll back"));
        if (stable.getHistory().isEmpty()) {
            throw new IllegalStateException("stable " + book.task() + " v" + stable.getVersion()
                    + " has no earlier version to roll back to");
        }
        List<Long> rest = new ArrayList<>(stable.getHistory().subList(1, stable.getHistory().size()));
        return Release.newBuilder(stable).setVersion(stable.getHistory().get(0)).setHistory(rest).setSetBy(by)
                .setSetAt(Instant.now()).setReason(reason).setPinned(true).setEvidence(Map.of()).build();
    }

    /** Closes the canary: its robots follow stable again; the version tried goes to its history. */
    public static Release closeCanary(ReleaseBook book, String by, String reason, Map<String, Double> evidence) {
        Release old = book.get(Channel.CANARY).orElse(null);
        return Release.newBuilder().setTask(book.task()).setChannel(Channel.CANARY.label()).setVersion(0).setSetBy(by)
                .setSetAt(Instant.now()).setReason(reason).setPinned(false).setCanaryShare(0)
                .setHistory(history(old, 0)).setEvidence(evidence).build();
    }

    private static List<Long> history(Release old, long next) {
        List<Long> history = new ArrayList<>();
        if (old != null && old.getVersion() != 0 && old.getVersion() != next) {
            history.add(old.getVersion());
        }
        if (old != null) {
            for (long v : old.getHistory()) {
                if (history.size() < HISTORY && v != next && !history.contains(v)) {
                    history.add(v);
                }
            }
        }
        return history;
    }

    /** Writes a release and waits for the broker's acknowledgement. */
    public static void write(KafkaConnection kafka, Release release, Duration timeout) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        String key = Channel.of(release.getChannel()).key(release.getTask());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(kafka.topics().releases(), key, Codecs.RELEASE.encode(release)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write release " + key + " v" + release.getVersion() + " to "
                    + kafka.topics().releases() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a release", e);
        }
    }

    /** A task's channels as the topic holds them now. */
    public static ReleaseBook read(KafkaConnection kafka, String task, Duration timeout) {
        ReleaseBook book = new ReleaseBook(task);
        TopicReadout.read(kafka, kafka.topics().releases(), timeout, book::apply);
        return book;
    }
}
