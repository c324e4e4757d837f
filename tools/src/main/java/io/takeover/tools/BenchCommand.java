package io.takeover.tools;

import io.takeover.learner.ComputeDevice;
import io.takeover.cli.DurationConverter;
import io.takeover.cli.Subcommand;
import io.takeover.tools.bench.LabelBenchmark;
import io.takeover.tools.bench.LearnerBenchmark;
import io.takeover.tools.bench.ReleaseBenchmark;
import io.takeover.tools.bench.ReplayBenchmark;
import io.takeover.tools.bench.SwapBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code takeover bench label}: figures, printed; never a timed test. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure a part of the pipeline.",
        subcommands = {BenchCommand.Label.class, BenchCommand.Replay.class, BenchCommand.Learner.class,
                BenchCommand.Swap.class, BenchCommand.Releases.class, BenchCommand.ConsoleFleet.class})
public final class BenchCommand implements Runnable, Subcommand {

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

        @Option(names = "--obs", defaultValue = "3",
                description = "Observation size of each step (default ${DEFAULT-VALUE}, the pendulum's).")
        int obs;

        @Option(names = "--act", defaultValue = "1",
                description = "Action size of each step (default ${DEFAULT-VALUE}, the pendulum's).")
        int act;

        @Override
        public Integer call() throws Exception {
            try (ScratchDir scratch = new ScratchDir()) {
                Path dir = scratch.path();
                System.out.printf("label benchmark: %,d steps (observation %d, action %d), %d robots, parallelism %d, "
                        + "data in %s%n", steps, obs, act, robots, parallelism, dir);
                new LabelBenchmark(dir, steps, robots, parallelism, obs, act, System.out).run();
            }
            return 0;
        }
    }

    @Command(name = "console", mixinStandardHelpOptions = true,
            description = "The console taking a backlog of steps vs a bare follower decoding them; then its fleet "
                    + "view over HTTP for that many robots.")
    static final class ConsoleFleet implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--steps", defaultValue = "1000000", description = "Backlog steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--robots", defaultValue = "1000", description = "Robots (default ${DEFAULT-VALUE}).")
        int robots;

        @Override
        public Integer call() throws Exception {
            try (ScratchDir scratch = new ScratchDir()) {
                System.out.printf("console benchmark: %,d steps of %,d robots, data in %s%n", steps, robots,
                        scratch.path());
                new io.takeover.tools.bench.ConsoleBenchmark(scratch.path(), steps, robots, System.out).run();
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Replay inserts vs raw RocksDB puts, sampling vs an in-memory float[] ring, reopen time. "
                    + "For a store larger than the heap: TAKEOVER_JAVA_OPTS=-Xmx1g ... --items 10000000.")
    static final class Replay implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--items", defaultValue = "1000000", description = "Transitions stored (default ${DEFAULT-VALUE}).")
        int items;

        @Override
        public Integer call() throws Exception {
            try (ScratchDir scratch = new ScratchDir()) {
                Path dir = scratch.path();
                System.out.printf("replay benchmark: %,d transitions (observation 17, action 6), batch 256, heap %,d MB, "
                        + "data in %s%n", items, Runtime.getRuntime().maxMemory() >> 20, dir);
                new ReplayBenchmark(dir, items, System.out).run();
            }
            return 0;
        }
    }

    @Command(name = "learner", mixinStandardHelpOptions = true,
            description = "Gradient steps/s of the learner as it runs (batch 256, 3x256) for each ensemble size, "
                    + "and the share of time it waits for batches.")
    static final class Learner implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--critics", split = ",", defaultValue = "2,10",
                description = "Ensemble sizes to measure (default ${DEFAULT-VALUE}).")
        java.util.List<Integer> critics;

        @Option(names = "--each", defaultValue = "30s", converter = DurationConverter.class,
                description = "Measuring time per ensemble size (default ${DEFAULT-VALUE}).")
        java.time.Duration each;

        @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (default ${DEFAULT-VALUE}).")
        String device;

        @Override
        public Integer call() throws Exception {
            try (ScratchDir scratch = new ScratchDir()) {
                Path dir = scratch.path();
                System.out.printf("learner benchmark: %s, %d DJL thread(s), data in %s%n", device,
                        Integer.getInteger("ai.djl.pytorch.num_threads", 1), dir);
                new LearnerBenchmark(dir, each, ComputeDevice.of(device), System.out).run(critics);
            }
            return 0;
        }
    }

    @Command(name = "swap", mixinStandardHelpOptions = true,
            description = "Time from a policy snapshot appended to Kafka to every robot acting with it.")
    static final class Swap implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--robots", defaultValue = "50",
                description = "Robots, each with its own subscriber (default ${DEFAULT-VALUE}).")
        int robots;

        @Option(names = "--snapshots", defaultValue = "30", description = "Snapshots published (default ${DEFAULT-VALUE}).")
        int snapshots;

        @Override
        public Integer call() throws Exception {
            try (ScratchDir scratch = new ScratchDir()) {
                Path dir = scratch.path();
                System.out.printf("policy swap benchmark, data in %s%n", dir);
                new SwapBenchmark(dir, robots, snapshots, System.out).run();
            }
            return 0;
        }
    }

    @Command(name = "releases", mixinStandardHelpOptions = true,
            description = "The canary gate on a live simulated fleet (a bad and a good version: time to roll back or "
                    + "promote, takeovers the bad one cost, against a rollback by hand), then its false-rollback "
                    + "and false-promotion rates over many simulated trials.")
    static final class Releases implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--robots", defaultValue = "10", description = "Simulated robots (default ${DEFAULT-VALUE}).")
        int robots;

        @Option(names = "--share", defaultValue = "0.3", description = "Canary share (default ${DEFAULT-VALUE}).")
        double share;

        @Option(names = "--trials", defaultValue = "2000", description = "Simulated trials per case (default ${DEFAULT-VALUE}).")
        int trials;

        @Override
        public Integer call() throws Exception {
            try (ScratchDir scratch = new ScratchDir()) {
                Path dir = scratch.path();
                System.out.printf("release benchmark, data in %s%n", dir);
                new ReleaseBenchmark(dir, robots, share, trials, System.out).run();
            }
            return 0;
        }
    }
}
