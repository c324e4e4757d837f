package io.takeover.runtime.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The label job's checkpoints, as Flink's REST API reports them, under names Prometheus
 * expects (Flink's own reporter exports them only in camelCase): the latest completed
 * checkpoint's end-to-end duration, its incremental size and the full state size, and how many
 * checkpoints completed and failed. Read when scraped, at most once a second. On a cluster the
 * job is found by name among the JobManager's running jobs (a restarted job gets a new id).
 */
public final class CheckpointMetrics {

    /** The label job's name on its Flink cluster (the flink-jobs module's {@code LabelJob.NAME}). */
    public static final String LABEL_JOB_NAME = "takeover-label";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String restUrl;
    private final boolean fixedJob;
    private String jobId;
    private JsonNode last;
    private long lastRead;

    private CheckpointMetrics(String restUrl, String jobId) {
        this.restUrl = restUrl.replaceAll("/+$", "");
        this.fixedJob = jobId != null;
        this.jobId = jobId;
    }

    /** The checkpoints of the job with this id, on the Flink REST API at this port of this host. */
    public static void register(PrometheusRegistry registry, int restPort, String jobId) {
        register(registry, new CheckpointMetrics("http://localhost:" + restPort, jobId));
    }

    /** The checkpoints of the running label job on the Flink cluster whose REST API is at this URL. */
    public static void register(PrometheusRegistry registry, String flinkRestUrl) {
        register(registry, new CheckpointMetrics(flinkRestUrl, null));
    }

    private static void register(PrometheusRegistry registry, CheckpointMetrics source) {
        GaugeWithCallback.builder().name("takeover_label_job_last_checkpoint_duration_seconds")
                .help("End-to-end duration of the label job's latest completed checkpoint.")
                .callback(cb -> source.latest(c -> cb.call(c.path("end_to_end_duration").asDouble() / 1000)))
                .register(registry);
        GaugeWithCallback.builder().name("takeover_label_job_last_checkpoint_size_bytes")
                .help("Bytes the label job's latest completed checkpoint wrote (incremental).")
                .callback(cb -> source.latest(c -> cb.call(c.path("checkpointed_size").asDouble())))
                .register(registry);
        GaugeWithCallback.builder().name("takeover_label_job_state_bytes")
                .help("Full state size of the label job at its latest completed checkpoint.")
                .callback(cb -> source.latest(c -> cb.call(c.path("state_size").asDouble()))).register(registry);
        CounterWithCallback.builder().name("takeover_label_job_checkpoints_completed")
                .help("Checkpoints of the label job that completed.")
                .callback(cb -> source.counts(c -> cb.call(c.path("completed").asDouble()))).register(registry);
        CounterWithCallback.builder().name("takeover_label_job_checkpoints_failed")
                .help("Checkpoints of the label job that failed.")
                .callback(cb -> source.counts(c -> cb.call(c.path("failed").asDouble()))).register(registry);
    }

    private void latest(Consumer<JsonNode> f) {
        JsonNode completed = read().path("latest").path("completed");
        if (completed.isObject()) {
            f.accept(completed);
        }
    }

    private void counts(Consumer<JsonNode> f) {
        JsonNode counts = read().path("counts");
        if (counts.isObject()) {
            f.accept(counts);
        }
    }

    private synchronized JsonNode read() {
        if (last == null || System.nanoTime() - lastRead > 1_000_000_000L) {
            try {
                if (!fixedJob) {
                    jobId = runningLabelJob();
                }
                JsonNode checkpoints = jobId == null ? null : get("/jobs/" + jobId + "/checkpoints");
                last = checkpoints == null ? JSON.missingNode() : checkpoints;
            } catch (Exception e) {
                last = JSON.missingNode(); // the job is starting or gone: no checkpoint figures in this scrape
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            lastRead = System.nanoTime();
        }
        return last;
    }

    private String runningLabelJob() throws Exception {
        JsonNode overview = get("/jobs/overview");
        if (overview != null) {
            for (JsonNode job : overview.path("jobs")) {
                if (LABEL_JOB_NAME.equals(job.path("name").asText()) && "RUNNING".equals(job.path("state").asText())) {
                    return job.path("jid").asText();
                }
            }
        }
        return null;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(restUrl + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }
}
