package io.takeover.schemas.task;

import java.util.Collection;

/** A task the registry does not hold. */
public final class UnknownTaskException extends IllegalArgumentException {

    public UnknownTaskException(String task, Collection<String> registered) {
        super("task '" + task + "' is not registered; registered: " + (registered.isEmpty() ? "none" : registered)
                + ". Register it first: takeover task register FILE (YAML or JSON; see README, 'Connect your own robot')");
    }
}
