package io.takeover.cluster;

import static io.takeover.cluster.Contract.at;
import static io.takeover.cluster.Contract.map;
import static io.takeover.cluster.Contract.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.cli.Takeover;
import io.takeover.flink.LabelJob;
import io.takeover.flink.LabelJobSettings;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaAccess;
import io.takeover.schemas.kafka.KafkaAccess.Part;
import java.io.IOException;
import java.io.Reader;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.RestOptions;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/compose/docker-compose.yml agrees with the code: commands, environment, topics, ports, mounts. */
class ComposeFileTest {

    private static final Path COMPOSE_DIR = Contract.ROOT.resolve("deploy/compose");
    private static final Path COMPOSE = COMPOSE_DIR.resolve("docker-compose.yml");
    private static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    /** The only super user: the broker itself and the one-shot setup and topics services. */
    private static final String ADMIN = "admin";
    /** KAFKA_* variables the apache/kafka image passes to the JVM instead of writing them to server.properties. */
    private static final Set<String> KAFKA_IMAGE_OWN = Set.of("KAFKA_OPTS", "KAFKA_HEAP_OPTS", "KAFKA_JMX_OPTS",
            "KAFKA_LOG4J_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS");
    /** A compose variable, ${NAME}, ${NAME:?message}, ${NAME:-default}: what secrets must be, never literals. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?-][^}]*)?}");
    /** ${env:NAME} of Kafka's EnvVarConfigProvider (any provider name), ${name} of a JAAS file (a system property). */
    private static final Pattern PROVIDED = Pattern.compile("\\$\\{(\\w+):([^}]*)}");
    /** The console's web UI: `takeover console --port`, published on the host as the same port. */
    private static final int CONSOLE_PORT = 8080;
    private static Map<String, Object> services;

    @BeforeAll
    static void parse() throws Exception {
        services = map(Contract.yaml(COMPOSE).get(0).get("services"));
    }

    @Test
    void everyPartOfTheLoopHasAService() {
        assertTrue(services.keySet().containsAll(Set.of("kafka", "topics", "jobmanager", "taskmanager", "learner",
                "fleet", "console", "prometheus", "grafana")), "services: " + services.keySet());
    }

    @Test
    void takeoverContainersRunRealCommandsWithEnvironmentTheyRead() {
        Set<String> commands = new TreeSet<>();
        for (String name : services.keySet()) {
            // policy-keys runs `takeover keys generate` from a shell: theLearnerSignsAndTheFleetTrustsItsPublicKeyOnly
            if (String.valueOf(at(services.get(name), "image")).startsWith("takeover:")
                    && at(services.get(name), "entrypoint") == null) {
                List<String> command = strings(at(services.get(name), "command"));
                Contract.checkTakeoverContainer("service " + name, command, environment(name));
                commands.add(command.isEmpty() ? "" : command.get(0));
            }
        }
        assertEquals(Set.of("topics", "learner", "fleet", "console"), commands, "the takeover image's commands");
    }

    @Test
    void everyClientUsesTheBrokersAdvertisedListener() {
        String listener = kafkaListener().address();
        for (String name : List.of("topics", "learner", "fleet", "console")) {
            assertEquals(listener, environment(name).get("TAKEOVER_BOOTSTRAP"), "service " + name);
        }
        assertEquals(listener, labelJob().bootstrapServers(), "the label job's --bootstrap-servers");
    }

    @Test
    void theBrokerAuthenticatesEveryListenerAndAuthorizesEveryRequest() throws IOException {
        Map<String, String> kafka = environment("kafka");
        Map<String, String> protocols = new TreeMap<>();
        for (String entry : kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(",")) {
            String[] nameProtocol = entry.trim().split(":");
            protocols.put(nameProtocol[0], nameProtocol[1]);
        }
        for (String listener : kafka.get("KAFKA_LISTENERS").split(",")) {
            String name = listener.trim().substring(0, listener.trim().indexOf("://"));
            assertTrue(String.valueOf(protocols.get(name)).startsWith("SASL_"), "listener " + name + " authenticates: "
                    + protocols.get(name));
        }
        assertEquals(AUTHORIZER, kafka.get("KAFKA_AUTHORIZER_CLASS_NAME"), "the broker enforces ACLs");
        assertEquals(Set.of("User:" + ADMIN), Set.of(kafka.get("KAFKA_SUPER_USERS").split(";")), "one super user");
        assertFalse("true".equalsIgnoreCase(kafka.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND")), "no ACL, no access");
        for (Listener listener : List.of(kafkaListener(), externalListener())) {
            String mechanisms = kafka.getOrDefault("KAFKA_LISTENER_NAME_" + listener.name() + "_SASL_ENABLED_MECHANISMS",
                    kafka.get("KAFKA_SASL_ENABLED_MECHANISMS"));
            assertTrue(Arrays.asList(String.valueOf(mechanisms).split(",")).contains("SCRAM-SHA-512"),
                    "users log in with SCRAM-SHA-512 on listener " + listener.name());
        }
        // the image writes KAFKA_* to server.properties but drops values holding '=' (a JAAS line): those go in a file
        kafka.forEach((name, value) -> assertTrue(!name.startsWith("KAFKA_") || KAFKA_IMAGE_OWN.contains(name)
                || !value.contains("="), "the apache/kafka image drops " + name + ", its value holds '='"));

        // the broker's JAAS file: PLAIN for admin, SCRAM for the users; its password a system property, not a literal
        Map<String, String> jvm = systemProperties(kafka.get("KAFKA_OPTS"));
        String jaas = Files.readString(hostFile("kafka", jvm.get("java.security.auth.login.config")));
        assertTrue(jaas.contains("org.apache.kafka.common.security.scram.ScramLoginModule"), "SCRAM users log in");
        assertTrue(jaas.contains("org.apache.kafka.common.security.plain.PlainLoginModule"), "admin logs in");
        Matcher secrets = Pattern.compile("(password|user_\\w+)=\"([^\"]*)\"").matcher(jaas);
        int found = 0;
        while (secrets.find()) {
            Matcher property = Pattern.compile("\\$\\{([\\w.]+)}").matcher(secrets.group(2));
            assertTrue(property.matches(), "the broker's JAAS file holds no password: " + secrets.group());
            assertTrue(VARIABLE.matcher(String.valueOf(jvm.get(property.group(1)))).matches(),
                    "-D" + property.group(1) + " comes from the environment (.env), not the compose file");
            found++;
        }
        assertTrue(jaas.contains("user_" + ADMIN + "="), "PLAIN knows " + ADMIN);
        assertTrue(found >= 2, "admin's password, as client and as server");
    }

    @Test
    void eachPartsUserHoldsExactlyWhatKafkaAccessGrantsIt() throws IOException {
        Setup setup = setup();
        assertEquals(Arrays.stream(Part.values()).map(Part::user).collect(Collectors.toSet()), setup.passwords.keySet(),
                "one SCRAM-SHA-512 user per part, named as its user");
        assertEquals(setup.passwords.keySet(), setup.grants.keySet(), "ACLs for exactly those users");
        for (Part part : Part.values()) {
            List<KafkaAccess.Grant> acls = setup.grants.get(part.user());
            List<KafkaAccess.Grant> wanted = KafkaAccess.grants(part, Topics.DEFAULT);
            assertEquals(new HashSet<>(wanted), new HashSet<>(acls), "User:" + part.user() + " holds KafkaAccess.grants");
            assertEquals(wanted.size(), acls.size(), "User:" + part.user() + ": no ACL twice");
            String variable = environment("kafka-setup").get(setup.passwords.get(part.user()));
            assertNotNull(variable, "kafka-setup sets " + setup.passwords.get(part.user()));
            assertTrue(VARIABLE.matcher(variable).matches(), "the password of " + part.user() + " comes from the "
                    + "environment (.env), not the compose file: " + variable);
        }
    }

    @Test
    void eachPartLogsInAsItsOwnUser() throws IOException {
        Setup setup = setup();
        String protocol = kafkaListener().protocol();
        Map<String, Part> parts = Map.of("learner", Part.LEARNER, "fleet", Part.ROBOT, "jobmanager", Part.LABEL_JOB,
                "taskmanager", Part.LABEL_JOB, "console", Part.CONSOLE);
        String labelJobConfig = labelJobArgument("--kafka-config");
        assertNotNull(labelJobConfig, "the label job's --kafka-config");
        for (Map.Entry<String, Part> e : parts.entrySet()) {
            String service = e.getKey();
            Part part = e.getValue();
            Map<String, String> env = environment(service);
            String path = service.equals("jobmanager") || service.equals("taskmanager") ? labelJobConfig
                    : env.get("TAKEOVER_KAFKA_CONFIG");
            assertNotNull(path, service + ": TAKEOVER_KAFKA_CONFIG");
            Properties config = properties(hostFile(service, path));
            assertEquals(protocol, config.getProperty("security.protocol"), service + ": the listener's protocol");
            assertEquals("SCRAM-SHA-512", config.getProperty("sasl.mechanism"), service);
            String jaas = config.getProperty("sasl.jaas.config", "");
            assertTrue(jaas.startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required"), service);
            String user = provided(service, config, env, jaasOption(jaas, "username"));
            assertEquals(part.user(), user, service + " logs in as " + part.user());
            String password = provided(service, config, env, jaasOption(jaas, "password"));
            assertEquals(variable(environment("kafka-setup").get(setup.passwords.get(part.user()))),
                    variable(password), service + ": the password kafka-setup gives " + part.user());
        }

        // the topics service and the broker's healthcheck run as admin, with the broker's admin password
        Map<String, String> topics = environment("topics");
        Properties admin = properties(hostFile("topics", topics.get("TAKEOVER_KAFKA_CONFIG")));
        assertEquals(protocol, admin.getProperty("security.protocol"));
        assertEquals("PLAIN", admin.getProperty("sasl.mechanism"));
        String jaas = admin.getProperty("sasl.jaas.config", "");
        assertEquals(ADMIN, jaasOption(jaas, "username"));
        String adminPassword = systemProperties(environment("kafka").get("KAFKA_OPTS")).get("takeover.admin.password");
        assertEquals(variable(adminPassword), variable(provided("topics", admin, topics, jaasOption(jaas, "password"))),
                "topics logs in with the broker's admin password");
        List<String> healthcheck = strings(at(services.get("kafka"), "healthcheck", "test"));
        String commandConfig = healthcheck.get(healthcheck.indexOf("--command-config") + 1);
        assertEquals(hostFile("topics", topics.get("TAKEOVER_KAFKA_CONFIG")), hostFile("kafka", commandConfig),
                "the healthcheck logs in as admin");
        assertEquals(variable(adminPassword), variable(provided("kafka", admin, environment("kafka"),
                jaasOption(jaas, "password"))), "the healthcheck logs in with the broker's admin password");
    }

    @Test
    void theLearnerSignsAndTheFleetTrustsItsPublicKeyOnly() {
        String keyFile = environment("learner").get("TAKEOVER_SIGNING_KEY");
        assertNotNull(keyFile, "the learner signs its policies: TAKEOVER_SIGNING_KEY");
        String signingVolume = volumeAt("learner", keyFile);
        String trusted = environment("fleet").get("TAKEOVER_TRUSTED_KEYS");
        assertNotNull(trusted, "robots run only signed policies: TAKEOVER_TRUSTED_KEYS");
        String trustedVolume = volumeAt("fleet", trusted);
        assertFalse(trustedVolume.equals(signingVolume), "the fleet's keys are not the learner's");
        for (String service : services.keySet()) {
            if (!service.equals("learner") && !service.equals("policy-keys")) {
                assertFalse(mounts(service).containsValue(signingVolume), service + " must not hold the signing key");
                assertFalse(environment(service).containsKey("TAKEOVER_SIGNING_KEY"), service);
            }
        }

        // policy-keys makes the key pair on the signing volume and copies the public key to the trusted one
        String script = String.join(" ", strings(at(services.get("policy-keys"), "command")));
        Matcher generate = Pattern.compile("io\\.takeover\\.cli\\.Takeover (keys generate[^;&|]*)").matcher(script);
        assertTrue(generate.find(), "policy-keys runs takeover keys generate: " + script);
        List<String> args = Arrays.asList(generate.group(1).trim().split("\\s+"));
        Takeover.commandLine().parseArgs(args.toArray(String[]::new)); // arguments the command accepts
        String out = args.get(args.indexOf("--out") + 1);
        String name = args.get(args.indexOf("--name") + 1);
        assertEquals(signingVolume, volumeAt("policy-keys", out), "policy-keys writes to the learner's key volume");
        assertEquals(keyFile, containerPath("learner", signingVolume) + "/" + name + ".key",
                "the learner signs with the key policy-keys made");
        String trustedDir = containerPath("policy-keys", trustedVolume);
        assertTrue(script.contains("cp " + out + "/" + name + ".pub " + trustedDir),
                "policy-keys copies the public key where the fleet reads trusted keys: " + script);
    }

    @Test
    void theConsoleServesPort8080WithAUsersFileKeptOutOfGit() throws IOException {
        List<String> command = strings(at(services.get("console"), "command"));
        assertEquals("console", command.get(0));
        assertEquals(String.valueOf(CONSOLE_PORT), Contract.argument(command, "--port"), "takeover console --port");
        assertTrue(strings(at(services.get("console"), "ports")).contains(CONSOLE_PORT + ":" + CONSOLE_PORT),
                "the console publishes port " + CONSOLE_PORT + ": " + at(services.get("console"), "ports"));
        Contract.checkConsoleListensOnAllAddresses("service console", command, environment("console"));

        // its users file: named by --users and the environment, on a host folder beside the compose file whose
        // .gitignore keeps the file (credentials) out of git; the file itself is yours (deploy/README.md)
        String users = Contract.argument(command, "--users");
        assertNotNull(users, "takeover console --users");
        assertEquals(users, environment("console").get("TAKEOVER_CONSOLE_USERS"),
                "TAKEOVER_CONSOLE_USERS is the --users file");
        Map.Entry<String, String> mount = mounts("console").entrySet().stream()
                .filter(m -> users.startsWith(m.getKey() + "/")).findFirst()
                .orElseThrow(() -> new AssertionError("console has nothing mounted above " + users));
        assertTrue(mount.getValue().startsWith("./"), "the users file is on a folder beside the compose file: "
                + mount.getValue());
        Path folder = COMPOSE_DIR.resolve(mount.getValue()).normalize();
        assertTrue(Files.isDirectory(folder), "console mounts " + folder + ", which is not a folder in git");
        String file = users.substring(mount.getKey().length() + 1);
        Path ignore = folder.resolve(".gitignore");
        assertTrue(Files.isRegularFile(ignore) && Files.readAllLines(ignore).contains(file),
                ignore + " keeps " + file + " out of git");
        assertTrue(strings(at(services.get("console"), "volumes")).stream()
                .filter(v -> v.split(":")[1].equals(mount.getKey())).allMatch(v -> v.endsWith(":ro")),
                "the console mounts its users read-only");
    }

    @Test
    void theConsoleCommandAcceptsItsArguments() {
        Contract.checkArguments("service console", strings(at(services.get("console"), "command")));
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

    /** The label job's settings, parsed by the job; its --kafka-config read from the file compose mounts there. */
    private LabelJobSettings labelJob() {
        List<String> command = strings(at(services.get("jobmanager"), "command"));
        List<String> args = new ArrayList<>(command.subList(command.indexOf("--job-classname") + 2, command.size()));
        int config = args.indexOf("--kafka-config");
        if (config >= 0) {
            args.set(config + 1, hostFile("jobmanager", args.get(config + 1)).toString());
        }
        return Contract.labelJob("jobmanager", args);
    }

    private static String labelJobArgument(String name) {
        List<String> command = strings(at(services.get("jobmanager"), "command"));
        int i = command.indexOf(name);
        return i < 0 ? null : command.get(i + 1);
    }

    /** An advertised listener: its name, host:port and security protocol. */
    record Listener(String name, String address, String protocol) {}

    private static List<Listener> advertisedListeners() {
        Map<String, String> kafka = environment("kafka");
        Map<String, String> protocols = new TreeMap<>();
        for (String entry : kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(",")) {
            protocols.put(entry.trim().split(":")[0], entry.trim().split(":")[1]);
        }
        List<Listener> listeners = new ArrayList<>();
        for (String l : kafka.get("KAFKA_ADVERTISED_LISTENERS").split(",")) {
            String name = l.trim().substring(0, l.trim().indexOf("://"));
            listeners.add(new Listener(name, l.trim().substring(name.length() + 3), protocols.get(name)));
        }
        return listeners;
    }

    /** The listener compose's services reach the broker on: advertised as kafka:PORT. */
    private static Listener kafkaListener() {
        return advertisedListeners().stream().filter(l -> l.address().startsWith("kafka:")).findFirst().orElseThrow();
    }

    /** The listener robots outside compose reach: advertised as localhost:PORT. */
    private static Listener externalListener() {
        return advertisedListeners().stream().filter(l -> l.address().startsWith("localhost:")).findFirst()
                .orElseThrow();
    }

    /** The name of the compose variable {@code value} is (${NAME}, ${NAME:?message}): secrets come from .env. */
    private static String variable(String value) {
        Matcher m = VARIABLE.matcher(String.valueOf(value));
        assertTrue(m.matches(), "a secret from the environment (.env), not written in the compose file: " + value);
        return m.group(1);
    }

    /** The -Dname=value of a JVM options line. */
    private static Map<String, String> systemProperties(String options) {
        Map<String, String> properties = new TreeMap<>();
        for (String option : String.valueOf(options).trim().split("\\s+")) {
            if (option.startsWith("-D") && option.contains("=")) {
                properties.put(option.substring(2, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
            }
        }
        return properties;
    }

    /** The value of option {@code name} in a JAAS line: name="value". */
    private static String jaasOption(String jaas, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(jaas);
        assertTrue(m.find(), "no " + name + " in " + jaas);
        return m.group(1);
    }

    /** A client property's value as Kafka resolves it in {@code service}: ${env:NAME} read from the service's environment. */
    private static String provided(String service, Properties config, Map<String, String> env, String value) {
        Matcher m = PROVIDED.matcher(value);
        if (!m.matches()) {
            return value;
        }
        String provider = m.group(1);
        assertTrue(Arrays.asList(config.getProperty("config.providers", "").split("\\s*,\\s*")).contains(provider),
                service + ": config.providers names " + provider);
        assertEquals(EnvVarConfigProvider.class.getName(), config.getProperty("config.providers." + provider + ".class"),
                service + ": " + value + " is read from the environment");
        String variable = m.group(2);
        String allowed = config.getProperty("config.providers." + provider + ".param.allowlist.pattern");
        assertTrue(allowed == null || variable.matches(allowed), service + ": " + variable + " is allowed by " + allowed);
        assertTrue(env.containsKey(variable), service + " sets " + variable + ", which its Kafka client properties read");
        return env.get(variable);
    }

    /** kafka/setup.sh, as kafka-setup runs it: each user's password variable and the ACLs it adds. */
    private record Setup(Map<String, String> passwords, Map<String, List<KafkaAccess.Grant>> grants) {}

    private static Setup setup() throws IOException {
        List<String> entrypoint = strings(at(services.get("kafka-setup"), "entrypoint"));
        Path script = hostFile("kafka-setup", entrypoint.get(entrypoint.size() - 1));
        Map<String, String> passwords = new TreeMap<>();
        Map<String, List<KafkaAccess.Grant>> grants = new TreeMap<>();
        for (String line : Files.readAllLines(script)) {
            List<String> words = Arrays.stream(line.trim().split("\\s+")).map(w -> w.replaceAll("^\"|\"$", "")).toList();
            if (words.get(0).equals("user") && words.size() == 3) {
                assertTrue(words.get(2).matches("\\$\\{?\\w+}?"), "the password of " + words.get(1) + " is a variable");
                passwords.put(words.get(1), words.get(2).replaceAll("[${}]", ""));
            } else if (words.get(0).equals("acl")) {
                acl(line, words.subList(1, words.size()), grants);
            }
        }
        assertTrue(Files.readString(script).contains("--add \"$@\""), "acl() adds what its lines say");
        return new Setup(passwords, grants);
    }

    /** One kafka-acls.sh --add line: every resource named, for every operation named. */
    private static void acl(String line, List<String> args, Map<String, List<KafkaAccess.Grant>> grants) {
        String principal = null;
        PatternType pattern = PatternType.LITERAL;
        List<AclOperation> operations = new ArrayList<>();
        List<Map.Entry<ResourceType, String>> resources = new ArrayList<>();
        for (int i = 0; i < args.size(); i += 2) {
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--allow-principal" -> principal = value;
                case "--operation" -> operations.add(AclOperation.valueOf(
                        value.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)));
                case "--resource-pattern-type" -> pattern = PatternType.valueOf(value.toUpperCase(Locale.ROOT));
                case "--topic" -> resources.add(Map.entry(ResourceType.TOPIC, value));
                case "--group" -> resources.add(Map.entry(ResourceType.GROUP, value));
                case "--transactional-id" -> resources.add(Map.entry(ResourceType.TRANSACTIONAL_ID, value));
                default -> throw new AssertionError("setup.sh: unexpected " + args.get(i) + " in: " + line);
            }
        }
        assertTrue(principal != null && principal.startsWith("User:"), "an allowed user in: " + line);
        assertFalse(operations.isEmpty() || resources.isEmpty(), "operations and resources in: " + line);
        List<KafkaAccess.Grant> of = grants.computeIfAbsent(principal.substring("User:".length()), u -> new ArrayList<>());
        for (Map.Entry<ResourceType, String> resource : resources) {
            for (AclOperation operation : operations) {
                of.add(new KafkaAccess.Grant(resource.getKey(), resource.getValue(), pattern, operation));
            }
        }
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        return properties;
    }

    /** The file on this machine that {@code service} sees at {@code containerPath}, through a bind mount. */
    private static Path hostFile(String service, String containerPath) {
        for (Map.Entry<String, String> mount : mounts(service).entrySet()) {
            String dir = mount.getKey();
            String host = mount.getValue();
            if (host.startsWith(".") || host.startsWith("/")) {
                if (containerPath.equals(dir) || containerPath.startsWith(dir + "/")) {
                    Path file = COMPOSE_DIR.resolve(host + containerPath.substring(dir.length())).normalize();
                    assertTrue(Files.isRegularFile(file), service + " mounts " + file + ", which does not exist");
                    return file;
                }
            }
        }
        throw new AssertionError(service + " has no file mounted at " + containerPath);
    }

    /** The named volume {@code service} sees {@code containerPath} on. */
    private static String volumeAt(String service, String containerPath) {
        return mounts(service).entrySet().stream()
                .filter(m -> !m.getValue().startsWith(".") && !m.getValue().startsWith("/"))
                .filter(m -> containerPath.equals(m.getKey()) || containerPath.startsWith(m.getKey() + "/"))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(service + " has no volume at " + containerPath));
    }

    /** Where {@code service} mounts the named volume. */
    private static String containerPath(String service, String volume) {
        return mounts(service).entrySet().stream().filter(m -> m.getValue().equals(volume)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError(service + " does not mount " + volume));
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
