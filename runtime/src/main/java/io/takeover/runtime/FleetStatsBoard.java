package io.takeover.runtime;

import io.takeover.schemas.FleetStats;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Follows {@code takeover.fleet-stats} and keeps the newest cumulative totals per task × policy
 * version: the same figures a dashboard shows, read from the same topic.
 */
public final class FleetStatsBoard implements AutoCloseable {

    /** Cumulative figures of one policy version. */
    public record Totals(long steps, long takeovers, long episodes, long successes) {
        static Totals of(FleetStats s) {
            return new Totals(s.getSteps(), s.getTakeovers(), s.getEpisodes(), s.getSuccesses());
        }

        public double takeoversPer1k() {
            return steps == 0 ? 0 : 1000.0 * takeovers / steps;
        }

        public double successRate() {
            return episodes == 0 ? 0 : (double) successes / episodes;
        }
    }

    private final String task;
    private final Map<Long, Totals> byVersion = new TreeMap<>();
    private final TopicFollower follower;

    public FleetStatsBoard(KafkaConnection kafka, String task) {
        this.task = task;
        this.follower = new TopicFollower(kafka, kafka.topics().fleetStats(), new Properties(), Map.of(),
                records -> records.forEach(record -> add(record.value()))).start();
    }

    /** Totals per policy version, oldest first. */
    public synchronized Map<Long, Totals> totals() {
        return new TreeMap<>(byVersion);
    }

    private synchronized void add(byte[] value) {
        try {
            FleetStats stats = Codecs.FLEET_STATS.decode(value);
            if (stats.getCumulative() && stats.getTask().equals(task)) {
                byVersion.put(stats.getPolicyVersion(), Totals.of(stats));
            }
        } catch (WireFormatException e) {
            // written by our own job; an unreadable one is a bug the job's tests catch
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
