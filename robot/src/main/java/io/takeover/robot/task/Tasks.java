package io.takeover.robot.task;

import java.util.Map;
import java.util.function.Supplier;

/** The tasks robots can run, by name. */
public final class Tasks {

    private static final Map<String, Supplier<Environment>> ENVIRONMENTS = Map.of(Pendulum.NAME, Pendulum::new,
            Reacher.NAME, Reacher::new);

    public static Environment newEnvironment(String task) {
        Supplier<Environment> factory = ENVIRONMENTS.get(task);
        if (factory == null) {
            throw new IllegalArgumentException("unknown task '" + task + "'; known: " + ENVIRONMENTS.keySet());
        }
        return factory.get();
    }

    public static TaskSpec spec(String task) {
        return newEnvironment(task).spec();
    }

    private Tasks() {}
}
