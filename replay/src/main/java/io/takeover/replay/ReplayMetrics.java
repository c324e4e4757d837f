package io.takeover.replay;

import io.takeover.replay.ingest.TransitionIngest;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.Table;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The replay's Prometheus metrics, read from the store when scraped, labelled by task and
 * table: items and bytes held, inserts, samples, evictions, damaged items skipped, time the
 * learner waited on the rate limiter, and how far ingest is behind the transitions topic.
 */
public final class ReplayMetrics {

    private ReplayMetrics() {}

    public static void register(PrometheusRegistry registry, ReplayStore store, TransitionIngest ingest) {
        String task = store.settings().task();
        GaugeWithCallback.builder().name("takeover_replay_items").help("Items held in a replay table.")
                .labelNames("task", "table")
                .callback(cb -> store.tables().forEach(t -> cb.call(t.size(), task, t.name()))).register(registry);
        GaugeWithCallback.builder().name("takeover_replay_stored_bytes")
                .help("Bytes of the items and transition records held in a replay table.")
                .labelNames("task", "table")
                .callback(cb -> store.tables().forEach(t -> cb.call(t.bytes(), task, t.name()))).register(registry);
        counter(registry, store, "takeover_replay_inserts", "Items inserted into a replay table.", Table::inserted);
        counter(registry, store, "takeover_replay_samples", "Items sampled from a replay table.", Table::sampled);
        counter(registry, store, "takeover_replay_evictions", "Items the remover took out of a replay table.",
                Table::evicted);
        counter(registry, store, "takeover_replay_corrupt_items", "Damaged stored items skipped while sampling.",
                Table::corrupt);
        CounterWithCallback.builder().name("takeover_replay_rate_limited_seconds")
                .help("Time sampling waited on a replay table's rate limiter.").labelNames("task", "table")
                .callback(cb -> store.tables().forEach(t -> cb.call(t.limiter().waitedSeconds(), task, t.name())))
                .register(registry);
        GaugeWithCallback.builder().name("takeover_replay_ingest_lag_records")
                .help("Transitions on the Kafka topic not yet in the replay (-1 before the first poll).")
                .labelNames("task").callback(cb -> cb.call(ingest.lag(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_replay_ingest_refused")
                .help("Transitions refused by ingest: unreadable or of the wrong dimensions.").labelNames("task")
                .callback(cb -> cb.call(ingest.refused(), task)).register(registry);
    }

    private static void counter(PrometheusRegistry registry, ReplayStore store, String name, String help,
            java.util.function.ToLongFunction<Table> value) {
        String task = store.settings().task();
        CounterWithCallback.builder().name(name).help(help).labelNames("task", "table")
                .callback(cb -> store.tables().forEach(t -> cb.call(value.applyAsLong(t), task, t.name())))
                .register(registry);
    }
}
