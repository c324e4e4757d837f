package io.takeover.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.takeover.cli.Takeover;
import io.takeover.flink.LabelJob;
import io.takeover.runtime.metrics.CheckpointMetrics;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** bin/takeover runs on this module's classpath: every command is there. */
class FrontDoorTest {

    @Test
    void binTakeoverOffersEveryCommand() {
        assertEquals(Set.of("access", "bench", "console", "experiment", "fleet", "keys", "learner", "local", "policy", "replay",
                "task", "topics"),
                new TreeSet<>(Takeover.commandLine().getSubcommands().keySet()));
    }

    @Test
    void theCheckpointMetricsLookForTheLabelJobByItsName() {
        assertEquals(LabelJob.NAME, CheckpointMetrics.LABEL_JOB_NAME);
    }
}
