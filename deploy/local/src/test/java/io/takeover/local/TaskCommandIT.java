package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.cli.Takeover;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.task.TaskRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code takeover task register|list|show} against a real broker, as a robot team would use them. */
@Timeout(120)
class TaskCommandIT {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        TopicCreator.createAll(KafkaConnection.to(kafka.bootstrapServers()), 1);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    record Result(int exit, String out, String err) {}

    static Result takeover(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine line = Takeover.commandLine();
            line.setErr(new PrintWriter(err, true));
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--bootstrap", kafka.bootstrapServers())).toArray(String[]::new);
            return new Result(line.execute(all), out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void aTaskIsRegisteredOnceListedShownAndItsDimensionsNeverChange() throws Exception {
        Path yaml = Files.writeString(dir.resolve("point.yaml"), """
                name: point2d
                obs_dim: 4
                act_dim: 2
                action_low: [-1, -1]
                action_high: [1, 1]
                max_episode_steps: 50
                control_hz: 50
                observation_names: [x, y, goal_dx, goal_dy]
                action_names: [vx, vy]
                description: a point that drives to a goal
                """);
        Result first = takeover("task", "register", yaml.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("registered point2d"), first.out());
        Result again = takeover("task", "register", yaml.toString());
        assertTrue(again.out().startsWith("already registered, unchanged"), again.out());

        Result list = takeover("task", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("point2d") && l.contains("a point that drives")),
                list.out());
        Result show = takeover("task", "show", "point2d");
        assertTrue(show.out().contains("observation_names: [x, y, goal_dx, goal_dy]"), show.out());

        Path json = Files.writeString(dir.resolve("point.json"), """
                {"name": "point2d", "obs_dim": 6, "act_dim": 2, "action_low": [-1, -1], "action_high": [1, 1],
                 "max_episode_steps": 50, "control_hz": 50}
                """);
        Result changed = takeover("task", "register", json.toString());
        assertEquals(1, changed.exit());
        assertTrue(changed.err().contains("registered with obs_dim 4") && changed.err().contains("this spec has "
                + "obs_dim 6") && changed.err().contains("register the changed robot as a new task"), changed.err());
        assertEquals(4, TaskRegistry.read(KafkaConnection.to(kafka.bootstrapServers()), Duration.ofSeconds(30))
                .require("point2d").obsDim(), "the registered spec is untouched");

        Result unknown = takeover("task", "show", "ghost");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("'ghost' is not registered; registered: [") && unknown.err()
                .contains("point2d"), unknown.err());
    }

    @Test
    void aBadSpecIsRefusedWithEveryReason() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                name: Bad Name
                obs_dim: 0
                act_dim: 2
                action_low: [1, -1]
                action_high: [-1, 1]
                max_episode_steps: 50
                control_hz: fast
                colour: red
                """);
        assertRefusedSaying(takeover("task", "register", bad.toString()), "unknown field 'colour'",
                "'control_hz' must be a number");
        Path wrong = Files.writeString(dir.resolve("wrong.yaml"), """
                name: Bad Name
                obs_dim: 0
                act_dim: 2
                action_low: [1, -1]
                action_high: [-1, 1]
                max_episode_steps: 0
                control_hz: 50
                observation_names: [a, a]
                """);
        assertRefusedSaying(takeover("task", "register", wrong.toString()), "must match [a-z0-9]",
                "obs_dim 0 must be 1 to 4096", "action 0 has bounds [1.0, -1.0]", "max_episode_steps 0",
                "observation_names must be empty or have 0");
        assertTrue(TaskRegistry.read(KafkaConnection.to(kafka.bootstrapServers()), Duration.ofSeconds(30)).tasks()
                .keySet().stream().noneMatch(n -> n.contains("Bad")), "nothing was registered");
    }

    static void assertRefusedSaying(Result result, String... reasons) {
        assertEquals(1, result.exit());
        for (String reason : reasons) {
            assertTrue(result.err().contains(reason), "missing '" + reason + "' in: " + result.err());
        }
    }
}
