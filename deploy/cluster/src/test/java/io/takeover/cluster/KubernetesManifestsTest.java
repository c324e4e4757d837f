package io.takeover.cluster;

import static io.takeover.cluster.Contract.at;
import static io.takeover.cluster.Contract.list;
import static io.takeover.cluster.Contract.map;
import static io.takeover.cluster.Contract.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.flink.LabelJob;
import io.takeover.flink.LabelJobSettings;
import io.takeover.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every manifest in deploy/k8s parses and agrees with the code and with the other manifests. */
class KubernetesManifestsTest {

    private static final Path K8S = Contract.ROOT.resolve("deploy/k8s");
    private static final List<Map<String, Object>> RESOURCES = new ArrayList<>();

    @BeforeAll
    static void parse() throws Exception {
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    RESOURCES.addAll(Contract.yaml(file));
                }
            }
        }
    }

    @Test
    void everyManifestIsAResourceAndTheKustomizationListsEveryFile() throws Exception {
        for (Map<String, Object> r : RESOURCES) {
            assertNotNull(r.get("apiVersion"), "apiVersion of " + r);
            assertNotNull(r.get("kind"), "kind of " + r);
            assertNotNull(at(r, "metadata", "name"), "metadata.name of a " + r.get("kind"));
            if (!r.get("kind").equals("Namespace")) {
                assertEquals("takeover", at(r, "metadata", "namespace"), "namespace of " + name(r));
            }
        }
        Set<String> listed = new TreeSet<>(strings(Contract.yaml(K8S.resolve("kustomization.yaml")).get(0)
                .get("resources")));
        try (Stream<Path> files = Files.list(K8S)) {
            assertEquals(files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new)), listed);
        }
    }

    @Test
    void kafkaTopicsAreTheContractsWithTheCodesSettings() {
        List<Map<String, Object>> topics = ofKind("KafkaTopic");
        Map<String, Map<String, Object>> byName = topics.stream()
                .collect(Collectors.toMap(t -> String.valueOf(at(t, "spec", "topicName")), t -> t));
        assertEquals(Contract.topicNames(), byName.keySet());
        String cluster = name(one("Kafka"));
        int dataPartitions = (Integer) at(byName.get(Topics.DEFAULT.steps()), "spec", "partitions");
        for (Topics.Spec spec : Topics.DEFAULT.specs(dataPartitions)) {
            Map<String, Object> topic = byName.get(spec.name());
            assertEquals(cluster, at(topic, "metadata", "labels", "strimzi.io/cluster"), spec.name());
            assertEquals(spec.partitions(), at(topic, "spec", "partitions"), "partitions of " + spec.name());
            Map<String, String> config = new LinkedHashMap<>();
            map(at(topic, "spec", "config")).forEach((k, v) -> config.put(k, String.valueOf(v)));
            assertEquals(spec.configs(), config, "config of " + spec.name());
        }
        assertEquals("compact", at(byName.get(Topics.DEFAULT.policies()), "spec", "config", "cleanup.policy"));

        // every subtask of the label job's sources gets a partition of steps to read
        assertTrue(dataPartitions >= labelJob().parallelism(), dataPartitions + " partitions for parallelism "
                + labelJob().parallelism());
    }

    @Test
    void everyClientUsesTheStrimziBootstrapService() {
        Map<String, Object> kafka = one("Kafka");
        Object plain = list(at(kafka, "spec", "kafka", "listeners")).stream()
                .filter(l -> Boolean.FALSE.equals(at(l, "tls"))).findFirst().orElseThrow();
        String bootstrap = name(kafka) + "-kafka-bootstrap:" + at(plain, "port");
        for (Map<String, Object> container : takeoverContainers()) {
            assertEquals(bootstrap, env(container).get("TAKEOVER_BOOTSTRAP"), "container " + container.get("name"));
        }
        assertEquals(bootstrap, labelJob().bootstrapServers(), "the label job's --bootstrap-servers");
        assertEquals("4.2.2", at(kafka, "spec", "kafka", "version"), "the Kafka version the clients are built with");
    }

    @Test
    void theLabelJobHasRocksDbIncrementalDurableCheckpointsAndARestartStrategy() {
        Map<String, Object> deployment = one("FlinkDeployment");
        Map<String, Object> conf = map(at(deployment, "spec", "flinkConfiguration"));
        LabelJobSettings job = labelJob();
        assertEquals("rocksdb", conf.get("state.backend.type"));
        assertEquals("true", conf.get("execution.checkpointing.incremental"));
        assertEquals(job.checkpointDir(), conf.get("execution.checkpointing.dir"));
        assertFalse(job.checkpointDir().startsWith("file:"), "checkpoints must outlive the pods: " + job.checkpointDir());
        assertNotNull(conf.get("restart-strategy.type"), "a restart strategy");
        assertEquals(Contract.entryClass(), at(deployment, "spec", "job", "entryClass"));
        assertEquals(job.parallelism(), at(deployment, "spec", "job", "parallelism"));
        assertTrue(String.valueOf(at(deployment, "spec", "job", "jarURI")).startsWith("local:///opt/flink/usrlib/"),
                "the job jar the label-job image carries");
        assertEquals(LabelJob.METRICS_FILTER, conf.get("metrics.reporter.prom.filter.includes"));
        Map<String, Object> flinkContainer = list(at(deployment, "spec", "podTemplate", "spec", "containers")).stream()
                .map(Contract::map).filter(c -> c.get("name").equals("flink-main-container")).findFirst().orElseThrow();
        assertEquals(conf.get("metrics.reporter.prom.port"), String.valueOf(port(flinkContainer, "metrics")));
    }

    @Test
    void theLearnerTrainsOnAGpuAndEveryTakeoverContainerIsConsistent() {
        int checked = 0;
        for (Map<String, Object> container : takeoverContainers()) {
            Map<String, String> env = env(container);
            String where = "container " + container.get("name");
            Contract.checkTakeoverContainer(where, strings(container.get("args")), env);
            assertEquals(env.get("TAKEOVER_METRICS_PORT"), String.valueOf(port(container, "metrics")), where);
            checked++;
        }
        assertEquals(2, checked, "learner and fleet");

        Map<String, Object> learner = takeoverContainers().stream().filter(c -> strings(c.get("args")).get(0)
                .equals("learner")).findFirst().orElseThrow();
        assertEquals("gpu", env(learner).get("TAKEOVER_DEVICE"));
        assertEquals(1, at(learner, "resources", "limits", "nvidia.com/gpu"), "the learner requests one GPU");
        assertTrue(String.valueOf(learner.get("image")).startsWith("takeover-gpu:"), "DJL's CUDA engine image");
        assertEquals("http://" + name(one("FlinkDeployment")) + "-rest:8081", env(learner).get("TAKEOVER_FLINK_REST"),
                "the Flink operator's REST service");
    }

    @Test
    void prometheusScrapesEveryPartOnAPortItServes() {
        List<Map<String, Object>> services = ofKind("Service");
        for (Map<String, Object> monitor : ofKind("ServiceMonitor")) {
            Map<String, Object> labels = map(at(monitor, "spec", "selector", "matchLabels"));
            Map<String, Object> service = services.stream().filter(s -> matches(labels, at(s, "metadata", "labels")))
                    .findFirst().orElseThrow(() -> new AssertionError(name(monitor) + " selects no Service"));
            for (Object endpoint : list(at(monitor, "spec", "endpoints"))) {
                String portName = String.valueOf(at(endpoint, "port"));
                Object servicePort = list(at(service, "spec", "ports")).stream()
                        .filter(p -> portName.equals(at(p, "name"))).findFirst()
                        .orElseThrow(() -> new AssertionError(name(service) + " has no port " + portName));
                Map<String, Object> selector = map(at(service, "spec", "selector"));
                List<Map<String, Object>> pods = podTemplates().stream()
                        .filter(p -> matches(selector, at(p, "metadata", "labels"))).toList();
                assertFalse(pods.isEmpty(), name(service) + " selects no pods");
                for (Map<String, Object> pod : pods) {
                    assertTrue(containers(pod).stream().anyMatch(c -> at(servicePort, "port").equals(port(c, portName))),
                            name(service) + " port " + portName + " is served by its pods");
                }
            }
        }
        Map<String, Object> podMonitor = one("PodMonitor");
        Map<String, Object> labels = map(at(podMonitor, "spec", "selector", "matchLabels"));
        Map<String, Object> flinkPods = map(at(one("FlinkDeployment"), "spec", "podTemplate"));
        assertTrue(matches(labels, at(flinkPods, "metadata", "labels")), "the PodMonitor selects the label job's pods");
        for (Object endpoint : list(at(podMonitor, "spec", "podMetricsEndpoints"))) {
            String portName = String.valueOf(at(endpoint, "port"));
            assertTrue(containers(flinkPods).stream().anyMatch(c -> port(c, portName) != null),
                    "the label job's pods name a port " + portName);
        }
        assertEquals(2, ofKind("ServiceMonitor").size(), "learner and fleet");
    }

    @Test
    void topicNamesAreTheContracts() throws Exception {
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.toList()) {
                Contract.checkTopicNames(file);
            }
        }
    }

    private static LabelJobSettings labelJob() {
        return Contract.labelJob("FlinkDeployment", strings(at(one("FlinkDeployment"), "spec", "job", "args")));
    }

    private static List<Map<String, Object>> ofKind(String kind) {
        return RESOURCES.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    private static Map<String, Object> one(String kind) {
        List<Map<String, Object>> all = ofKind(kind);
        assertEquals(1, all.size(), "one " + kind);
        return all.get(0);
    }

    private static String name(Map<String, Object> resource) {
        return String.valueOf(at(resource, "metadata", "name"));
    }

    /** Pod templates of the Deployments and of the FlinkDeployment. */
    private static List<Map<String, Object>> podTemplates() {
        List<Map<String, Object>> pods = new ArrayList<>();
        ofKind("Deployment").forEach(d -> pods.add(map(at(d, "spec", "template"))));
        pods.add(map(at(one("FlinkDeployment"), "spec", "podTemplate")));
        return pods;
    }

    private static List<Map<String, Object>> containers(Map<String, Object> pod) {
        return list(at(pod, "spec", "containers")).stream().map(Contract::map).toList();
    }

    private static List<Map<String, Object>> takeoverContainers() {
        return ofKind("Deployment").stream().flatMap(d -> containers(map(at(d, "spec", "template"))).stream())
                .filter(c -> String.valueOf(c.get("image")).startsWith("takeover")).toList();
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object e : list(container.get("env"))) {
            env.put(String.valueOf(at(e, "name")), String.valueOf(at(e, "value")));
        }
        return env;
    }

    private static Object port(Map<String, Object> container, String name) {
        Object ports = container.get("ports");
        return ports == null ? null : list(ports).stream().filter(p -> name.equals(at(p, "name")))
                .map(p -> at(p, "containerPort")).findFirst().orElse(null);
    }

    private static boolean matches(Map<String, Object> selector, Object labels) {
        return labels instanceof Map<?, ?> l && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(l.get(e.getKey())));
    }
}
