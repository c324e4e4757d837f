package io.takeover.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.console.auth.Credentials;
import io.takeover.console.auth.Role;
import io.takeover.console.auth.UsersFile;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Release;
import io.takeover.schemas.Step;
import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.TeleopKind;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.kafka.TopicReadout;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.wire.Codecs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console against a real broker, over real HTTP: nobody writes without signing in, each
 * write takes its role, and what is allowed reaches Kafka as the operator or MLOps user.
 */
class ConsoleAccessIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String TOKEN = Credentials.randomSecret();

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static KafkaConnection connection;
    static Console console;
    static String base;
    static final Instant NOW = Instant.ofEpochMilli(System.currentTimeMillis());

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        connection = KafkaConnection.to(kafka.bootstrapServers());
        TopicCreator.createAll(connection, 2, 1);
        TaskSpec pendulum = new TaskSpec("pendulum", 3, 1, new float[] {-2}, new float[] {2}, 200, 20)
                .withNames(List.of("cos_theta", "sin_theta", "theta_dot"), List.of("torque"));
        TaskRegistry.register(connection, pendulum, "test", DEADLINE);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(connection.clientProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String robot : List.of("robot-1", "arm-1")) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(connection.topics().steps(), robot, Codecs.STEP.encode(step(robot, i))));
                }
            }
        }
        Path users = dir.resolve("users");
        UsersFile.read(users).put("ana", Set.of(Role.OPERATOR), Credentials.hashPassword("ana-pw"))
                .put("bo", Set.of(Role.OPERATOR), Credentials.hashPassword("bo-pw"))
                .put("mo", Set.of(Role.MLOPS), Credentials.hashPassword("mo-pw"))
                .put("release-bot", Set.of(Role.MLOPS), Credentials.hashToken(TOKEN));
        console = Console.start(ConsoleSettings.of(connection, users).withPort(0));
        base = "http://127.0.0.1:" + console.port();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (console.fleet().lastStep("arm-1").isEmpty() || console.fleet().tasks().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the console never saw the robots' steps and task");
            Thread.sleep(50);
        }
    }

    static Step step(String robot, long i) {
        return Step.newBuilder().setRobotId(robot).setTask("pendulum").setEpisodeId(robot + "/e1").setStep(i)
                .setEventTime(NOW.plusMillis(50 * i)).setObservation(List.of(1f, 0f, 0f)).setAction(List.of(0f))
                .setPolicyVersion(1).setControl(Control.POLICY).setReward(null).setTerminated(false)
                .setTruncated(false).setSuccess(null).build();
    }

    @AfterAll
    static void stop() {
        if (console != null) {
            console.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void signIn(String user, String password) throws Exception {
        HttpResponse<String> response = post("/api/sign-in", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertEquals(200, response.statusCode(), response.body());
    }

    private static List<TeleopCommand> teleop() {
        List<TeleopCommand> out = new ArrayList<>();
        TopicReadout.read(connection, connection.topics().teleop(), DEADLINE,
                (key, value) -> out.add(Codecs.TELEOP_COMMAND.decode(value)));
        return out;
    }

    @Test
    void nothingIsWrittenWithoutSigningIn() throws Exception {
        int before = teleop().size();
        for (String path : List.of("/api/robots/robot-1/takeover", "/api/robots/robot-1/drive",
                "/api/robots/robot-1/handback", "/api/releases/pendulum/promote", "/api/releases/pendulum/rollback")) {
            HttpResponse<String> response = post(path, "{\"action\":[1.0],\"version\":1}");
            assertEquals(401, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().contains("sign in first"), response.body());
        }
        assertEquals(401, get("/api/fleet").statusCode(), "reading needs a sign-in too");
        assertEquals(401, get("/api/live").statusCode(), "and so does the live stream");
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/api/sign-in"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"user\":\"ana\",\"password\":\"ana-pw\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode(), "no other site's form signs anyone in");
        assertEquals(401, post("/api/sign-in", "{\"user\":\"ana\",\"password\":\"wrong\"}").statusCode());
        HttpRequest forged = HttpRequest.newBuilder(URI.create(base + "/api/robots/robot-1/takeover"))
                .header("Authorization", "Bearer " + Credentials.randomSecret())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertEquals(401, http.send(forged, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(before, teleop().size(), "no command reached Kafka");
        assertEquals(200, get("/").statusCode(), "the page itself is public");
    }

    @Test
    void anOperatorTakesOverDrivesAndHandsBackAndOthersMayNot() throws Exception {
        signIn("ana", "ana-pw");
        assertEquals(404, post("/api/robots/nobody/takeover", "{}").statusCode());
        assertEquals(200, post("/api/robots/robot-1/takeover", "{\"reason\":\"wobbly\"}").statusCode());
        assertEquals(400, post("/api/robots/robot-1/drive", "{\"action\":[1.0, 2.0]}").statusCode(),
                "the pendulum's action has one value");
        assertEquals(204, post("/api/robots/robot-1/drive", "{\"action\":[1.5]}").statusCode());
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(base + "/api/robots/robot-1/drive"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"action\":[1]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, plain.statusCode(), "a form from another site cannot write");
        assertEquals(403, post("/api/releases/pendulum/promote", "{\"version\":1}").statusCode(), "not MLOps");

        HttpClient other = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
        other.send(HttpRequest.newBuilder(URI.create(base + "/api/sign-in")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"bo\",\"password\":\"bo-pw\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> taken = other.send(HttpRequest.newBuilder(URI.create(base + "/api/robots/robot-1/takeover"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(409, taken.statusCode());
        assertTrue(taken.body().contains("held by ana"), taken.body());

        assertEquals(204, post("/api/robots/robot-1/handback", "{}").statusCode());
        List<String> commands = teleop().stream().filter(c -> c.getRobotId().equals("robot-1"))
                .map(c -> c.getKind() + " " + c.getOperatorId() + " " + c.getAction()).toList();
        assertEquals(List.of("TAKEOVER ana []", "DRIVE ana [1.5]", "HANDBACK ana []"), commands);
    }

    @Test
    void aRobotThatDoesNotObeyTeleopGetsItsInterventionsFromTheConsole() throws Exception {
        signIn("bo", "bo-pw");
        HttpResponse<String> held = post("/api/robots/arm-1/takeover", "{}");
        assertEquals(200, held.statusCode(), held.body());
        assertTrue(held.body().contains("\"drivable\":false"), held.body());
        assertEquals(409, post("/api/robots/arm-1/drive", "{\"action\":[1.0]}").statusCode(),
                "its own teleop device drives it");
        assertEquals(204, post("/api/robots/arm-1/handback", "{}").statusCode());
        List<Intervention> written = new ArrayList<>();
        TopicReadout.read(connection, connection.topics().interventions(), DEADLINE,
                (key, value) -> written.add(Codecs.INTERVENTION.decode(value)));
        assertEquals(List.of(InterventionKind.TAKEOVER, InterventionKind.HANDBACK), written.stream()
                .filter(iv -> iv.getRobotId().equals("arm-1")).map(Intervention::getKind).toList());
        for (Intervention iv : written) {
            assertEquals("bo", iv.getOperatorId());
            assertEquals("arm-1/e1", iv.getEpisodeId(), "the episode of the robot's newest step");
            assertEquals(NOW.plusMillis(50 * 4 + 1), iv.getEventTime(), "just after its newest step");
        }
    }

    @Test
    void mlopsReleasesWithATokenButMayNotTakeOver() throws Exception {
        signIn("mo", "mo-pw");
        assertEquals(403, post("/api/robots/robot-1/takeover", "{}").statusCode());
        HttpRequest promote = HttpRequest.newBuilder(URI.create(base + "/api/releases/pendulum/promote"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"version\":1,\"channel\":\"stable\"}")).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(promote, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        List<Release> releases = new ArrayList<>();
        TopicReadout.read(connection, connection.topics().releases(), DEADLINE,
                (key, value) -> releases.add(Codecs.RELEASE.decode(value)));
        assertEquals(1, releases.size());
        assertEquals("release-bot", releases.get(0).getSetBy());
        assertEquals(1, releases.get(0).getVersion());
    }
}
