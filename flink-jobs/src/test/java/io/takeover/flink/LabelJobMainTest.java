package io.takeover.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.flink.util.ParameterTool;
import org.junit.jupiter.api.Test;

class LabelJobMainTest {

    @Test
    void readsTheClusterArguments() {
        LabelJobSettings s = LabelJobMain.parse(ParameterTool.fromArgs(new String[] {
            "--bootstrap-servers", "kafka:9092", "--checkpoint-dir", "s3://b/c",
            "--topic-prefix", "fleet1.", "--parallelism", "4", "--allowed-lateness-ms", "3000",
            "--quiet-after-ms", "7000", "--takeover-ends-episode"}));
        assertEquals("kafka:9092", s.bootstrapServers());
        assertEquals("fleet1.steps", s.topics().steps());
        assertEquals(4, s.parallelism());
        assertEquals(Duration.ofSeconds(3), s.label().allowedLateness());
        assertEquals(Duration.ofSeconds(10), s.label().quietDelay(), "lateness plus quiet time");
        assertTrue(s.label().takeoverEndsEpisode());
    }

    @Test
    void saysWhatIsMissing() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LabelJobMain.parse(ParameterTool.fromArgs(new String[] {"--checkpoint-dir", "file:///x"})));
        assertTrue(e.getMessage().contains("--bootstrap-servers"), e.getMessage());
    }
}
