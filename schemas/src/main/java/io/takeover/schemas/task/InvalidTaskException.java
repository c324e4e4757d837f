package io.takeover.schemas.task;

import java.util.List;

/** A task spec the registry refuses, with every reason. */
public final class InvalidTaskException extends IllegalArgumentException {

    private final List<String> problems;

    public InvalidTaskException(String task, List<String> problems) {
        super("task spec '" + task + "' is refused: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
