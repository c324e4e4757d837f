package io.takeover.local;

import java.nio.file.Path;

/**
 * The local stack as a process of its own, for tests that kill it: {@code DATA_DIR KAFKA_PORT
 * ROBOTS SECONDS}. Prints {@code ready} and what the label job resumed from, runs for SECONDS,
 * then stops as Ctrl-C would and prints {@code stopped} with the savepoint.
 */
final class LocalStackProcess {

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int robots = Integer.parseInt(args[2]);
        // a learner that never trains: these tests are about labels, and the cores go to the pipeline
        LocalSettings settings = LocalSettings.in(dataDir).robots(robots).kafkaPort(Integer.parseInt(args[1])).hz(50)
                .minReplaySize(900_000).batchSize(64).seed(11).metricsPort(0).jobMetricsPorts("9249-9299").build();
        try (LocalStack stack = LocalStack.start(settings)) {
            System.out.println("ready resumed-from " + stack.labelJobResumedFrom().orElse("nothing"));
            Thread.sleep(Long.parseLong(args[3]) * 1000);
            stack.close();
            System.out.println("stopped savepoint " + stack.labelJobSavepoint());
        }
    }

    private LocalStackProcess() {}
}
