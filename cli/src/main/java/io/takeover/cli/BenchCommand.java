package io.takeover.cli;

import io.takeover.local.bench.LabelBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code takeover bench label}: figures, printed; never a timed test. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure a part of the pipeline.",
        subcommands = {BenchCommand.Label.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "label", mixinStandardHelpOptions = true,
            description = "Label job vs a pass-through keyed job, Kafka to Kafka, exactly once, RocksDB; "
                    + "then the delay from a step's append to its transition on a live fleet.")
    static final class Label implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--steps", defaultValue = "1000000", description = "Backlog steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--robots", defaultValue = "200", description = "Robots (default ${DEFAULT-VALUE}).")
        int robots;

        @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
        int parallelism;

        @Override
        public Integer call() throws Exception {
            Path dir = Files.createTempDirectory("takeover-bench");
            System.out.printf("label benchmark: %,d steps, %d robots, parallelism %d, data in %s%n", steps, robots,
                    parallelism, dir);
            new LabelBenchmark(dir, steps, robots, parallelism, System.out).run();
            return 0;
        }
    }
}
