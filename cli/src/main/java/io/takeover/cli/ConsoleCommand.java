package io.takeover.cli;

import io.takeover.console.Console;
import io.takeover.console.ConsoleSettings;
import io.takeover.console.auth.Credentials;
import io.takeover.console.auth.Role;
import io.takeover.console.auth.Sessions;
import io.takeover.console.auth.UsersFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code takeover console}: the operator web console, and its users. */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = "Serve the operator console against a Kafka cluster: the fleet live, taking over and driving "
                + "a robot, releases, the operators' figures. Sign-in by the users of --users ('takeover console "
                + "users add|token'). Ctrl-C stops it.",
        subcommands = {ConsoleCommand.Users.class})
final class ConsoleCommand implements Runnable {

    /** Where {@code users add} reads the password from when it is set. */
    static final String PASSWORD_ENV = "TAKEOVER_CONSOLE_PASSWORD";

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--port", defaultValue = "${env:TAKEOVER_CONSOLE_PORT:-" + ConsoleSettings.DEFAULT_PORT + "}",
            description = "HTTP port; TAKEOVER_CONSOLE_PORT (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--bind", defaultValue = "${env:TAKEOVER_CONSOLE_BIND:-127.0.0.1}",
            description = "Address to listen on; TAKEOVER_CONSOLE_BIND (default ${DEFAULT-VALUE}; 0.0.0.0 in a "
                    + "container).")
    String bind;

    // not required=true for picocli: 'console users ...' must not need it
    @Option(names = "--users", paramLabel = "FILE", defaultValue = "${env:TAKEOVER_CONSOLE_USERS}",
            description = "Who may sign in, with which roles, as 'takeover console users add|token' writes it; "
                    + "TAKEOVER_CONSOLE_USERS (required).")
    Path users;

    @Option(names = "--teleop-robots", paramLabel = "GLOBS",
            defaultValue = "${env:TAKEOVER_CONSOLE_TELEOP_ROBOTS:-" + ConsoleSettings.DEFAULT_TELEOP_ROBOTS + "}",
            description = "Robot ids that obey teleoperation, comma-separated globs ('*': anything; empty: none); "
                    + "for other robots a takeover is recorded as interventions only; TAKEOVER_CONSOLE_TELEOP_ROBOTS "
                    + "(default ${DEFAULT-VALUE}).")
    String teleopRobots;

    @Option(names = "--history", defaultValue = "10m", converter = DurationConverter.class,
            description = "How far back the live picture starts (default ${DEFAULT-VALUE}).")
    Duration history;

    @Override
    public void run() {
        if (users == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--users=FILE' (or "
                    + "TAKEOVER_CONSOLE_USERS); make one with 'takeover console users add NAME --role operator "
                    + "--file FILE'");
        }
        ConsoleSettings settings = new ConsoleSettings(kafka.connection(), bind, port, users, teleopRobots, history,
                Sessions.DEFAULT_LIFETIME);
        Console console = Console.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: the hook closes the console; this thread waits for it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                console.close();
            } finally {
                stopped.countDown();
            }
        }, "takeover-console-shutdown"));
        System.out.printf("console: http://%s:%d%n", bind, console.port());
        System.out.printf("Kafka: %s; users from %s; robots that obey teleoperation: %s. Ctrl-C stops it.%n",
                settings.kafka(), users, teleopRobots.isBlank() ? "none" : teleopRobots);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Command(name = "users", mixinStandardHelpOptions = true,
            description = "The console's users file: a line per user with their roles and the hash of their password "
                    + "or API token, readable by its owner only.",
            subcommands = {Users.Add.class, Users.Token.class})
    static final class Users implements Runnable {

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        /** What both subcommands take: who, with which roles, in which file. */
        static final class Target {
            @Parameters(paramLabel = "NAME", description = "The user name (letters, digits, _ . @ -).")
            String name;

            @Option(names = "--role", required = true, paramLabel = "ROLES",
                    description = "operator (takes over and drives robots), mlops (promotes and rolls back "
                            + "releases), or both: operator,mlops.")
            String roles;

            @Option(names = "--file", required = true, paramLabel = "FILE", defaultValue = "${env:TAKEOVER_CONSOLE_USERS}",
                    description = "The users file (created if missing); TAKEOVER_CONSOLE_USERS.")
            Path file;

            Set<Role> roleSet() {
                return UsersFile.roles(roles);
            }

            String describe(Set<Role> roles) {
                return name + " (" + roles.stream().map(Role::label).sorted().collect(Collectors.joining(",")) + ")";
            }
        }

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Add a user who signs in with a password, or give an existing one a new password and "
                        + "roles. The password comes from " + PASSWORD_ENV + ", else it is asked for twice on the "
                        + "terminal, else read as one line of standard input.")
        static final class Add implements Runnable {

            @Spec
            CommandSpec spec;

            @Mixin
            Target target;

            private final UnaryOperator<String> env;
            private final Supplier<java.io.Console> terminal;
            private final InputStream stdin;

            Add() {
                this(System::getenv, System::console, System.in);
            }

            /** With the password's sources given: the environment, the terminal (null: none), standard input. */
            Add(UnaryOperator<String> env, Supplier<java.io.Console> terminal, InputStream stdin) {
                this.env = env;
                this.terminal = terminal;
                this.stdin = stdin;
            }

            @Override
            public void run() {
                Set<Role> roles = target.roleSet();
                String password = password();
                if (password == null || password.isEmpty()) {
                    throw new IllegalArgumentException("an empty password is refused: set "
                            + PASSWORD_ENV + ", type one at the prompt, or pipe one line to standard input");
                }
                UsersFile.read(target.file).put(target.name, roles, Credentials.hashPassword(password));
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%s signs in with that password; saved in %s (readable by its owner only).%n",
                        target.describe(roles), target.file);
                out.flush();
            }

            private String password() {
                String fromEnv = env.apply(PASSWORD_ENV);
                if (fromEnv != null) {
                    return fromEnv;
                }
                java.io.Console console = terminal.get();
                if (console != null) {
                    char[] first = console.readPassword("Password for %s: ", target.name);
                    char[] second = first == null ? null : console.readPassword("The same again: ");
                    try {
                        if (first == null || second == null) {
                            return null;
                        }
                        if (!Arrays.equals(first, second)) {
                            throw new IllegalArgumentException("the two passwords differ; nothing was saved");
                        }
                        return new String(first);
                    } finally {
                        if (first != null) {
                            Arrays.fill(first, ' ');
                        }
                        if (second != null) {
                            Arrays.fill(second, ' ');
                        }
                    }
                }
                try {
                    // not a byte more than the line: the stream is not ours to buffer away
                    return new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8), 1).readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the password from standard input", e);
                }
            }
        }

        @Command(name = "token", mixinStandardHelpOptions = true,
                description = "Give a user (a script, a dashboard) a new random API token instead of a password, and "
                        + "print it once: the file keeps only its hash. Requests send it as 'Authorization: Bearer "
                        + "TOKEN'.")
        static final class Token implements Runnable {

            @Spec
            CommandSpec spec;

            @Mixin
            Target target;

            @Override
            public void run() {
                Set<Role> roles = target.roleSet();
                String token = Credentials.randomSecret();
                UsersFile.read(target.file).put(target.name, roles, Credentials.hashToken(token));
                PrintWriter out = spec.commandLine().getOut();
                out.println(token);
                out.printf("That is the API token of %s; %s keeps only its hash, so it is shown only now. Send it "
                        + "with each request as the header 'Authorization: Bearer TOKEN'.%n", target.describe(roles),
                        target.file);
                out.flush();
            }
        }
    }
}
