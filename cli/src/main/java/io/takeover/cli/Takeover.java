package io.takeover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one front door: {@code bin/takeover <command>}. */
@Command(name = "takeover", mixinStandardHelpOptions = true, version = "takeover 0.1.0",
        description = "Operator takeovers of deployed robots, turned into continuous learning (RLIF).",
        subcommands = {LocalCommand.class, TopicsCommand.class, LearnerCommand.class, FleetCommand.class,
                ExperimentCommand.class, ReplayCommand.class, BenchCommand.class})
public final class Takeover implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Takeover()).execute(args));
    }
}
