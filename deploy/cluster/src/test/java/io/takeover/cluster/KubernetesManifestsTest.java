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
import io.takeover.schemas.kafka.KafkaAccess;
import io.takeover.schemas.kafka.KafkaAccess.Part;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every manifest in deploy/k8s parses and agrees with the code and with the other manifests. */
class KubernetesManifestsTest {

    private static final Path K8S = Contract.ROOT.resolve("deploy/k8s");
    private static final List<Map<String, Object>> RESOURCES = new ArrayList<>();
    /** Users' ACLs name consumer groups and transactional ids by prefix (takeover.robot-), which read like topics. */
    private static final String USERS = "users.yaml";
    private static final String SIGNING_KEY = "takeover-policy-signing-key";
    private static final String TRUSTED_KEYS = "takeover-policy-trusted-keys";
    /** The console's own users (operators, MLOps): a Secret of yours, deploy/README.md "Console". */
    private static final String CONSOLE_USERS = "takeover-console-users";
    /** The console's web UI: `takeover console --port`, its container port and its Service's port. */
    private static final int CONSOLE_PORT = 8080;
    /** A Kafka config provider reference, ${provider:path:key}. */
    private static final Pattern PROVIDED = Pattern.compile("\\$\\{(\\w+):([^:}]*):([^}]*)}");

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
        Object internal = list(at(kafka, "spec", "kafka", "listeners")).stream()
                .filter(l -> "internal".equals(at(l, "type"))).findFirst().orElseThrow();
        String bootstrap = name(kafka) + "-kafka-bootstrap:" + at(internal, "port");
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
        Set<String> commands = new TreeSet<>();
        for (Map<String, Object> container : takeoverContainers()) {
            Map<String, String> env = env(container);
            String where = "container " + container.get("name");
            List<String> args = strings(container.get("args"));
            Contract.checkTakeoverContainer(where, args, env);
            Object metrics = port(container, "metrics");   // the console serves none
            assertEquals(env.get("TAKEOVER_METRICS_PORT"), metrics == null ? null : String.valueOf(metrics), where);
            commands.add(args.isEmpty() ? "" : args.get(0));
        }
        assertEquals(Set.of("learner", "fleet", "console"), commands, "the takeover containers' commands");

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
    void everyListenerIsTlsAndAuthenticatesAndKafkaAuthorizes() {
        Map<String, Object> kafka = one("Kafka");
        List<Object> listeners = list(at(kafka, "spec", "kafka", "listeners"));
        for (Object listener : listeners) {
            String where = "listener " + at(listener, "name");
            assertEquals(Boolean.TRUE, at(listener, "tls"), where + " encrypts (tls: true)");
            assertEquals("scram-sha-512", at(listener, "authentication", "type"), where + " authenticates users");
        }
        assertTrue(listeners.stream().anyMatch(l -> "internal".equals(at(l, "type"))), "an internal listener");
        assertTrue(listeners.stream().anyMatch(l -> Set.of("loadbalancer", "nodeport", "ingress", "route")
                .contains(String.valueOf(at(l, "type")))), "an external listener for robots outside the cluster");
        assertEquals("simple", at(kafka, "spec", "kafka", "authorization", "type"), "ACLs are enforced");
        assertNotNull(at(kafka, "spec", "entityOperator", "userOperator"), "the User Operator applies the KafkaUsers");
    }

    @Test
    void eachPartsKafkaUserHoldsExactlyWhatKafkaAccessGrantsIt() {
        String cluster = name(one("Kafka"));
        Map<String, Map<String, Object>> users = ofKind("KafkaUser").stream()
                .collect(Collectors.toMap(KubernetesManifestsTest::name, u -> u));
        assertEquals(Arrays.stream(Part.values()).map(Part::user).collect(Collectors.toSet()), users.keySet(),
                "one KafkaUser per part, named as its user (the principal is User:<name>)");
        for (Part part : Part.values()) {
            Map<String, Object> user = users.get(part.user());
            String where = "KafkaUser " + part.user();
            assertEquals(cluster, at(user, "metadata", "labels", "strimzi.io/cluster"), where);
            assertEquals("scram-sha-512", at(user, "spec", "authentication", "type"), where);
            assertEquals("simple", at(user, "spec", "authorization", "type"), where);
            List<KafkaAccess.Grant> acls = grants(where, list(at(user, "spec", "authorization", "acls")));
            List<KafkaAccess.Grant> wanted = KafkaAccess.grants(part, Topics.DEFAULT);
            assertEquals(new HashSet<>(wanted), new HashSet<>(acls), where + ": its ACLs are KafkaAccess.grants");
            assertEquals(wanted.size(), acls.size(), where + ": no ACL twice");
        }
    }

    @Test
    void eachPartLogsInAsItsOwnUserOverTlsWithTheClusterCa() throws IOException {
        String kafka = name(one("Kafka"));
        Map<Part, Pod> parts = Map.of(Part.ROBOT, takeoverPod("fleet"), Part.LEARNER, takeoverPod("learner"),
                Part.LABEL_JOB, labelJobPod(), Part.CONSOLE, takeoverPod("console"));
        Set<String> userSecrets = Arrays.stream(Part.values()).map(Part::user).collect(Collectors.toSet());
        for (Map.Entry<Part, Pod> e : parts.entrySet()) {
            Part part = e.getKey();
            Pod pod = e.getValue();
            String where = part.user() + " (" + pod.where + ")";
            assertNotNull(pod.kafkaConfig, where + ": no client properties (TAKEOVER_KAFKA_CONFIG / --kafka-config)");
            Properties config = clientProperties(pod, pod.kafkaConfig, where);
            assertEquals("SASL_SSL", config.getProperty("security.protocol"), where);
            assertEquals("SCRAM-SHA-512", config.getProperty("sasl.mechanism"), where);
            assertEquals("PEM", config.getProperty("ssl.truststore.type"), where);
            assertEquals(new Mounted("Secret", kafka + "-cluster-ca-cert", "ca.crt"),
                    pod.resolve(config.getProperty("ssl.truststore.location")), where + ": trusts the cluster CA");
            assertFalse(config.containsKey("bootstrap.servers"), where + ": the bootstrap is the command's");

            // the JAAS login is read from the part's own KafkaUser Secret by the DirectoryConfigProvider
            Matcher jaas = PROVIDED.matcher(String.valueOf(config.getProperty("sasl.jaas.config")));
            assertTrue(jaas.matches(), where + ": sasl.jaas.config comes from a config provider: "
                    + config.getProperty("sasl.jaas.config"));
            String provider = jaas.group(1);
            assertTrue(Arrays.asList(config.getProperty("config.providers", "").split("\\s*,\\s*")).contains(provider),
                    where + ": config.providers names " + provider);
            assertEquals(DirectoryConfigProvider.class.getName(),
                    config.getProperty("config.providers." + provider + ".class"), where);
            assertEquals("sasl.jaas.config", jaas.group(3), where + ": the key Strimzi writes the JAAS login under");
            assertEquals(new Mounted("Secret", part.user(), null), pod.resolve(jaas.group(2)),
                    where + ": its own KafkaUser's Secret is the directory read");
            String allowed = config.getProperty("config.providers." + provider + ".param.allowed.paths");
            if (allowed != null) {
                assertTrue(Arrays.asList(allowed.split("\\s*,\\s*")).contains(jaas.group(2)),
                        where + ": allowed.paths lets the provider read " + jaas.group(2));
            }
            Set<String> users = pod.secrets().stream().filter(userSecrets::contains).collect(Collectors.toSet());
            assertEquals(Set.of(part.user()), users, where + ": mounts its own user's Secret, no other's");
        }
    }

    @Test
    void theLearnerSignsWithItsPrivateKeyAndTheFleetTrustsPublicKeysOnly() {
        Pod learner = takeoverPod("learner");
        String key = learner.env.get("TAKEOVER_SIGNING_KEY");
        assertNotNull(key, "the learner signs its policies: TAKEOVER_SIGNING_KEY");
        Mounted signing = learner.resolve(key);
        assertEquals("Secret", signing.kind(), "the learner's signing key is a Secret");
        assertEquals(SIGNING_KEY, signing.name());
        assertNotNull(signing.key(), "TAKEOVER_SIGNING_KEY names a file of " + SIGNING_KEY);

        Pod fleet = takeoverPod("fleet");
        String trusted = fleet.env.get("TAKEOVER_TRUSTED_KEYS");
        assertNotNull(trusted, "robots run only signed policies: TAKEOVER_TRUSTED_KEYS");
        for (String path : trusted.split(",")) {
            Mounted keys = fleet.resolve(path.trim());
            assertEquals(TRUSTED_KEYS, keys.name(), "the fleet trusts the keys of " + TRUSTED_KEYS);
            assertEquals(null, keys.key(), "TAKEOVER_TRUSTED_KEYS is the directory (every *.pub in it)");
        }

        for (Pod pod : List.of(fleet, labelJobPod(), takeoverPod("console"))) {
            assertFalse(pod.secrets().contains(SIGNING_KEY), pod.where + " must not hold the signing key");
            assertFalse(pod.env.containsKey("TAKEOVER_SIGNING_KEY"), pod.where);
        }
    }

    @Test
    void theConsoleServesPort8080WithTheUsersOfItsSecret() {
        Pod console = takeoverPod("console");
        List<String> args = strings(console.container.get("args"));
        assertEquals(String.valueOf(CONSOLE_PORT), Contract.argument(args, "--port"), "takeover console --port");
        assertEquals(CONSOLE_PORT, port(console.container, "http"), "the console's container port http");
        Contract.checkConsoleListensOnAllAddresses("container " + console.container.get("name"), args, console.env);

        // its users file: the key users of the Secret takeover-console-users, named by --users and the environment
        String users = Contract.argument(args, "--users");
        assertNotNull(users, "takeover console --users");
        assertEquals(users, console.env.get("TAKEOVER_CONSOLE_USERS"), "TAKEOVER_CONSOLE_USERS is the --users file");
        assertEquals(new Mounted("Secret", CONSOLE_USERS, "users"), console.resolve(users),
                "the users file is the key users of " + CONSOLE_USERS);

        // its own KafkaUser's Secret, the cluster CA and its users; no other user's, no policy key
        String kafka = name(one("Kafka"));
        assertEquals(Set.of(Part.CONSOLE.user(), kafka + "-cluster-ca-cert", CONSOLE_USERS), console.secrets(),
                "the Secrets the console mounts");

        // one Service, port 8080, reaching the container's port 8080
        Map<String, Object> podLabels = map(at(ofKind("Deployment").stream().filter(d -> containers(map(at(d, "spec",
                "template"))).contains(console.container)).findFirst().orElseThrow(), "spec", "template", "metadata",
                "labels"));
        List<Map<String, Object>> services = ofKind("Service").stream()
                .filter(s -> matches(map(at(s, "spec", "selector")), podLabels)).toList();
        assertEquals(1, services.size(), "one Service selects the console's pods");
        List<Object> ports = list(at(services.get(0), "spec", "ports"));
        assertEquals(1, ports.size(), name(services.get(0)) + ": the console's one port");
        assertEquals(CONSOLE_PORT, at(ports.get(0), "port"), name(services.get(0)) + " port");
        Object target = at(ports.get(0), "targetPort") == null ? at(ports.get(0), "port") : at(ports.get(0), "targetPort");
        Object containerPort = target instanceof String named ? port(console.container, named) : target;
        assertEquals(CONSOLE_PORT, containerPort, name(services.get(0)) + " targets the console's port " + target);
    }

    @Test
    void theConsoleCommandAcceptsItsArguments() {
        Pod console = takeoverPod("console");
        Contract.checkArguments("container " + console.container.get("name"), strings(console.container.get("args")));
    }

    @Test
    void topicNamesAreTheContracts() throws Exception {
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.toList()) {
                // users.yaml names groups and transactional ids too; its ACLs are KafkaAccess's (tested above)
                if (!file.getFileName().toString().equals(USERS)) {
                    Contract.checkTopicNames(file);
                }
            }
        }
    }

    /** Strimzi's ACL rules as KafkaAccess grants: one per resource and operation. */
    private static List<KafkaAccess.Grant> grants(String where, List<Object> acls) {
        List<KafkaAccess.Grant> grants = new ArrayList<>();
        for (Object acl : acls) {
            assertTrue(at(acl, "type") == null || "allow".equals(at(acl, "type")), where + ": allow rules only");
            assertTrue(at(acl, "host") == null || "*".equals(at(acl, "host")), where + ": from any host");
            ResourceType type = switch (String.valueOf(at(acl, "resource", "type"))) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                case "cluster" -> ResourceType.CLUSTER;
                default -> throw new AssertionError(where + ": unknown resource type " + at(acl, "resource", "type"));
            };
            String name = type == ResourceType.CLUSTER ? "kafka-cluster" : String.valueOf(at(acl, "resource", "name"));
            PatternType pattern = switch (String.valueOf(at(acl, "resource", "patternType"))) {
                case "literal", "null" -> PatternType.LITERAL;
                case "prefix" -> PatternType.PREFIXED;
                default -> throw new AssertionError(where + ": unknown pattern " + at(acl, "resource", "patternType"));
            };
            List<String> operations = strings(at(acl, "operations"));
            assertFalse(operations.isEmpty(), where + ": operations of " + acl);
            for (String operation : operations) {
                // Strimzi writes IdempotentWrite where Kafka's enum says IDEMPOTENT_WRITE
                grants.add(new KafkaAccess.Grant(type, name, pattern, AclOperation.valueOf(
                        operation.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT))));
            }
        }
        return grants;
    }

    /** What a path in a container is: a key of a mounted ConfigMap or Secret, or (key null) the whole of one. */
    record Mounted(String kind, String name, String key) {}

    /** A pod's container as far as Kafka and keys go: its environment, its Kafka client file, what it mounts. */
    private static final class Pod {
        final String where;
        final Map<String, Object> spec;
        final Map<String, Object> container;
        final Map<String, String> env;
        final String kafkaConfig;

        Pod(String where, Map<String, Object> spec, Map<String, Object> container, String kafkaConfig) {
            this.where = where;
            this.spec = spec;
            this.container = container;
            this.env = env(container);
            this.kafkaConfig = kafkaConfig;
        }

        Mounted resolve(String path) {
            assertNotNull(path, where + ": a path");
            for (Object mount : list(container.getOrDefault("volumeMounts", List.of()))) {
                String dir = String.valueOf(at(mount, "mountPath"));
                if (path.equals(dir) || path.startsWith(dir + "/")) {
                    assertTrue(at(mount, "subPath") == null, where + ": no subPath mounts (they miss updates)");
                    String rest = path.equals(dir) ? null : path.substring(dir.length() + 1);
                    Object volume = list(spec.getOrDefault("volumes", List.of())).stream()
                            .filter(v -> at(mount, "name").equals(at(v, "name"))).findFirst()
                            .orElseThrow(() -> new AssertionError(where + ": no volume " + at(mount, "name")));
                    String kind = at(volume, "configMap") != null ? "ConfigMap" : at(volume, "secret") != null
                            ? "Secret" : "other";
                    Object source = kind.equals("ConfigMap") ? at(volume, "configMap") : at(volume, "secret");
                    String name = String.valueOf(kind.equals("ConfigMap") ? at(source, "name") : at(source, "secretName"));
                    String key = rest;
                    Object items = at(source, "items");
                    if (rest != null && items != null) {
                        key = list(items).stream().filter(i -> rest.equals(at(i, "path")))
                                .map(i -> String.valueOf(at(i, "key"))).findFirst()
                                .orElseThrow(() -> new AssertionError(where + ": " + path + " is not among the items "
                                        + "of " + name));
                    }
                    return new Mounted(kind, name, key);
                }
            }
            throw new AssertionError(where + ": nothing is mounted at " + path);
        }

        /** The Secrets this pod mounts. */
        Set<String> secrets() {
            return list(spec.getOrDefault("volumes", List.of())).stream().filter(v -> at(v, "secret") != null)
                    .map(v -> String.valueOf(at(v, "secret", "secretName"))).collect(Collectors.toSet());
        }
    }

    private static Pod takeoverPod(String command) {
        for (Map<String, Object> deployment : ofKind("Deployment")) {
            Map<String, Object> podSpec = map(at(deployment, "spec", "template", "spec"));
            for (Map<String, Object> c : containers(map(at(deployment, "spec", "template")))) {
                if (String.valueOf(c.get("image")).startsWith("takeover") && !strings(c.get("args")).isEmpty()
                        && strings(c.get("args")).get(0).equals(command)) {
                    return new Pod(command, podSpec, c, env(c).get("TAKEOVER_KAFKA_CONFIG"));
                }
            }
        }
        throw new AssertionError("no Deployment runs `takeover " + command + "`");
    }

    private static Pod labelJobPod() {
        Map<String, Object> deployment = one("FlinkDeployment");
        Map<String, Object> podSpec = map(at(deployment, "spec", "podTemplate", "spec"));
        Map<String, Object> container = containers(map(at(deployment, "spec", "podTemplate"))).stream()
                .filter(c -> c.get("name").equals("flink-main-container")).findFirst().orElseThrow();
        List<String> args = strings(at(deployment, "spec", "job", "args"));
        int i = args.indexOf("--kafka-config");
        return new Pod("label job", podSpec, container, i < 0 ? null : args.get(i + 1));
    }

    /** The client properties a pod reads at {@code path}: a key of a ConfigMap among the manifests. */
    private static Properties clientProperties(Pod pod, String path, String where) {
        Mounted file = pod.resolve(path);
        assertEquals("ConfigMap", file.kind(), where + ": the client properties are a ConfigMap");
        assertNotNull(file.key(), where + ": " + path + " names a file");
        Map<String, Object> configMap = ofKind("ConfigMap").stream().filter(c -> file.name().equals(name(c)))
                .findFirst().orElseThrow(() -> new AssertionError(where + ": no ConfigMap " + file.name()));
        Object text = at(configMap, "data", file.key());
        assertNotNull(text, where + ": ConfigMap " + file.name() + " has no " + file.key());
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(String.valueOf(text)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** The label job's settings, parsed by the job from its arguments; its --kafka-config file read from the ConfigMap. */
    private static LabelJobSettings labelJob() {
        List<String> args = new ArrayList<>(strings(at(one("FlinkDeployment"), "spec", "job", "args")));
        int i = args.indexOf("--kafka-config");
        if (i >= 0) {
            Pod pod = labelJobPod();
            Properties properties = clientProperties(pod, args.get(i + 1), "label job");
            try {
                Path copy = Files.createTempFile("label-job-kafka", ".properties");
                copy.toFile().deleteOnExit();
                try (var out = Files.newBufferedWriter(copy)) {
                    properties.store(out, "the label job's --kafka-config, from its ConfigMap");
                }
                args.set(i + 1, copy.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Contract.labelJob("FlinkDeployment", args);
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
