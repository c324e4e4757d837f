package io.takeover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.takeover.console.auth.Role;
import io.takeover.console.auth.UsersFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConsoleCommandTest {

    private record Run(int exit, String out, String err) {}

    /** {@code takeover console ...}, with {@code users add} reading its password from these sources. */
    private static Run run(UnaryOperator<String> env, String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine line = new CommandLine(ConsoleCommand.class, new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                return type == ConsoleCommand.Users.Add.class
                        ? (K) new ConsoleCommand.Users.Add(env, () -> null, in) : defaults.create(type);
            }
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static final UnaryOperator<String> NO_ENV = name -> null;

    @Test
    void usersAddTakesThePasswordFromTheEnvironmentAndWritesAnOwnerOnlyFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("console").resolve("users");
        Run run = run(Map.of(ConsoleCommand.PASSWORD_ENV, "correct horse")::get, "",
                "users", "add", "ana", "--role", "operator,mlops", "--file", file.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("ana (mlops,operator)"), run.out());

        UsersFile users = UsersFile.read(file);
        assertEquals(Set.of(Role.OPERATOR, Role.MLOPS), users.check("ana", "correct horse").orElseThrow().roles());
        assertTrue(users.check("ana", "wrong").isEmpty());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    }

    @Test
    void withoutTheVariableOrATerminalItReadsOneLineOfStandardInput(@TempDir Path dir) {
        Path file = dir.resolve("users");
        Run run = run(NO_ENV, "s3cret pass\nnot this\n", "users", "add", "bo", "--role", "operator", "--file",
                file.toString());
        assertEquals(0, run.exit(), run.err());
        UsersFile users = UsersFile.read(file);
        assertEquals(Set.of(Role.OPERATOR), users.check("bo", "s3cret pass").orElseThrow().roles());
        assertTrue(users.check("bo", "not this").isEmpty());
    }

    @Test
    void anEmptyPasswordIsRefusedAndNothingIsWritten(@TempDir Path dir) {
        Path file = dir.resolve("users");
        for (String stdin : new String[] {"", "\n"}) {
            Run run = run(NO_ENV, stdin, "users", "add", "bo", "--role", "operator", "--file", file.toString());
            assertNotEquals(0, run.exit());
            assertTrue(run.err().contains("empty password is refused"), run.err());
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void anUnknownRoleIsRefused(@TempDir Path dir) {
        Path file = dir.resolve("users");
        Run run = run(Map.of(ConsoleCommand.PASSWORD_ENV, "pw")::get, "", "users", "add", "bo", "--role", "admin",
                "--file", file.toString());
        assertNotEquals(0, run.exit());
        assertFalse(Files.exists(file));
    }

    @Test
    void usersTokenPrintsATokenOnceThatTheFileKnowsByItsHash(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users");
        assertEquals(0, run(Map.of(ConsoleCommand.PASSWORD_ENV, "pw")::get, "", "users", "add", "ana", "--role",
                "operator", "--file", file.toString()).exit());
        Run run = run(NO_ENV, "", "users", "token", "grafana", "--role", "mlops", "--file", file.toString());
        assertEquals(0, run.exit(), run.err());
        String token = run.out().lines().findFirst().orElseThrow().strip();
        assertTrue(token.length() >= 40, token);
        assertTrue(run.out().contains("shown only now"), run.out());
        assertTrue(run.out().contains("Authorization: Bearer"), run.out());
        assertFalse(Files.readString(file).contains(token), "the file keeps only the token's hash");

        UsersFile users = UsersFile.read(file);
        UsersFile.User user = users.byToken(token).orElseThrow();
        assertEquals("grafana", user.name());
        assertEquals(Set.of(Role.MLOPS), user.roles());
        assertTrue(users.byToken(token + "x").isEmpty());
        assertTrue(users.check("ana", "pw").isPresent(), "the other user is still there");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    }

    @Test
    void theConsoleWithoutAUsersFileSaysWhichOptionIsMissing() {
        assumeTrue(System.getenv("TAKEOVER_CONSOLE_USERS") == null, "TAKEOVER_CONSOLE_USERS names a file");
        Run run = run(NO_ENV, "", "--port", "0");
        assertNotEquals(0, run.exit());
        assertTrue(run.err().contains("--users"), run.err());
    }
}
