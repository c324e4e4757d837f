package io.takeover.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The one front door: {@code bin/takeover <command>}. */
@Command(name = "takeover", mixinStandardHelpOptions = true, version = "takeover 0.1.0",
        description = "Operator takeovers of deployed robots, turned into continuous learning (RLIF).",
        subcommands = {})
public final class Takeover implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Help lists the commands in this order: the one that runs everything first, tools last. */
    private static final List<String> ORDER = List.of("local", "topics", "task", "keys", "access", "policy", "learner", "fleet",
            "console", "replay", "experiment", "bench");

    /** The commands built in, and those the modules on the classpath add ({@link Subcommand}). */
    public static CommandLine commandLine() {
        List<Object> commands = new ArrayList<>(List.of(new TopicsCommand(), new TaskCommand(), new KeysCommand(),
                new AccessCommand(), new PolicyCommand(), new LearnerCommand(), new FleetCommand(), new ConsoleCommand(),
                new ReplayCommand()));
        ServiceLoader.load(Subcommand.class).forEach(commands::add);
        commands.sort(Comparator.comparingInt(c -> {
            int i = ORDER.indexOf(c.getClass().getAnnotation(Command.class).name());
            return i < 0 ? ORDER.size() : i;
        }));
        CommandLine line = new CommandLine(new Takeover()).setExecutionExceptionHandler(Takeover::report);
        commands.forEach(line::addSubcommand);
        return line;
    }

    /** A failed command says what went wrong in one line; the stack trace goes to the log file. */
    private static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(": ").append(cause.getMessage());
            }
        }
        command.getErr().println("takeover " + command.getCommandName() + ": " + message
                + " (details in " + System.getProperty("takeover.log", ".takeover/takeover.log") + ")");
        LoggerFactory.getLogger(Takeover.class).info("takeover {} failed", command.getCommandName(), e); // file only
        return 1;
    }
}
