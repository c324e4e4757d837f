package io.takeover.replay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.replay.ingest.TransitionIngest;
import io.takeover.replay.sample.Batch;
import io.takeover.replay.store.BatchMix;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.TopicCreator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayMetricsIT {

    @Test
    void aScrapeShowsWhatTheTablesHoldAndDid(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            TopicCreator.createAll(kafka.connection(), 1);
            try (ReplayStore store = ReplayStore.open(ReplaySettings.defaults(dir.resolve("replay"), "pendulum", 3, 1,
                            100, 1).withMix(BatchMix.INTERVENTIONS));
                    TransitionIngest ingest = new TransitionIngest(kafka.connection(), store)) {
                PrometheusRegistry registry = new PrometheusRegistry();
                ReplayMetrics.register(registry, store, ingest);
                List<Transition> ts = Transitions.range(0, 150);
                store.insert(ts, Transitions.wire(ts), Map.of());
                store.sampler().sample(Batch.allocate(64, 3, 1), new Random(1));

                ByteArrayOutputStream out = new ByteArrayOutputStream();
                PrometheusTextFormatWriter.create().write(out, registry.scrape(),
                        io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
                String text = out.toString(StandardCharsets.UTF_8);
                for (String line : List.of(
                        "takeover_replay_items{table=\"online\",task=\"pendulum\"} 100.0",
                        "takeover_replay_items{table=\"intervention\",task=\"pendulum\"} 15.0",
                        "takeover_replay_inserts_total{table=\"online\",task=\"pendulum\"} 150.0",
                        "takeover_replay_evictions_total{table=\"online\",task=\"pendulum\"} 50.0",
                        "takeover_replay_samples_total{table=\"online\",task=\"pendulum\"} 43.0",
                        "takeover_replay_samples_total{table=\"intervention\",task=\"pendulum\"} 21.0",
                        "takeover_replay_ingest_lag_records{task=\"pendulum\"} -1.0")) {
                    assertTrue(text.contains(line), "missing " + line + " in\n" + text);
                }
                assertTrue(text.contains("takeover_replay_stored_bytes{table=\"online\",task=\"pendulum\"}"));
                assertTrue(text.contains("takeover_replay_rate_limited_seconds_total{"));
            }
        }
    }
}
