package io.takeover.cli;

import io.takeover.schemas.FleetStats;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Release;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicReadout;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.PolicyArchive;
import io.takeover.schemas.release.ReleaseBook;
import io.takeover.schemas.release.Releases;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code takeover policy}: which version the fleet runs, and changing it; every change is a release on the topic. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "The policy versions of a task and its release channels (stable, canary): list, show, promote, "
                + "pin, roll back, unpin. Every change is recorded on takeover.releases with who, when and why.",
        subcommands = {PolicyCommand.Listing.class, PolicyCommand.Show.class, PolicyCommand.Promote.class,
                PolicyCommand.Pin.class, PolicyCommand.Rollback.class, PolicyCommand.Unpin.class})
final class PolicyCommand implements Runnable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** What every subcommand takes: where Kafka is, which task, who acts. */
    static final class Target {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--task", defaultValue = "${env:TAKEOVER_TASK:-pendulum}",
                description = "The task; TAKEOVER_TASK (default ${DEFAULT-VALUE}).")
        String task;

        @Option(names = "--by", defaultValue = "${env:USER:-cli}", description = "Who acts (default: $USER).")
        String by;

        /** Reads the task's channels, makes one change to them, writes it and says so. */
        int change(Function<ReleaseBook, Release> change) {
            KafkaConnection kafka = this.kafka.connection();
            Release release = change.apply(Releases.read(kafka, task, TIMEOUT));
            Releases.write(kafka, release, TIMEOUT);
            System.out.printf(Locale.ROOT, "%s/%s → v%d%s (by %s: %s)%n", release.getTask(), release.getChannel(),
                    release.getVersion(), release.getPinned() ? ", pinned" : "", release.getSetBy(),
                    release.getReason());
            return 0;
        }

        /** {@code version}, once the archive is known to hold it. */
        long archived(long version) {
            return Ledger.read(kafka.connection(), task).require(version);
        }
    }

    /** The archive's versions of a task, the channels, and the live statistics per version. */
    record Ledger(NavigableMap<Long, PolicySnapshot> versions, ReleaseBook book, Map<Long, FleetStats> stats) {

        static Ledger read(KafkaConnection kafka, String task) {
            NavigableMap<Long, PolicySnapshot> versions = new TreeMap<>();
            TopicReadout.read(kafka, kafka.topics().policies(), TIMEOUT, (key, value) -> {
                long version = PolicyArchive.version(key, task);
                if (version > 0 && value == null) {
                    versions.remove(version);
                } else if (version > 0) {
                    try {
                        versions.put(version, Codecs.POLICY_SNAPSHOT.decode(value));
                    } catch (WireFormatException e) {
                        // robots refuse it; it is not a version anyone can release
                    }
                }
            });
            Map<Long, FleetStats> stats = new TreeMap<>();
            TopicReadout.read(kafka, kafka.topics().fleetStats(), TIMEOUT, (key, value) -> {
                try {
                    FleetStats s = Codecs.FLEET_STATS.decode(value);
                    if (s.getCumulative() && s.getTask().equals(task)) {
                        stats.put(s.getPolicyVersion(), s);
                    }
                } catch (WireFormatException e) {
                    // the label job's own records; an unreadable one is not a figure
                }
            });
            return new Ledger(versions, Releases.read(kafka, task, TIMEOUT), stats);
        }

        String state(long version) {
            if (book.version(Channel.STABLE) == version) {
                return book.get(Channel.STABLE).orElseThrow().getPinned() ? "stable (pinned)" : "stable";
            }
            if (book.version(Channel.CANARY) == version) {
                return String.format(Locale.ROOT, "canary (%.0f%%)", book.canaryShare() * 100);
            }
            if (book.get(Channel.STABLE).map(r -> r.getHistory().contains(version)).orElse(false)) {
                return "earlier stable";
            }
            if (book.get(Channel.CANARY).map(r -> r.getHistory().contains(version)).orElse(false)) {
                return "rolled back";
            }
            return version > book.version(Channel.STABLE) ? "candidate" : "archived";
        }

        String figures(long version) {
            FleetStats s = stats.get(version);
            if (s == null || s.getSteps() == 0) {
                return "no steps yet";
            }
            return String.format(Locale.ROOT, "%,d steps, %.1f takeovers/1k, success %s", s.getSteps(),
                    1000.0 * s.getTakeovers() / s.getSteps(), s.getEpisodes() == 0 ? "-"
                            : String.format(Locale.ROOT, "%.0f%%", 100.0 * s.getSuccesses() / s.getEpisodes()));
        }

        long require(long version) {
            if (!versions.containsKey(version)) {
                throw new IllegalArgumentException("v" + version + " is not in the archive of " + book.task()
                        + " (it holds " + (versions.isEmpty() ? "none" : "v" + versions.firstKey() + "…v"
                        + versions.lastKey()) + "): takeover policy list");
            }
            return version;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every archived version: its state, and its live takeovers per 1,000 steps.")
    static final class Listing implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() {
            Ledger ledger = Ledger.read(target.kafka.connection(), target.task);
            if (ledger.versions().isEmpty()) {
                System.out.println("no versions of " + target.task + " yet");
            }
            for (long v : ledger.versions().descendingKeySet()) {
                System.out.printf(Locale.ROOT, "v%-5d %-16s %s%n", v, ledger.state(v), ledger.figures(v));
            }
            for (Channel c : Channel.values()) {
                ledger.book().get(c).ifPresent(r -> System.out.printf(Locale.ROOT, "%s: v%d, set by %s at %s: %s%n",
                        c.label(), r.getVersion(), r.getSetBy(), r.getSetAt(), r.getReason()));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One version: what it is and how it does.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "VERSION")
        long version;

        @Override
        public Integer call() {
            Ledger ledger = Ledger.read(target.kafka.connection(), target.task);
            PolicySnapshot s = ledger.versions().get(ledger.require(version));
            System.out.printf(Locale.ROOT, "%s v%d (%s), trained from v%d, published %s, signed by key %s%n",
                    s.getTask(), s.getVersion(), ledger.state(version), s.getParentVersion(), s.getCreatedAt(),
                    s.getSigningKeyId());
            System.out.printf(Locale.ROOT, "  %s; %d → %d, %d tensors%n", s.getArchitecture(), s.getObsDim(),
                    s.getActDim(), s.getWeights().size());
            System.out.println("  live: " + ledger.figures(version));
            s.getLearnerStats().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %s = %.4g%n", k, v));
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Point a channel to a version: stable (every robot not in the canary) or canary.")
    static final class Promote implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "VERSION")
        long version;

        @Option(names = "--channel", defaultValue = "stable", description = "stable or canary (default ${DEFAULT-VALUE}).")
        String channel;

        @Option(names = "--share", defaultValue = "0.1", description = "canary: the share of robots (default ${DEFAULT-VALUE}).")
        double share;

        @Option(names = "--reason", defaultValue = "promoted by hand", description = "Why.")
        String reason;

        @Override
        public Integer call() {
            long v = target.archived(version);
            return target.change(book -> Releases.promote(book, Channel.of(channel), v, target.by, reason, share));
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true,
            description = "Hold every stable robot on a version, fleet-wide, until unpin: nothing automatic moves it.")
    static final class Pin implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "VERSION")
        long version;

        @Option(names = "--reason", required = true, description = "Why (recorded with the release).")
        String reason;

        @Override
        public Integer call() {
            long v = target.archived(version);
            return target.change(book -> Releases.pin(book, v, target.by, reason));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Stable goes back to the version before it, fleet-wide, and stays there until unpin.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--reason", defaultValue = "rolled back by hand", description = "Why.")
        String reason;

        @Override
        public Integer call() {
            return target.change(book -> Releases.rollback(book, target.by, reason));
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true,
            description = "Let automatic promotion (or the canary gate) move stable again.")
    static final class Unpin implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--reason", defaultValue = "unpinned by hand", description = "Why.")
        String reason;

        @Override
        public Integer call() {
            return target.change(book -> Releases.unpin(book, target.by, reason));
        }
    }
}
