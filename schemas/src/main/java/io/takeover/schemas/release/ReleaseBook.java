package io.takeover.schemas.release;

import io.takeover.schemas.Release;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * One task's channels, as the releases topic says, applied record by record in topic order:
 * the newest release per channel wins. Not thread-safe.
 */
public final class ReleaseBook {

    private final String task;
    private final Map<Channel, Release> channels = new EnumMap<>(Channel.class);

    public ReleaseBook(String task) {
        this.task = task;
    }

    /**
     * Applies one record of the releases topic; records of other tasks are ignored.
     *
     * @return null, or why the record was refused (undecodable, or its key and value disagree)
     */
    public String apply(String key, byte[] value) {
        for (Channel channel : Channel.values()) {
            if (channel.key(task).equals(key)) {
                if (value == null) {
                    channels.remove(channel);
                    return null;
                }
                try {
                    Release release = Codecs.RELEASE.decode(value);
                    if (!task.equals(release.getTask()) || !channel.label().equals(release.getChannel())) {
                        return "release under key " + key + " is for " + release.getTask() + "/" + release.getChannel();
                    }
                    channels.put(channel, release);
                    return null;
                } catch (WireFormatException e) {
                    return "undecodable release under key " + key + ": " + e.getMessage();
                }
            }
        }
        return null;
    }

    /** Takes a release this process wrote, as the topic will hold it. */
    public void put(Release release) {
        if (!task.equals(release.getTask())) {
            throw new IllegalArgumentException("release of " + release.getTask() + " in the book of " + task);
        }
        channels.put(Channel.of(release.getChannel()), release);
    }

    /** The same channels, in a book of their own. */
    public ReleaseBook copy() {
        ReleaseBook copy = new ReleaseBook(task);
        copy.channels.putAll(channels);
        return copy;
    }

    public String task() {
        return task;
    }

    public Optional<Release> get(Channel channel) {
        return Optional.ofNullable(channels.get(channel));
    }

    /** The version a channel points to; 0 when it points to none. */
    public long version(Channel channel) {
        Release release = channels.get(channel);
        return release == null ? 0 : release.getVersion();
    }

    /** The canary's share of the robots; 0 without a canary. */
    public double canaryShare() {
        Release canary = channels.get(Channel.CANARY);
        return canary == null || canary.getVersion() == 0 ? 0 : canary.getCanaryShare();
    }

    /** The channel a robot follows now. */
    public Channel channelOf(String robotId) {
        return Channel.inCanary(robotId, canaryShare()) ? Channel.CANARY : Channel.STABLE;
    }

    /** The version a robot runs now: its channel's; 0 when that channel points to none. */
    public long versionFor(String robotId) {
        return version(channelOf(robotId));
    }
}
