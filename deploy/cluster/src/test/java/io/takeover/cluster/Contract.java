package io.takeover.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.cli.Takeover;
import io.takeover.flink.LabelJobMain;
import io.takeover.flink.LabelJobSettings;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.robot.task.Simulators;
import io.takeover.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * What the code says a deployment must agree with: the CLI's commands and the environment
 * variables each reads, the contract's topic names, and the label job's program arguments.
 * Deployment files are checked against these, never against copies of them.
 */
final class Contract {

    static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    private static final CommandLine CLI = Takeover.commandLine();
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:(TAKEOVER_[A-Z_]+)");
    // a topic of this deployment, not a Java package (io.takeover.x) or a label key (takeover.io/x)
    private static final Pattern TOPIC = Pattern.compile("(?<![\\w.])takeover\\.([a-z][a-z-]*)(?![\\w/.-])");

    private Contract() {}

    /** Every YAML document of a file, as maps and lists. */
    static List<Map<String, Object>> yaml(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                if (doc != null) {
                    docs.add(map(doc));
                }
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** Follows map keys; null where the path ends early. */
    static Object at(Object node, String... keys) {
        for (String key : keys) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(key);
        }
        return node;
    }

    static List<String> strings(Object list) {
        return list == null ? List.of() : list(list).stream().map(String::valueOf).toList();
    }

    /** {@code takeover ARGS} as the CLI parses them: options it does not know fail here, saying which. */
    static void checkArguments(String where, List<String> args) {
        try {
            Takeover.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(where + ": `takeover " + String.join(" ", args) + "` is refused: " + e.getMessage());
        }
    }

    /** The value after {@code option} in a command line; null where the option is not given. */
    static String argument(List<String> args, String option) {
        int i = args.indexOf(option);
        assertTrue(i < 0 || i + 1 < args.size(), option + " without a value in " + args);
        return i < 0 ? null : args.get(i + 1);
    }

    /**
     * The address {@code takeover console} listens on, from {@code --bind} or TAKEOVER_CONSOLE_BIND: in a
     * container all of them, since its default (127.0.0.1) is out of reach of a Service or a published port.
     */
    static void checkConsoleListensOnAllAddresses(String where, List<String> args, Map<String, String> environment) {
        String bind = argument(args, "--bind");
        assertEquals("0.0.0.0", bind != null ? bind : environment.get("TAKEOVER_CONSOLE_BIND"),
                where + ": the console listens on every address (--bind / TAKEOVER_CONSOLE_BIND)");
    }

    /** The TAKEOVER_* environment variables a {@code takeover} subcommand reads. */
    static Set<String> environmentOf(String subcommand) {
        CommandLine command = CLI.getSubcommands().get(subcommand);
        assertTrue(command != null, "takeover has no command '" + subcommand + "'; it has " + CLI.getSubcommands().keySet());
        Set<String> names = new TreeSet<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            // the default as written in the annotation, before picocli reads the environment
            String written = option.userObject() instanceof Field field && field.isAnnotationPresent(Option.class)
                    ? field.getAnnotation(Option.class).defaultValue() : "";
            Matcher m = ENV_DEFAULT.matcher(written);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** A container running {@code takeover ARGS} with this environment: a real command, every TAKEOVER_* variable read by it. */
    static void checkTakeoverContainer(String where, List<String> args, Map<String, String> environment) {
        assertFalse(args.isEmpty(), where + ": no takeover command given");
        Set<String> known = environmentOf(args.get(0));
        for (String name : environment.keySet()) {
            if (name.startsWith("TAKEOVER_")) {
                assertTrue(known.contains(name), where + ": `takeover " + args.get(0) + "` does not read " + name
                        + "; it reads " + known);
            }
        }
        if (environment.containsKey("TAKEOVER_TASK")) {
            Simulators.spec(environment.get("TAKEOVER_TASK")); // a task the code knows, or it throws saying which are
        }
    }

    /** Every topic name written in a deployment file is one of the contract's. */
    static void checkTopicNames(Path file) throws IOException {
        Set<String> contract = topicNames();
        Matcher m = TOPIC.matcher(Files.readString(file));
        while (m.find()) {
            assertTrue(contract.contains(m.group()), ROOT.relativize(file) + " names topic " + m.group()
                    + ", which is not in the contract " + contract);
        }
    }

    static Set<String> topicNames() {
        return Topics.DEFAULT.specs(1).stream().map(Topics.Spec::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The label job's program arguments, parsed by the job itself (tasks come from the registry, not from them). */
    static LabelJobSettings labelJob(String where, List<String> args) {
        LabelJobSettings settings;
        try {
            settings = LabelJobMain.parse(args.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new AssertionError(where + ": the label job refuses its arguments " + args + ": " + e.getMessage());
        }
        assertFalse(args.contains("--task"), where + ": the label job reads tasks from takeover.tasks, not --task");
        return settings;
    }

    static String entryClass() {
        return LabelJobMain.class.getName();
    }

    static void assertSamePort(String where, int expected, Object actual) {
        assertEquals(String.valueOf(expected), String.valueOf(actual), where);
    }
}
