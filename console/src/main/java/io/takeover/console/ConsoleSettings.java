package io.takeover.console;

import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How a console runs.
 *
 * @param kafka         the cluster it reads and writes, as its own principal
 * @param bind          the address it listens on ({@code 127.0.0.1} locally, {@code 0.0.0.0} in a pod)
 * @param port          its HTTP port (0: any free port)
 * @param usersFile     who may sign in, with which roles ({@link io.takeover.console.auth.UsersFile})
 * @param teleopRobots  globs of robot ids that obey teleoperation (comma-separated; {@code *} any
 *                      run of characters; empty: none). The simulated fleets' are {@code robot-*}
 *                      ({@code takeover local}) and {@code sim-*} ({@code takeover fleet}).
 *                      For other robots the console writes the interventions itself.
 * @param history       how far back the live picture starts when the console starts
 * @param sessionLifetime how long a sign-in lasts
 */
public record ConsoleSettings(KafkaConnection kafka, String bind, int port, Path usersFile, String teleopRobots,
        Duration history, Duration sessionLifetime) {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_TELEOP_ROBOTS = "robot-*,sim-*";
    public static final Duration DEFAULT_HISTORY = Duration.ofMinutes(10);

    public ConsoleSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (history.isNegative() || sessionLifetime.isNegative() || sessionLifetime.isZero()) {
            throw new IllegalArgumentException("history must be >= 0 and the session lifetime > 0");
        }
        teleopRobots = teleopRobots == null ? "" : teleopRobots.strip();
    }

    /** Settings with the defaults, for {@code kafka} and {@code usersFile}. */
    public static ConsoleSettings of(KafkaConnection kafka, Path usersFile) {
        return new ConsoleSettings(kafka, "127.0.0.1", DEFAULT_PORT, usersFile, DEFAULT_TELEOP_ROBOTS, DEFAULT_HISTORY,
                io.takeover.console.auth.Sessions.DEFAULT_LIFETIME);
    }

    public ConsoleSettings withPort(int p) {
        return new ConsoleSettings(kafka, bind, p, usersFile, teleopRobots, history, sessionLifetime);
    }

    /** Whether a robot id matches one of {@link #teleopRobots}. */
    public Predicate<String> obeysTeleop() {
        List<Pattern> globs = Arrays.stream(teleopRobots.split(",")).map(String::strip).filter(g -> !g.isEmpty())
                .map(g -> Pattern.compile(Arrays.stream(g.split("\\*", -1)).map(Pattern::quote)
                        .reduce((a, b) -> a + ".*" + b).orElse(""))).toList();
        return robot -> globs.stream().anyMatch(p -> p.matcher(robot).matches());
    }
}
