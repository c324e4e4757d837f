package io.takeover.robot.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python robot SDK's own tests ({@code sdk/python}, pytest) that need no broker: the wire
 * vectors this build produces, task specs, the spool, the policy maths. They run under Debian's
 * python3 (python3-avro, python3-confluent-kafka, python3-numpy, python3-pytest; .ci/run installs
 * them); the tests that need Kafka run in {@code PythonRobotIT} against the local stack's broker.
 */
class PythonSdkTest {

    static final Path SDK = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("..").toAbsolutePath().normalize().toString())).resolve("sdk/python");
    static final String PYTHON = System.getProperty("takeover.python", "/usr/bin/python3");

    @Test
    void theSdksTestsPassUnderDebiansPython() throws Exception {
        assertTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing: apt-get install python3 python3-avro "
                + "python3-confluent-kafka python3-nacl python3-numpy python3-pytest python3-yaml (or set -Dtakeover.python)");
        Path log = Files.createTempFile("pytest", ".log");
        Process pytest = new ProcessBuilder(PYTHON, "-m", "pytest", "-q", "-m", "not kafka", "-p", "no:cacheprovider",
                "tests").directory(SDK.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = pytest.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            pytest.destroyForcibly();
        }
        String output = Files.readString(log);
        Files.delete(log);
        assertTrue(done, "pytest ran past 3 minutes:\n" + output);
        assertEquals(0, pytest.exitValue(), "the Python SDK's tests failed:\n" + output);
    }
}
