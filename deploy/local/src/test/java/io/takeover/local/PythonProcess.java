package io.takeover.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Debian's python3 in the Python SDK's folder, as robot teams run it: a test's way to run the SDK and its example. */
final class PythonProcess {

    static final Path SDK = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("../..").toAbsolutePath().normalize().toString())).resolve("sdk/python");
    static final String PYTHON = System.getProperty("takeover.python", "/usr/bin/python3");

    /** What it printed, and how it ended. */
    record Run(int exit, String output) {

        /** The example robot's last {@code RESULT} line, parsed. */
        JsonNode result() throws IOException {
            String line = output.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no RESULT line:\n" + output));
            return new ObjectMapper().readTree(line.substring("RESULT ".length()));
        }
    }

    /** Runs {@code python3 ARGS} with these environment variables; fails the test past {@code deadline}. */
    static Run run(Path logDir, Duration deadline, Map<String, String> env, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON));
        command.addAll(args);
        Path log = Files.createTempFile(logDir, "python", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(SDK.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        Process process = builder.start();
        if (!process.waitFor(deadline.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command + " ran past " + deadline + ":\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        System.out.println(output);
        return new Run(process.exitValue(), output);
    }

    private PythonProcess() {}
}
