package io.takeover.cli;

import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code takeover task}: the registry of tasks every part reads ({@code takeover.tasks}). */
@Command(name = "task", mixinStandardHelpOptions = true,
        description = "Register, list and show tasks: what robots of a task observe and do, registered once and "
                + "read by the label job, replay, learner and fleet.",
        subcommands = {TaskCommand.Register.class, TaskCommand.Listing.class, TaskCommand.Show.class})
final class TaskCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a task from a YAML or JSON file (fields: name, obs_dim, act_dim, action_low, "
                    + "action_high, max_episode_steps, control_hz; optional observation_names, action_names, "
                    + "observation_mean, observation_std, description). A spec that changes a registered task's "
                    + "dimensions is refused.")
    static final class Register implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Parameters(paramLabel = "FILE", description = "The task spec, YAML or JSON.")
        Path file;

        @Option(names = "--by", defaultValue = "${env:USER:-cli}", description = "Who registers it (default: $USER).")
        String by;

        @Override
        public Integer call() throws Exception {
            TaskSpec spec = TaskFile.read(file);
            TaskRegistry.Outcome outcome = TaskRegistry.register(kafka.connection(), spec, by, TIMEOUT);
            System.out.println(switch (outcome) {
                case REGISTERED -> "registered " + spec;
                case UPDATED -> "updated " + spec + " (same dimensions)";
                case UNCHANGED -> "already registered, unchanged: " + spec;
            });
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The registered tasks, one per line.")
    static final class Listing implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            TaskRegistry.Snapshot registry = TaskRegistry.read(kafka.connection(), TIMEOUT);
            System.out.printf("%-20s %7s %7s %10s %8s  %s%n", "TASK", "OBS", "ACT", "MAX STEPS", "HZ", "DESCRIPTION");
            registry.tasks().values().stream().sorted(java.util.Comparator.comparing(TaskSpec::name))
                    .forEach(t -> System.out.printf("%-20s %7d %7d %10d %8.1f  %s%n", t.name(), t.obsDim(),
                            t.actDim(), t.maxSteps(), t.controlHz(), t.description() == null ? "" : t.description()));
            registry.refused().forEach(r -> System.out.println("refused on the topic: " + r));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One task's spec, every field.")
    static final class Show implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            KafkaConnection connection = kafka.connection();
            TaskSpec t = TaskRegistry.read(connection, TIMEOUT).require(name);
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            fields.put("name", t.name());
            fields.put("obs_dim", t.obsDim());
            fields.put("act_dim", t.actDim());
            fields.put("action_low", Arrays.toString(t.actionLow()));
            fields.put("action_high", Arrays.toString(t.actionHigh()));
            fields.put("max_episode_steps", t.maxSteps());
            fields.put("control_hz", t.controlHz());
            fields.put("observation_names", t.observationNames());
            fields.put("action_names", t.actionNames());
            fields.put("observation_mean", Arrays.toString(t.observationMean()));
            fields.put("observation_std", Arrays.toString(t.observationStd()));
            fields.put("description", t.description() == null ? "" : t.description());
            fields.forEach((k, v) -> System.out.printf("%-18s %s%n", k + ":", v));
            return 0;
        }
    }
}
