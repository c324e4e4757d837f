package io.takeover.tools.bench;

import io.takeover.console.Console;
import io.takeover.console.ConsoleSettings;
import io.takeover.console.auth.Credentials;
import io.takeover.console.auth.Role;
import io.takeover.console.auth.UsersFile;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.wire.Codecs;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How large a fleet one console follows: a backlog of steps of many robots (with a takeover
 * and hand-back every 200 steps) is read by the console, and, as the reference in the same run,
 * by a bare follower that only decodes them. Then the fleet view a browser asks for twice a
 * second, over HTTP, for that many robots: latency and size.
 */
public final class ConsoleBenchmark {

    private static final Duration DEADLINE = Duration.ofMinutes(10);

    private final Path dir;
    private final int steps;
    private final int robots;
    private final PrintStream out;

    public ConsoleBenchmark(Path dir, int steps, int robots, PrintStream out) {
        this.dir = dir;
        this.steps = steps;
        this.robots = robots;
        this.out = out;
    }

    public void run() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            KafkaConnection connection = kafka.connection();
            TopicCreator.createAll(connection, 4, 1);
            TaskRegistry.register(connection, Pendulum.SPEC, "bench", Duration.ofSeconds(30));
            produce(connection);

            AtomicLong decoded = new AtomicLong();
            long t0 = System.nanoTime();
            try (TopicFollower bare = new TopicFollower(connection, connection.topics().steps(), new Properties(),
                    Map.of(), records -> records.forEach(r -> {
                        Codecs.STEP.decode(r.value());
                        decoded.incrementAndGet();
                    })).start()) {
                await(() -> decoded.get() >= steps, "the bare follower to decode every step");
            }
            double reference = steps / seconds(t0);

            Path users = dir.resolve("users");
            UsersFile.read(users).put("bench", Set.of(Role.OPERATOR), Credentials.hashPassword("bench"));
            long t1 = System.nanoTime();
            try (Console console = Console.start(ConsoleSettings.of(connection, users).withPort(0))) {
                await(() -> console.fleet().stepsSeen() >= steps, "the console to take every step");
                double ingest = steps / seconds(t1);
                out.printf(Locale.ROOT, "console ingest: %,.0f steps/s, %.2f of a bare follower's decode rate "
                        + "(%,.0f steps/s) in the same run%n", ingest, ingest / reference, reference);
                out.printf(Locale.ROOT, "  = the steps of about %,.0f robots at 20 Hz, on this machine%n", ingest / 20);
                fleetView(console.port());
            }
        }
    }

    private void produce(KafkaConnection connection) {
        Properties props = connection.clientProperties();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 18);
        long start = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < steps; i++) {
                int r = i % robots;
                long n = i / robots;
                String robot = "robot-" + r;
                String episode = robot + "/e" + (n / 200);
                Instant at = Instant.ofEpochMilli(start + 50 * n);
                producer.send(new ProducerRecord<>(connection.topics().steps(), robot, Codecs.STEP.encode(
                        Step.newBuilder().setRobotId(robot).setTask(Pendulum.NAME).setEpisodeId(episode).setStep(n % 200)
                                .setEventTime(at).setObservation(List.of(1f, 0f, 0.5f)).setAction(List.of(0.1f))
                                .setPolicyVersion(1).setControl(Control.POLICY).setReward(-0.1f).setTerminated(false)
                                .setTruncated(false).setSuccess(null).build())));
                if (n % 200 == 100 || n % 200 == 120) {
                    producer.send(new ProducerRecord<>(connection.topics().interventions(), robot,
                            Codecs.INTERVENTION.encode(Intervention.newBuilder().setRobotId(robot).setEpisodeId(episode)
                                    .setOperatorId("op-" + (r % 10)).setEventTime(at).setKind(n % 200 == 100
                                            ? InterventionKind.TAKEOVER : InterventionKind.HANDBACK)
                                    .setReason(null).build())));
                }
            }
        }
        out.printf(Locale.ROOT, "backlog: %,d steps of %,d robots written in %.1f s%n", steps, robots,
                (System.currentTimeMillis() - start) / 1000.0);
    }

    private void fleetView(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String base = "http://127.0.0.1:" + port;
        http.send(HttpRequest.newBuilder(URI.create(base + "/api/sign-in")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"bench\",\"password\":\"bench\"}")).build(),
                HttpResponse.BodyHandlers.discarding());
        int n = 50;
        long[] nanos = new long[n];
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/fleet")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            nanos[i] = System.nanoTime() - t;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /api/fleet answered " + response.statusCode());
            }
            bytes = response.body().length;
        }
        Arrays.sort(nanos);
        out.printf(Locale.ROOT, "fleet view of %,d robots over HTTP: p50 %.1f ms, p99 %.1f ms, %,d kB (the page asks "
                + "twice a second per viewer)%n", robots, nanos[n / 2] / 1e6, nanos[n * 99 / 100] / 1e6, bytes >> 10);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + DEADLINE);
            }
            Thread.sleep(20);
        }
    }
}
