package io.takeover.cli;

/**
 * A command that another module adds to {@code takeover} when it is on the classpath, listed in
 * its {@code META-INF/services/io.takeover.cli.Subcommand}: {@code local} (deploy/local),
 * {@code bench} and {@code experiment} (tools). The production image carries none of them, and
 * with them none of Flink or the embedded broker.
 */
public interface Subcommand {}
