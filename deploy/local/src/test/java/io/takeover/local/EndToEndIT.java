package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.Control;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.wire.Codecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop in one JVM: embedded Kafka, the label job on a MiniCluster, replay, learner and
 * four simulated robots. What a user would check: every takeover is labelled exactly once on the
 * right step, robots act with newer policies, and bad input is dead-lettered without stopping
 * the job.
 */
class EndToEndIT {

    private static final Topics TOPICS = new Topics("fleet7.");

    @Test
    @Timeout(180)
    void takeoversAreLabelledOnceOnTheRightStepAndRobotsPickUpNewPolicies(@TempDir Path dir) throws Exception {
        // a deployment of its own on a shared cluster: its own topic prefix, client properties from a file
        Path clientConfig = dir.resolve("client.properties");
        Files.writeString(clientConfig, "client.dns.lookup=use_all_dns_ips\nrequest.timeout.ms=20000\n");
        LocalSettings settings = LocalSettings.in(dir).robots(4).kafkaPort(0).hz(50).minReplaySize(300).publishEvery(25)
                .batchSize(64).seed(7).metricsPort(0).jobMetricsPorts("9249-9299")
                .kafka(TOPICS, KafkaConnection.clientPropertiesIn(clientConfig)).build();
        try (LocalStack stack = LocalStack.start(settings)) {
            String kafka = stack.bootstrapServers();
            produceGarbageStep(kafka);

            Await.until(Duration.ofSeconds(120), "every robot to act with policy version >= 2",
                    () -> stack.fleet().robots().stream().allMatch(r -> r.policyVersion() >= 2));
            long ticks = stack.fleet().ticks();
            Await.until(Duration.ofSeconds(30), "robots to act a while longer",
                    () -> stack.fleet().ticks() >= ticks + 150);
            String[] scrapes = awaitEveryQueriedMetric(stack);
            checkMetrics(scrapes[0]);
            checkMetrics(scrapes[1]);
            stack.stopFleet();

            List<Step> steps = TopicReader.readRaw(kafka, TOPICS.steps()).stream()
                    .filter(r -> !"robot-x".equals(new String(r.key(), StandardCharsets.UTF_8)))
                    .map(r -> Codecs.STEP.decode(r.value())).collect(Collectors.toCollection(ArrayList::new));
            List<Intervention> interventions =
                    TopicReader.readAll(kafka, TOPICS.interventions(), Codecs.INTERVENTION);
            Instant lastStep = steps.stream().map(Step::getEventTime).max(Comparator.naturalOrder()).orElseThrow();
            // Once the fleet stops the watermark stops too: judge what lies well before the end.
            Instant horizon = lastStep.minusSeconds(5);
            Await.until(Duration.ofSeconds(30), "labels up to the horizon for every robot", () -> {
                Map<String, Instant> newest = new HashMap<>();
                for (Transition t : TopicReader.readAll(kafka, TOPICS.transitions(), Codecs.TRANSITION)) {
                    newest.merge(t.getRobotId(), t.getEventTime(), (a, b) -> a.isAfter(b) ? a : b);
                }
                return newest.size() == 4 && newest.values().stream().allMatch(t -> t.isAfter(horizon));
            });
            List<Transition> transitions = TopicReader.readAll(kafka, TOPICS.transitions(), Codecs.TRANSITION);

            assertEveryTakeoverLabelledOnceOnTheRightStep(steps, interventions, transitions, horizon);
            assertRobotsActWithNewerVersions(steps);
            assertGarbageWasDeadLettered(kafka);
            try (Admin admin = Admin.create(stack.connection().clientProperties())) {
                Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertTrue(topics.containsAll(List.of(TOPICS.steps(), TOPICS.policies(), TOPICS.transitions())),
                        "the deployment's own topics: " + topics);
                assertTrue(topics.stream().noneMatch(t -> t.startsWith(Topics.DEFAULT_PREFIX)),
                        "nothing under the default prefix: " + topics);
            }
        }
    }

    private static void assertEveryTakeoverLabelledOnceOnTheRightStep(List<Step> steps,
            List<Intervention> interventions, List<Transition> transitions, Instant horizon) {
        Map<String, Long> perTransition = transitions.stream().collect(Collectors.groupingBy(
                t -> t.getRobotId() + "|" + t.getEpisodeId() + "|" + t.getStep(), Collectors.counting()));
        perTransition.forEach((key, count) -> assertEquals(1L, count, "transition " + key + " emitted " + count + "x"));
        for (Transition t : transitions) {
            assertEquals(t.getTakeover() ? -1f : 0f, t.getReward(), "reward of " + t.getEpisodeId() + "#" + t.getStep());
        }

        // Ground truth from the robots themselves: the step right before the first one the
        // operator controls, which is the step taken at the TAKEOVER's event time.
        Map<String, Step> stepAt = new HashMap<>();
        for (Step s : steps) {
            stepAt.put(s.getRobotId() + "|" + s.getEventTime().toEpochMilli(), s);
        }
        List<String> expected = new ArrayList<>();
        for (Intervention iv : interventions) {
            if (iv.getKind() != InterventionKind.TAKEOVER || !iv.getEventTime().isBefore(horizon)) {
                continue;
            }
            Step first = stepAt.get(iv.getRobotId() + "|" + iv.getEventTime().toEpochMilli());
            assertEquals(Control.OPERATOR, first.getControl(), "the step at a TAKEOVER is the operator's");
            expected.add(iv.getRobotId() + "|" + first.getEpisodeId() + "|" + (first.getStep() - 1));
        }
        List<String> labelled = transitions.stream().filter(Transition::getTakeover)
                .filter(t -> t.getEventTime().isBefore(horizon.minusSeconds(1)))
                .map(t -> t.getRobotId() + "|" + t.getEpisodeId() + "|" + t.getStep()).sorted().toList();
        List<String> expectedBeforeHorizon = expected.stream().filter(k -> !k.endsWith("|-1")).sorted().toList();
        assertTrue(expectedBeforeHorizon.size() >= 3, "the operators took over a few times: " + expected.size());
        assertTrue(expectedBeforeHorizon.containsAll(labelled), "labelled takeovers the robots never had: "
                + labelled.stream().filter(k -> !expectedBeforeHorizon.contains(k)).toList());
        List<String> labelledAll = transitions.stream().filter(Transition::getTakeover)
                .map(t -> t.getRobotId() + "|" + t.getEpisodeId() + "|" + t.getStep()).toList();
        assertTrue(labelledAll.containsAll(expectedBeforeHorizon), "takeovers without their −1 transition: "
                + expectedBeforeHorizon.stream().filter(k -> !labelledAll.contains(k)).toList());
        for (Transition t : transitions) {
            if (t.getTakeover()) {
                assertEquals(Control.POLICY, t.getSource(), "the −1 goes to the policy's transition");
            }
        }
    }

    private static void assertRobotsActWithNewerVersions(List<Step> steps) {
        Map<String, List<Step>> byRobot = steps.stream().collect(Collectors.groupingBy(Step::getRobotId));
        assertEquals(4, byRobot.size());
        byRobot.forEach((robot, own) -> {
            own.sort(Comparator.comparing(Step::getEventTime));
            long previous = 0;
            for (Step s : own) {
                assertTrue(s.getPolicyVersion() >= previous, robot + " went back from v" + previous);
                previous = s.getPolicyVersion();
            }
            assertTrue(previous >= 2, robot + "'s later steps carry version >= 2, last was v" + previous);
        });
    }

    private static void assertGarbageWasDeadLettered(String kafka) {
        List<DeadLetter> deadLetters = TopicReader.readAll(kafka, TOPICS.deadLetters(), Codecs.DEAD_LETTER);
        assertEquals(1, deadLetters.size(), "one bad record, one dead letter");
        DeadLetter d = deadLetters.get(0);
        assertEquals(TOPICS.steps(), d.getSourceTopic());
        assertEquals("NOT_SINGLE_OBJECT", d.getReason());
        assertEquals("not a step", StandardCharsets.UTF_8.decode(d.getValue()).toString());
        assertTrue(d.getMessage().contains("C3 01"), d.getMessage());
    }

    private static void produceGarbageStep(String kafka) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.steps(), "robot-x".getBytes(StandardCharsets.UTF_8),
                    "not a step".getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    /**
     * Waits until every metric a dashboard panel or alert rule queries is served (fleet statistics
     * need closed windows); returns the two scrapes: the components', the label job's.
     */
    private static String[] awaitEveryQueriedMetric(LocalStack stack) throws Exception {
        java.util.Set<String> queried = MonitoringConfig.queriedMetrics();
        java.util.Set<String> missing = new java.util.TreeSet<>(queried);
        String[] scrapes = new String[2];
        try {
            Await.until(Duration.ofSeconds(60), "every metric the dashboards and alerts query to be served", () -> {
                try {
                    scrapes[0] = scrape(stack.metricsPort());
                    scrapes[1] = labelJobScrape();
                } catch (Exception | AssertionError e) {
                    return false;
                }
                missing.clear();
                missing.addAll(queried);
                missing.removeAll(MonitoringConfig.scrapedMetrics(scrapes[0]));
                missing.removeAll(MonitoringConfig.scrapedMetrics(scrapes[1]));
                return missing.isEmpty();
            });
        } catch (AssertionError e) {
            throw new AssertionError("dashboards and alerts query metrics nothing serves: " + missing, e);
        }
        return scrapes;
    }

    private static String scrape(int port) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** Flink's reporter takes the first free port of the range; the label job's is the one with its metrics. */
    private static String labelJobScrape() {
        for (int port = 9249; port <= 9299; port++) {
            try {
                String text = scrape(port);
                if (text.contains("pipeline_steps_in")) {
                    return text;
                }
            } catch (Exception e) {
                // nothing there
            }
        }
        throw new AssertionError("no label job metrics on ports 9249-9299");
    }

    /** A scrape well-formed and named by Prometheus conventions, by promtool when it is installed. */
    private static void checkMetrics(String text) throws Exception {
        Path promtool = AlertRulesTest.promtool();
        if (promtool == null) {
            System.out.println("promtool not installed: metric names and format not checked by it");
            return;
        }
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = check.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String verdict = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "promtool finished");
        assertEquals(0, check.exitValue(), "promtool check metrics: " + verdict);
    }
}
