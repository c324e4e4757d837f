package io.takeover.runtime.release;

import io.takeover.runtime.FleetStatsBoard;
import io.takeover.runtime.FleetStatsBoard.Totals;
import io.takeover.schemas.Release;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.PolicyArchive;
import io.takeover.schemas.release.ReleaseBook;
import io.takeover.schemas.release.Releases;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a task's release channels as candidates arrive, once a second. {@code AUTO}: every new
 * candidate becomes stable at once. {@code CANARY}: a new candidate goes to the canary share of
 * the robots, and the {@link CanaryGate} promotes it to stable or rolls it back on its live
 * takeover rate against stable's; the first version goes straight to stable. {@code MANUAL}:
 * only people move channels ({@code takeover policy}). A pinned stable is never moved. It also
 * retires archived versions beyond the newest {@code keptVersions} that no channel names, nor
 * stable's history.
 */
public final class ReleaseController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseController.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE_CANARY = Duration.ofMinutes(2);
    static final String STABLE_VERSION_AT_OPEN = "stable_version_at_open";
    static final String STABLE_STEPS_AT_OPEN = "stable_steps_at_open";
    static final String STABLE_TAKEOVERS_AT_OPEN = "stable_takeovers_at_open";

    public enum Mode {
        AUTO, CANARY, MANUAL;

        public static Mode of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * @param canaryShare  the fraction of robots a canary runs on
     * @param keptVersions archived versions kept beyond those the channels name
     */
    public record Settings(Mode mode, double canaryShare, CanaryGate gate, int keptVersions) {
        public static Settings of(Mode mode) {
            return new Settings(mode, 0.1, CanaryGate.DEFAULT, 32);
        }
    }

    private final KafkaConnection kafka;
    private final String task;
    private final Settings settings;
    private final FleetStatsBoard board;
    private final ReleaseBook book; // guarded by this
    private final NavigableSet<Long> archived = new TreeSet<>(); // guarded by this
    private final TopicFollower policies;
    private final TopicFollower releases;
    private final KafkaProducer<String, byte[]> retirer;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "release-controller");
        t.setDaemon(true);
        return t;
    });
    private final Map<CanaryGate.Decision, AtomicLong> decisions = new HashMap<>();
    private volatile CanaryGate.Verdict lastVerdict;
    private long warnedIdle; // set_at of the idle canary warned about; clock thread only

    public ReleaseController(KafkaConnection kafka, String task, Settings settings, FleetStatsBoard board) {
        this.kafka = kafka;
        this.task = task;
        this.settings = settings;
        this.board = board;
        this.book = new ReleaseBook(task);
        for (CanaryGate.Decision d : CanaryGate.Decision.values()) {
            decisions.put(d, new AtomicLong());
        }
        Properties keysOnly = new Properties();
        keysOnly.put("max.partition.fetch.bytes", 32 << 20);
        this.policies = new TopicFollower(kafka, kafka.topics().policies(), keysOnly, Map.of(), records -> {
            synchronized (this) {
                for (ConsumerRecord<String, byte[]> r : records) {
                    long version = PolicyArchive.version(r.key(), task);
                    if (version > 0 && r.value() != null) {
                        archived.add(version);
                    } else if (version > 0) {
                        archived.remove(version);
                    }
                }
            }
        });
        this.releases = new TopicFollower(kafka, kafka.topics().releases(), new Properties(), Map.of(), records -> {
            synchronized (this) {
                for (ConsumerRecord<String, byte[]> r : records) {
                    book.apply(r.key(), r.value());
                }
            }
        });
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.retirer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public ReleaseController start() {
        policies.start();
        releases.start();
        clock.scheduleWithFixedDelay(this::tickSafely, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    private void tickSafely() {
        try {
            if (policies.lag() == 0 && releases.lag() == 0) { // act on the topics as they are, not half read
                tick();
            }
        } catch (RuntimeException e) {
            LOG.warn("release controller for {}: {}; trying again in a second", task, e.toString());
        }
    }

    /** One look at the candidates, the channels and the statistics; at most one change to the channels. */
    void tick() {
        ReleaseBook now;
        long newest;
        synchronized (this) {
            now = book.copy();
            newest = archived.isEmpty() ? 0 : archived.last();
        }
        Release stable = now.get(Channel.STABLE).orElse(null);
        if (settings.mode() != Mode.MANUAL && newest > 0 && (stable == null || stable.getVersion() == 0)) {
            write(Releases.promote(now, Channel.STABLE, newest, "auto-promote", "the first version of " + task, 0));
        } else if (stable != null && !stable.getPinned() && settings.mode() == Mode.AUTO
                && newest > stable.getVersion()) {
            write(Releases.promote(now, Channel.STABLE, newest, "auto-promote", "newer candidate (auto-promotion)", 0));
        } else if (stable != null && !stable.getPinned() && settings.mode() == Mode.CANARY) {
            canary(now, stable, newest);
        }
        retire(now);
    }

    private void canary(ReleaseBook now, Release stable, long newest) {
        Release canary = now.get(Channel.CANARY).orElse(null);
        if (canary != null && canary.getVersion() != 0 && canary.getEvidence()
                .getOrDefault(STABLE_VERSION_AT_OPEN, (double) stable.getVersion()) != stable.getVersion()) {
            // stable moved (by hand) while the canary ran: judge the canary against the new stable from now on
            write(open(now, canary.getVersion(), stable, "stable moved to v" + stable.getVersion()
                    + " while the canary ran: judged against it from now on"));
            return;
        }
        if (canary != null && canary.getVersion() != 0) {
            Totals canaryTotals = board.totals().getOrDefault(canary.getVersion(), new Totals(0, 0, 0, 0));
            Totals stableTotals = board.totals().getOrDefault(stable.getVersion(), new Totals(0, 0, 0, 0));
            long stableSteps = stableTotals.steps()
                    - canary.getEvidence().getOrDefault(STABLE_STEPS_AT_OPEN, 0.0).longValue();
            long stableTakeovers = stableTotals.takeovers()
                    - canary.getEvidence().getOrDefault(STABLE_TAKEOVERS_AT_OPEN, 0.0).longValue();
            CanaryGate.Verdict verdict = settings.gate().judge(canaryTotals.steps(), canaryTotals.takeovers(),
                    stableSteps, stableTakeovers);
            warnIfIdle(canary, canaryTotals.steps());
            lastVerdict = verdict;
            String figures = String.format(Locale.ROOT, "canary v%d %.1f vs stable v%d %.1f takeovers per 1k steps "
                    + "(%d / %d steps, rate ratio %.2f, log LR %.2f)", canary.getVersion(),
                    verdict.evidence().get("canary_takeovers_per_1k"), stable.getVersion(),
                    verdict.evidence().get("stable_takeovers_per_1k"), canaryTotals.steps(), stableSteps,
                    verdict.evidence().get("rate_ratio"), verdict.evidence().get("log_likelihood_ratio"));
            Map<String, Double> evidence = new HashMap<>(verdict.evidence());
            evidence.put("canary_version", (double) canary.getVersion());
            evidence.put("stable_version", (double) stable.getVersion());
            switch (verdict.decision()) {
                case PROMOTE -> {
                    Release promoted = Releases.promote(now, Channel.STABLE, canary.getVersion(), "canary-gate",
                            "promoted: no worse than stable: " + figures, 0);
                    promoted.setEvidence(evidence);
                    write(promoted);
                    write(Releases.closeCanary(now, "canary-gate", "promoted to stable: " + figures, evidence));
                    decisions.get(CanaryGate.Decision.PROMOTE).incrementAndGet();
                }
                case ROLL_BACK -> {
                    write(Releases.closeCanary(now, "canary-gate", "rolled back: worse than stable: " + figures,
                            evidence));
                    decisions.get(CanaryGate.Decision.ROLL_BACK).incrementAndGet();
                }
                case WAIT -> { }
            }
            return;
        }
        long tried = canary == null ? 0 : canary.getHistory().stream().mapToLong(Long::longValue).max().orElse(0);
        if (newest > stable.getVersion() && newest > tried) {
            write(open(now, newest, stable, String.format(Locale.ROOT, "new candidate on %.0f%% of the robots "
                    + "against stable v%d", settings.canaryShare() * 100, stable.getVersion())));
        }
    }

    /** Says once per canary when it has had no steps for {@link #IDLE_CANARY}: it cannot be decided then. */
    private void warnIfIdle(Release canary, long canarySteps) {
        long open = canary.getSetAt().toEpochMilli();
        if (canarySteps == 0 && System.currentTimeMillis() - open > IDLE_CANARY.toMillis() && warnedIdle != open) {
            warnedIdle = open;
            LOG.warn("canary {} v{} has had no steps for {}: no robot in its {}% share is stepping, so the gate cannot "
                    + "decide; promote or close it by hand (takeover policy), or run this learner with --release auto",
                    task, canary.getVersion(), IDLE_CANARY, Math.round(canary.getCanaryShare() * 100));
        }
    }

    /** A canary of {@code version}, with stable's counts as they are now: the gate counts stable's steps from here. */
    private Release open(ReleaseBook now, long version, Release stable, String reason) {
        Totals stableTotals = board.totals().getOrDefault(stable.getVersion(), new Totals(0, 0, 0, 0));
        Release open = Releases.promote(now, Channel.CANARY, version, "canary-gate", reason, settings.canaryShare());
        open.setEvidence(Map.of(STABLE_VERSION_AT_OPEN, (double) stable.getVersion(),
                STABLE_STEPS_AT_OPEN, (double) stableTotals.steps(),
                STABLE_TAKEOVERS_AT_OPEN, (double) stableTotals.takeovers()));
        return open;
    }

    /** Tombstones for archived versions beyond the newest kept that nothing names. */
    private void retire(ReleaseBook now) {
        Set<Long> named = new HashSet<>();
        for (Channel c : Channel.values()) {
            now.get(c).ifPresent(r -> named.add(r.getVersion()));
        }
        now.get(Channel.STABLE).ifPresent(r -> named.addAll(r.getHistory()));
        List<Long> retire;
        synchronized (this) {
            retire = archived.descendingSet().stream().skip(settings.keptVersions())
                    .filter(v -> !named.contains(v)).toList();
        }
        for (long version : retire) {
            try {
                retirer.send(new ProducerRecord<>(kafka.topics().policies(), PolicyArchive.key(task, version), null))
                        .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                synchronized (this) {
                    archived.remove(version);
                }
                LOG.info("policy {} v{} retired from the archive", task, version);
            } catch (Exception e) {
                LOG.warn("could not retire policy {} v{}: {}", task, version, e.toString());
                return;
            }
        }
    }

    private void write(Release release) {
        Releases.write(kafka, release, WRITE_TIMEOUT);
        synchronized (this) {
            book.put(release);
        }
        LOG.info("release {}/{} → v{} by {}: {}", task, release.getChannel(), release.getVersion(), release.getSetBy(),
                release.getReason());
    }

    /** The version a channel points to now; 0 when none. */
    public synchronized long version(Channel channel) {
        return book.version(channel);
    }

    /** The gate's decisions so far, by decision. */
    public long decisions(CanaryGate.Decision decision) {
        return decisions.get(decision).get();
    }

    /** The gate's last judgement of the open canary; null before one. */
    public CanaryGate.Verdict lastVerdict() {
        return lastVerdict;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        clock.shutdownNow();
        policies.close();
        releases.close();
        retirer.close(Duration.ofSeconds(5));
    }
}
