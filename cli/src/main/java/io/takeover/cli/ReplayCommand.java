package io.takeover.cli;

import io.takeover.replay.table.TableName;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.Table;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.robot.task.Simulators;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code takeover replay stats|import|export|demonstrate}: look into, move data in and out of a
 * replay store, and record an operator's demonstrations into it.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Inspect, import into and export a replay store; record demonstrations into it.",
        subcommands = {ReplayCommand.Stats.class, ReplayCommand.Import.class, ReplayCommand.Export.class,
                ReplayCommand.Demonstrate.class})
final class ReplayCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Where the store is and which task it holds. */
    static final class Store {
        @Option(names = "--data-dir", defaultValue = ".takeover/local",
                description = "Data directory of `takeover local` (default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--task", defaultValue = "pendulum", description = "Task (default ${DEFAULT-VALUE}).")
        String task;

        @picocli.CommandLine.Mixin
        KafkaOptions kafka;

        /** The store's layout: its dimensions are the registered task's. */
        ReplaySettings settings() {
            TaskSpec spec = Simulators.has(task) ? Simulators.spec(task)
                    : io.takeover.schemas.task.TaskRegistry.read(kafka.connection(), java.time.Duration.ofSeconds(30))
                            .require(task);
            return ReplaySettings.defaults(dataDir.resolve("replay").resolve(task), task, spec.obsDim(),
                    spec.actDim(), 1_000_000, 1);
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Items, bytes and totals per table, and insert/sample rates over an interval "
                    + "(read-only: works while `takeover local` runs).")
    static final class Stats implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Store store = new Store();

        @Option(names = "--interval", defaultValue = "2s", converter = DurationConverter.class,
                description = "Time between the two readings rates are taken from (default ${DEFAULT-VALUE}).")
        java.time.Duration interval;

        @Override
        public Integer call() throws Exception {
            ReplaySettings settings = store.settings();
            List<long[]> before = totals(settings);
            Thread.sleep(interval.toMillis());
            double seconds = interval.toMillis() / 1000.0;
            try (ReplayStore replay = ReplayStore.openReadOnly(settings)) {
                System.out.printf("replay of %s at %s%n", settings.task(), settings.dir());
                System.out.printf("%-13s %12s %12s %14s %12s %11s%n", "table", "items", "bytes", "inserted",
                        "evicted", "inserts/s");
                int i = 0;
                for (Table t : replay.tables()) {
                    System.out.printf(Locale.ROOT, "%-13s %,12d %,12d %,14d %,12d %,11.0f%n", t.name(), t.size(),
                            t.bytes(), t.inserted(), t.evicted(), (t.inserted() - before.get(i++)[0]) / seconds);
                }
                System.out.println("kafka positions (partition=next offset): " + replay.offsets());
            }
            return 0;
        }

        private static List<long[]> totals(ReplaySettings settings) {
            try (ReplayStore replay = ReplayStore.openReadOnly(settings)) {
                List<long[]> totals = new ArrayList<>();
                for (Table t : replay.tables()) {
                    totals.add(new long[] {t.inserted()});
                }
                return totals;
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Add the Transitions of an Avro container file to a table (default prior), e.g. "
                    + "demonstrations. Stop `takeover local` first: the store has one writer.")
    static final class Import implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Store store = new Store();

        @Parameters(index = "0", description = "Avro container file of Transition records.")
        File file;

        @Option(names = "--table", defaultValue = "prior", description = "Table (default ${DEFAULT-VALUE}).")
        String table;

        @Override
        public Integer call() throws Exception {
            ReplaySettings settings = store.settings();
            try (ReplayStore replay = ReplayStore.open(settings)) {
                long n = 0;
                try (DataFileReader<Transition> in = new DataFileReader<>(file, new SpecificDatumReader<>(Transition.class))) {
                    for (Transition t : in) { // check everything first: nothing half-imported
                        n++;
                        String problem = !t.getTask().equals(settings.task())
                                ? "is of task " + t.getTask() + ", not " + settings.task() : replay.codec().mismatch(t);
                        if (problem != null) {
                            System.err.printf("record %,d of %s %s; nothing imported%n", n, file, problem);
                            return 1;
                        }
                    }
                }
                List<Transition> chunk = new ArrayList<>();
                long done = 0;
                try (DataFileReader<Transition> in = new DataFileReader<>(file, new SpecificDatumReader<>(Transition.class))) {
                    for (Transition t : in) {
                        chunk.add(t);
                        if (chunk.size() == 1000) {
                            done += write(replay, chunk);
                            System.err.printf("\rimported %,d of %,d", done, n);
                        }
                    }
                }
                done += write(replay, chunk);
                Table t = replay.table(TableName.of(table));
                System.err.printf("\rimported %,d of %,d%n", done, n);
                System.out.printf("%s now holds %,d items%n", t.name(), t.size());
            }
            return 0;
        }

        private int write(ReplayStore replay, List<Transition> chunk) {
            int n = chunk.size();
            if (n > 0) {
                replay.insertInto(TableName.of(table), chunk, chunk.stream().map(Codecs.TRANSITION::encode).toList());
                chunk.clear();
            }
            return n;
        }
    }

    @Command(name = "demonstrate", mixinStandardHelpOptions = true,
            description = "Record episodes of a simulated operator in full control into the prior table "
                    + "(reward 0, the operator's actions): demonstrations RLIF samples as prior data and HG-DAgger "
                    + "pre-trains on. `replay export --table prior` writes them to an Avro file. Stop `takeover "
                    + "local` first: the store has one writer.")
    static final class Demonstrate implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Store store = new Store();

        @picocli.CommandLine.Mixin
        OperatorOptions operators = new OperatorOptions();

        @Option(names = "--episodes", defaultValue = "20", description = "Episodes (default ${DEFAULT-VALUE}).")
        int episodes;

        @Option(names = "--seed", defaultValue = "1", description = "Seeds the operator and the episodes (default "
                + "${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() {
            io.takeover.robot.operator.OperatorSettings operator = operators.settings(store.task, seed);
            io.takeover.robot.fleet.Demonstrations.Recorded demos = io.takeover.robot.fleet.Demonstrations.record(
                    () -> Simulators.create(store.task), io.takeover.robot.operator.ScriptedOperator.forTask(
                            "demonstrator", store.task, operator, new java.util.Random(seed)), episodes, seed + 1);
            try (ReplayStore replay = ReplayStore.open(store.settings())) {
                replay.insertInto(TableName.PRIOR, demos.transitions(),
                        demos.transitions().stream().map(Codecs.TRANSITION::encode).toList());
                System.out.printf(Locale.ROOT, "recorded %d episodes (%,d transitions; the operator succeeded in "
                        + "%.0f%%: %s) into prior, which now holds %,d items%n", episodes, demos.transitions().size(),
                        100 * demos.successRate(), OperatorOptions.describe(operator),
                        replay.table(TableName.PRIOR).size());
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a table's transitions, oldest first, to an Avro container file "
                    + "(read-only: works while `takeover local` runs).")
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Store store = new Store();

        @Parameters(index = "0", description = "Avro container file to write.")
        File file;

        @Option(names = "--table", defaultValue = "online", description = "Table (default ${DEFAULT-VALUE}).")
        String table;

        @Override
        public Integer call() throws Exception {
            try (ReplayStore replay = ReplayStore.openReadOnly(store.settings());
                    DataFileWriter<Transition> out = new DataFileWriter<>(new SpecificDatumWriter<>(Transition.class))) {
                out.create(Transition.getClassSchema(), file);
                long[] n = {0};
                replay.table(TableName.of(table)).forEachRecord(bytes -> {
                    try {
                        out.append(Codecs.TRANSITION.decode(bytes));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    n[0]++;
                });
                System.out.printf("exported %,d transitions of %s to %s%n", n[0], table, file);
            }
            return 0;
        }
    }
}
