package io.takeover.cluster;

import static io.takeover.cluster.Contract.at;
import static io.takeover.cluster.Contract.map;
import static io.takeover.cluster.Contract.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.flink.LabelJob;
import io.takeover.flink.LabelJobSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/compose/docker-compose.yml agrees with the code: commands, environment, topics, ports, mounts. */
class ComposeFileTest {

    private static final Path COMPOSE_DIR = Contract.ROOT.resolve("deploy/compose");
    private static final Path COMPOSE = COMPOSE_DIR.resolve("docker-compose.yml");
    private static Map<String, Object> services;

    @BeforeAll
    static void parse() throws Exception {
        services = map(Contract.yaml(COMPOSE).get(0).get("services"));
    }

    @Test
    void everyPartOfTheLoopHasAService() {
        assertTrue(services.keySet().containsAll(Set.of("kafka", "topics", "jobmanager", "taskmanager", "learner",
                "fleet", "prometheus", "grafana")), "services: " + services.keySet());
    }

    @Test
    void takeoverContainersRunRealCommandsWithEnvironmentTheyRead() {
        int checked = 0;
        for (String name : services.keySet()) {
            if (String.valueOf(at(services.get(name), "image")).startsWith("takeover:")) {
                Contract.checkTakeoverContainer("service " + name, strings(at(services.get(name), "command")),
                        environment(name));
                checked++;
            }
        }
        assertEquals(3, checked, "topics, learner and fleet run the takeover image");
    }

    @Test
    void everyClientUsesTheBrokersAdvertisedListener() {
        String listener = kafkaListener();
        for (String name : List.of("topics", "learner", "fleet")) {
            assertEquals(listener, environment(name).get("TAKEOVER_BOOTSTRAP"), "service " + name);
        }
        assertEquals(listener, labelJob().bootstrapServers(), "the label job's --bootstrap-servers");
    }

    @Test
    void theLabelJobRunsInApplicationModeWithArgumentsItAccepts() {
        List<String> command = strings(at(services.get("jobmanager"), "command"));
        assertEquals("standalone-job", command.get(0));
        assertEquals(Contract.entryClass(), command.get(command.indexOf("--job-classname") + 1));
        assertEquals(List.of("taskmanager"), strings(at(services.get("taskmanager"), "command")));

        // checkpoints go to a volume both the JobManager and the TaskManager mount at that path
        String dir = labelJob().checkpointDir().replaceFirst("^file://", "");
        for (String flink : List.of("jobmanager", "taskmanager")) {
            assertTrue(strings(at(services.get(flink), "volumes")).stream().anyMatch(v -> v.endsWith(":" + dir)),
                    flink + " mounts " + dir + ", where the label job checkpoints");
        }
    }

    @Test
    void prometheusScrapesThePortsEveryPartServes() throws Exception {
        Map<String, Object> flink = flinkProperties("taskmanager");
        assertEquals(flink, flinkProperties("jobmanager"), "JobManager and TaskManager share their Flink settings");
        assertEquals(LabelJob.METRICS_FILTER, flink.get("metrics.reporter.prom.filter.includes"));
        Set<String> targets = scrapeTargets();
        assertEquals(Set.of("learner:" + environment("learner").get("TAKEOVER_METRICS_PORT"),
                "fleet:" + environment("fleet").get("TAKEOVER_METRICS_PORT"),
                "jobmanager:" + flink.get("metrics.reporter.prom.port"),
                "taskmanager:" + flink.get("metrics.reporter.prom.port")), targets);

        // the learner serves checkpoint figures read from the JobManager's REST API, on Flink's REST port
        assertEquals("http://jobmanager:" + RestOptions.PORT.defaultValue(), environment("learner").get("TAKEOVER_FLINK_REST"));
        assertTrue(strings(at(services.get("jobmanager"), "ports")).contains(
                RestOptions.PORT.defaultValue() + ":" + RestOptions.PORT.defaultValue()));
    }

    @Test
    void grafanaIsProvisionedFromDashboards() throws Exception {
        Map<String, String> mounts = mounts("grafana");
        String provisioned = String.valueOf(at(Contract.list(Contract.yaml(Contract.ROOT.resolve(
                "dashboards/provisioning/dashboards.yml")).get(0).get("providers")).get(0), "options", "path"));
        assertEquals(Contract.ROOT.resolve("dashboards"), COMPOSE_DIR.resolve(mounts.get(provisioned)).normalize(),
                "the dashboards folder is mounted where the provisioning looks");
        for (String file : List.of("datasources.yml", "dashboards.yml")) {
            assertTrue(mounts.values().stream().anyMatch(host -> host.endsWith("dashboards/provisioning/" + file)),
                    "grafana mounts dashboards/provisioning/" + file);
        }
        for (String host : mounts.values()) {
            assertTrue(Files.exists(COMPOSE_DIR.resolve(host)), "grafana mounts " + host + ", which does not exist");
        }
        String datasource = String.valueOf(at(Contract.list(Contract.yaml(Contract.ROOT.resolve(
                "dashboards/provisioning/datasources.yml")).get(0).get("datasources")).get(0), "url"));
        assertEquals("http://prometheus:9090", datasource);
        assertTrue(strings(at(services.get("prometheus"), "ports")).contains("9090:9090"));
    }

    @Test
    void topicNamesAreTheContracts() throws Exception {
        Contract.checkTopicNames(COMPOSE);
    }

    private LabelJobSettings labelJob() {
        List<String> command = strings(at(services.get("jobmanager"), "command"));
        List<String> args = command.subList(command.indexOf("--job-classname") + 2, command.size());
        return Contract.labelJob("jobmanager", args);
    }

    private String kafkaListener() {
        String advertised = environment("kafka").get("KAFKA_ADVERTISED_LISTENERS");
        return java.util.Arrays.stream(advertised.split(",")).filter(l -> l.startsWith("PLAINTEXT://"))
                .map(l -> l.substring("PLAINTEXT://".length())).findFirst().orElseThrow();
    }

    private static Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object node = at(services.get(service), "environment");
        if (node != null) {
            map(node).forEach((k, v) -> env.put(k, String.valueOf(v)));
        }
        return env;
    }

    /** FLINK_PROPERTIES as Flink's image reads it: "key: value" per line, the value taken as it is. */
    private static Map<String, Object> flinkProperties(String service) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String line : environment(service).get("FLINK_PROPERTIES").split("\n")) {
            int colon = line.indexOf(':');
            if (!line.isBlank() && colon > 0) {
                String value = line.substring(colon + 1).trim();
                assertFalse(value.startsWith("\"") || value.startsWith("'"),
                        service + ": FLINK_PROPERTIES values reach Flink with their quotes: " + line);
                properties.put(line.substring(0, colon).trim(), value);
            }
        }
        return properties;
    }

    /** Container path -> host path of a service's bind mounts. */
    private static Map<String, String> mounts(String service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (String volume : strings(at(services.get(service), "volumes"))) {
            String[] parts = volume.split(":");
            mounts.put(parts[1], parts[0]);
        }
        return mounts;
    }

    private Set<String> scrapeTargets() throws Exception {
        String config = mounts("prometheus").get("/etc/prometheus/prometheus.yml");
        Map<String, Object> prometheus = Contract.yaml(COMPOSE_DIR.resolve(config).normalize()).get(0);
        return Contract.list(prometheus.get("scrape_configs")).stream()
                .flatMap(job -> Contract.list(at(job, "static_configs")).stream())
                .flatMap(s -> strings(at(s, "targets")).stream()).collect(Collectors.toSet());
    }
}
