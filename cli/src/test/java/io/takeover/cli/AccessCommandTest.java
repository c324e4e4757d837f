package io.takeover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaAccess;
import io.takeover.schemas.kafka.KafkaAccess.Part;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AccessCommandTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new AccessCommand());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The table's rows, the header left out, as their whitespace-separated cells. */
    private static List<List<String>> rows(String table) {
        List<String> lines = table.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of("PART", "RESOURCE", "NAME", "PATTERN", "OPERATION"),
                Arrays.asList(lines.get(0).trim().split("\\s+")), "header");
        return lines.subList(1, lines.size()).stream().map(l -> Arrays.asList(l.trim().split("\\s+"))).toList();
    }

    private static List<List<String>> expected(Part part, Topics topics) {
        List<List<String>> rows = new ArrayList<>();
        for (KafkaAccess.Grant g : KafkaAccess.grants(part, topics)) {
            rows.add(List.of(part.user(), g.resource().name(), g.name(), g.pattern().name(), g.operation().name()));
        }
        return rows;
    }

    @Test
    void showPrintsEveryPartsGrantsAsKafkaAccessHasThem() {
        Run run = run("show", "--topic-prefix", Topics.DEFAULT_PREFIX);
        assertEquals(0, run.exit(), run.err());
        List<List<String>> want = new ArrayList<>();
        for (Part part : Part.values()) {
            want.addAll(expected(part, Topics.DEFAULT));
        }
        assertEquals(want, rows(run.out()));
        assertTrue(run.out().contains("takeover.steps"), run.out());
    }

    @Test
    void showOnePartByItsUserOrEnumNameUnderAnotherPrefix() {
        Topics topics = new Topics("lab1.");
        Run byUser = run("show", "--part", "label-job", "--topic-prefix", "lab1.");
        assertEquals(0, byUser.exit(), byUser.err());
        assertEquals(expected(Part.LABEL_JOB, topics), rows(byUser.out()));
        assertTrue(byUser.out().contains("lab1.takeover-label"), "prefixed transactional ids: " + byUser.out());

        Run byEnum = run("show", "--part", "LABEL_JOB", "--topic-prefix", "lab1.");
        assertEquals(byUser.out(), byEnum.out());
    }

    @Test
    void anUnknownPartIsRefusedNamingThePartsThereAre() {
        Run run = run("show", "--part", "operator");
        assertNotEquals(0, run.exit());
        assertTrue(run.err().contains("robot, label-job, console, learner, mlops"), run.err());
    }

    @Test
    void grantNeedsAPartAndReadsOneLinePasswords(@TempDir Path dir) throws Exception {
        Run run = run("grant");
        assertNotEquals(0, run.exit());
        assertTrue(run.err().contains("--part"), run.err());

        Path file = dir.resolve("password");
        Files.writeString(file, "s3cret\n");
        assertEquals("s3cret", AccessCommand.readPassword(file));
        Files.writeString(file, "s3cret");
        assertEquals("s3cret", AccessCommand.readPassword(file));
        Files.writeString(file, "\n");
        assertThrows(IllegalArgumentException.class, () -> AccessCommand.readPassword(file));
        assertThrows(IllegalArgumentException.class, () -> AccessCommand.readPassword(dir.resolve("missing")));
    }
}
