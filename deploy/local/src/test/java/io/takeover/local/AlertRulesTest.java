package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The alert rules pass their unit tests and the Prometheus configurations are valid (promtool; CI installs it). */
class AlertRulesTest {

    @Test
    void alertRulesPassTheirUnitTests() throws Exception {
        promtool("check", "rules", "alerts.yml");
        promtool("test", "rules", "alerts_test.yml");
    }

    @Test
    void prometheusConfigurationsAreValid() throws Exception {
        promtool("check", "config", "prometheus-local.yml");
        promtool("check", "config", "prometheus-cluster.yml");
        promtool("check", "config", "prometheus-compose.yml");
    }

    static Path promtool() {
        return java.util.Arrays.stream(System.getenv("PATH").split(":")).map(d -> Path.of(d, "promtool"))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static void promtool(String... args) throws Exception {
        Path promtool = promtool();
        assumeTrue(promtool != null, "promtool is not installed (apt-get install prometheus)");
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(MonitoringConfig.prometheus().toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", args) + ":\n" + out);
    }
}
