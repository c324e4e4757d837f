package io.takeover.console.learning;

import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Release;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.ReleaseBook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Learning at a glance: each policy version's takeovers per 1,000 steps and success rate (the
 * label job's cumulative fleet statistics), and each task's release channels. Thread-safe.
 */
public final class LearningBoard {

    /** One version's totals since it was first seen. */
    public record VersionFigures(long version, long steps, long takeovers, double takeoversPer1k, long episodes,
            long successes, double successRate, long robots, long since, long until) {}

    /** One channel of a task as the page shows it. */
    public record ChannelView(String channel, long version, String setBy, long setAt, String reason, boolean pinned,
            double canaryShare, List<Long> history, Map<String, Double> evidence) {
        static ChannelView of(Release r) {
            return new ChannelView(r.getChannel(), r.getVersion(), r.getSetBy(), r.getSetAt().toEpochMilli(),
                    r.getReason(), r.getPinned(), r.getCanaryShare(), r.getHistory(), r.getEvidence());
        }
    }

    /** A task's versions, oldest first, and its channels. */
    public record TaskLearning(String task, List<VersionFigures> versions, List<ChannelView> channels) {}

    private final Map<String, Map<Long, VersionFigures>> versions = new TreeMap<>();
    private final Map<String, ReleaseBook> releases = new TreeMap<>();

    public synchronized void stats(FleetStats s) {
        if (!s.getCumulative()) {
            return;
        }
        versions.computeIfAbsent(s.getTask(), t -> new TreeMap<>()).put(s.getPolicyVersion(), new VersionFigures(
                s.getPolicyVersion(), s.getSteps(), s.getTakeovers(),
                s.getSteps() == 0 ? 0 : 1000.0 * s.getTakeovers() / s.getSteps(), s.getEpisodes(), s.getSuccesses(),
                s.getEpisodes() == 0 ? 0 : (double) s.getSuccesses() / s.getEpisodes(), s.getRobots(),
                s.getWindowStart().toEpochMilli(), s.getWindowEnd().toEpochMilli()));
    }

    /**
     * Applies one record of the releases topic (key {@code task/channel}).
     *
     * @return null, or why it was refused
     */
    public synchronized String release(String key, byte[] value) {
        int slash = key == null ? -1 : key.lastIndexOf('/');
        if (slash <= 0) {
            return "release key '" + key + "' is not task/channel";
        }
        String task = key.substring(0, slash);
        return releases.computeIfAbsent(task, ReleaseBook::new).apply(key, value);
    }

    /** A release this console wrote, as the topic will hold it. */
    public synchronized void put(Release release) {
        releases.computeIfAbsent(release.getTask(), ReleaseBook::new).put(release);
    }

    /** A copy of a task's channels, for a change to be computed on. */
    public synchronized ReleaseBook book(String task) {
        return releases.computeIfAbsent(task, ReleaseBook::new).copy();
    }

    /** The channel a robot of {@code task} follows, and its version; empty when the task has no releases. */
    public synchronized Optional<Channel> channelOf(String task, String robotId) {
        ReleaseBook book = releases.get(task);
        if (book == null || book.get(Channel.STABLE).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(book.channelOf(robotId));
    }

    public synchronized List<TaskLearning> tasks() {
        List<TaskLearning> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>(versions.keySet());
        names.addAll(releases.keySet());
        for (String task : names) {
            List<ChannelView> channels = new ArrayList<>();
            ReleaseBook book = releases.get(task);
            if (book != null) {
                for (Channel c : Channel.values()) {
                    book.get(c).ifPresent(r -> channels.add(ChannelView.of(r)));
                }
            }
            out.add(new TaskLearning(task, List.copyOf(versions.getOrDefault(task, Map.of()).values()), channels));
        }
        return out;
    }
}
