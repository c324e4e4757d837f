package io.takeover.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code deploy/cluster/start.sh} as a user runs it: a Kafka broker, a Flink JobManager and
 * TaskManager, the learner and the fleet, each its own process; the label job submitted by
 * Flink's client to the session cluster. It passes when the robots act with a policy the
 * separate learner published and the job's checkpoints complete; {@code stop.sh} then leaves
 * none of the processes running; started again on the same directory, the label job resumes
 * from its checkpoint, the replay keeps what it held and the learner numbers on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeparateProcessesIT {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path RUN_DIR = Path.of("target/separate-processes").toAbsolutePath();
    private static final Duration DEADLINE = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Map<String, Integer> PORTS = new HashMap<>();
    private static final List<Long> PIDS = new ArrayList<>();

    @BeforeAll
    static void startAll() throws Exception {
        deleteRecursively(RUN_DIR);
        for (String port : List.of("KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "FLINK_RPC_PORT", "FLINK_REST_PORT",
                "LEARNER_METRICS_PORT", "FLEET_METRICS_PORT", "FLINK_METRICS_PORT")) {
            PORTS.put(port, freePort());
        }
        startScript();
    }

    @AfterAll
    static void stopAll() throws Exception {
        stopScript();
    }

    @Test
    @Order(1)
    void robotsActWithThePolicyTheSeparateLearnerPublishedAndCheckpointsComplete() throws Exception {
        assertEquals(5, PIDS.size(), "kafka, jobmanager, taskmanager, learner and fleet each have a pid");
        assertEquals(5, PIDS.stream().distinct().count());

        // every robot acts with a version >= 1, which only the learner process publishes
        await("every robot acting with a published policy (see target/separate-processes/logs)", () ->
                metric(fleetMetrics(), "takeover_robots_oldest_policy_version").orElse(0) >= 1);
        double published = metric(learnerMetrics(), "takeover_learner_policy_version").orElse(0);
        double onRobots = metric(fleetMetrics(), "takeover_robots_newest_policy_version").orElse(0);
        assertTrue(onRobots >= 1 && onRobots <= published,
                "robots act with v" + onRobots + ", the learner has published up to v" + published);

        String jobId = jobId();
        await("completed checkpoints of the label job on the session cluster", () ->
                json(flink("/jobs/" + jobId + "/checkpoints")).path("counts").path("completed").asInt() >= 2);
        JsonNode job = json(flink("/jobs/" + jobId));
        assertEquals("RUNNING", job.path("state").asText(), "the label job runs on the cluster");
        assertEquals("takeover-label", job.path("name").asText());
        assertTrue(json(flink("/taskmanagers")).path("taskmanagers").size() >= 1);

        // the learner process learns from what the cluster's label job wrote, and serves its checkpoints
        assertTrue(metric(learnerMetrics(), "takeover_replay_items").orElse(0) > 0, "the replay holds labelled transitions");
        assertTrue(metric(learnerMetrics(), "takeover_label_job_checkpoints_completed_total").orElse(0) >= 2,
                "the learner serves the label job's checkpoint figures from the JobManager");
    }

    @Test
    @Order(2)
    void startedAgainEverythingResumesWhereItStopped() throws Exception {
        double replayed = metric(learnerMetrics(), "takeover_replay_items").orElse(0);
        double version = metric(learnerMetrics(), "takeover_learner_policy_version").orElse(0);
        String stoppedJob = jobId();
        stopScript();
        startScript();

        String jobId = jobId();
        assertNotEquals(stoppedJob, jobId, "a new job, restored");
        await("the label job restored from its latest checkpoint", () ->
                json(flink("/jobs/" + jobId + "/checkpoints")).path("latest").path("restored").isObject());
        String restored = json(flink("/jobs/" + jobId + "/checkpoints")).path("latest").path("restored")
                .path("external_path").asText();
        assertTrue(restored.contains(stoppedJob + "/chk-"), "restored from the stopped job's checkpoint: " + restored);
        assertTrue(metric(learnerMetrics(), "takeover_replay_items").orElse(0) >= replayed,
                "the replay kept its " + replayed + " transitions");
        await("robots acting with a version the resumed learner published after v" + version, () ->
                metric(fleetMetrics(), "takeover_robots_oldest_policy_version").orElse(0) > version);
    }

    private static void startScript() throws Exception {
        ProcessBuilder start = new ProcessBuilder(ROOT.resolve("deploy/cluster/start.sh").toString(), RUN_DIR.toString())
                .directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Files.createDirectories(RUN_DIR).resolve("start.out")
                        .toFile()));
        PORTS.forEach((name, port) -> start.environment().put(name, String.valueOf(port)));
        int flinkMetrics = PORTS.get("FLINK_METRICS_PORT");
        start.environment().put("FLINK_METRICS_PORTS", flinkMetrics + "-" + (flinkMetrics + 1));
        start.environment().put("ROBOTS", "4");
        start.environment().put("FLEET_ARGS", "--client-rack zone-a"); // a broker without racks: still the leader
        start.environment().put("LEARNER_ARGS", "--critics 2 --batch-size 128 --min-replay 300 --publish-every 100");
        Process script = start.start();
        boolean done = script.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        if (!done) {
            script.destroyForcibly();
        }
        assertTrue(done && script.exitValue() == 0, "start.sh did not finish well:\n"
                + Files.readString(RUN_DIR.resolve("start.out")));
        PIDS.clear();
        try (Stream<Path> pidFiles = Files.list(RUN_DIR.resolve("pids"))) {
            for (Path pidFile : pidFiles.toList()) {
                PIDS.add(Long.parseLong(Files.readString(pidFile).trim()));
            }
        }
    }

    /** stop.sh, and then none of the processes start.sh started is alive. */
    private static void stopScript() throws Exception {
        Process stop = new ProcessBuilder(ROOT.resolve("deploy/cluster/stop.sh").toString(), RUN_DIR.toString())
                .redirectErrorStream(true).redirectOutput(RUN_DIR.resolve("stop.out").toFile()).start();
        assertTrue(stop.waitFor(2, TimeUnit.MINUTES), "stop.sh did not finish within 2 minutes");
        System.out.print(Files.readString(RUN_DIR.resolve("stop.out")));
        for (long pid : PIDS) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "process " + pid + " still runs after stop.sh");
        }
    }

    private static String jobId() throws IOException {
        return Files.readString(RUN_DIR.resolve("job-id")).trim();
    }

    private static String learnerMetrics() {
        return "http://localhost:" + PORTS.get("LEARNER_METRICS_PORT") + "/metrics";
    }

    private static String fleetMetrics() {
        return "http://localhost:" + PORTS.get("FLEET_METRICS_PORT") + "/metrics";
    }

    private static String flink(String path) {
        return "http://localhost:" + PORTS.get("FLINK_REST_PORT") + path;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            Thread.sleep(500);
        }
    }

    /** The sum over all label sets of a metric in Prometheus' text format; empty if not served (yet). */
    private static OptionalDouble metric(String url, String name) {
        String text = get(url);
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(text == null ? "" : text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
            found = true;
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }

    private static JsonNode json(String url) {
        try {
            String body = get(url);
            return body == null ? JSON.missingNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
