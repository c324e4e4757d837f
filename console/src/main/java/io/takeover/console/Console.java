package io.takeover.console;

import io.takeover.console.auth.Sessions;
import io.takeover.console.auth.UsersFile;
import io.takeover.console.fleet.FleetBoard;
import io.takeover.console.kafka.ConsoleFeed;
import io.takeover.console.kafka.ConsoleWriter;
import io.takeover.console.learning.LearningBoard;
import io.takeover.console.teleop.TeleopDesk;
import io.takeover.console.web.ConsoleWeb;

/**
 * The operator console: follows the fleet on Kafka, serves the page and its API, and writes
 * operators' takeovers, drive commands and hand-backs, and MLOps' releases. Parts start in
 * data-flow order and stop in reverse.
 */
public final class Console implements AutoCloseable {

    private final FleetBoard fleet = new FleetBoard();
    private final LearningBoard learning = new LearningBoard();
    private final ConsoleFeed feed;
    private final ConsoleWriter writer;
    private final ConsoleWeb web;

    private Console(ConsoleSettings settings) {
        UsersFile users = UsersFile.read(settings.usersFile());
        if (users.isEmpty()) {
            throw new IllegalArgumentException("nobody can sign in: " + settings.usersFile() + " has no users. Add one "
                    + "with 'takeover console users add NAME --role operator,mlops --file " + settings.usersFile() + "'");
        }
        feed = new ConsoleFeed(settings.kafka(), settings.history(), fleet, learning);
        ConsoleWriter w = null;
        try {
            w = new ConsoleWriter(settings.kafka());
            web = new ConsoleWeb(fleet, learning, new TeleopDesk(fleet, w, settings.obeysTeleop()), w, users,
                    new Sessions(settings.sessionLifetime()), settings.bind(), settings.port());
        } catch (RuntimeException e) {
            if (w != null) {
                w.close();
            }
            feed.close();
            throw e;
        }
        writer = w;
    }

    public static Console start(ConsoleSettings settings) {
        return new Console(settings);
    }

    public int port() {
        return web.port();
    }

    public FleetBoard fleet() {
        return fleet;
    }

    /** Records of the followed topics that the console could not read. */
    public long ignoredRecords() {
        return feed.ignored();
    }

    @Override
    public void close() {
        web.close();
        writer.close();
        feed.close();
    }
}
