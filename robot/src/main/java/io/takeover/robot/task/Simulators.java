package io.takeover.robot.task;

import io.takeover.schemas.task.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The simulated worlds of this repository, by task name: code, unlike tasks themselves, which are
 * data in the registry. A simulated robot's task is registered like any other robot's.
 */
public final class Simulators {

    private static final Map<String, Supplier<Environment>> ENVIRONMENTS = Map.of(Pendulum.NAME, Pendulum::new,
            Reacher.NAME, Reacher::new);

    public static Environment create(String task) {
        Supplier<Environment> factory = ENVIRONMENTS.get(task);
        if (factory == null) {
            throw new IllegalArgumentException("no simulator for task '" + task + "'; simulated: "
                    + ENVIRONMENTS.keySet() + " (other tasks need robots of their own)");
        }
        return factory.get();
    }

    /** The spec of a simulated task, as its simulator registers it. */
    public static TaskSpec spec(String task) {
        return create(task).spec();
    }

    public static boolean has(String task) {
        return ENVIRONMENTS.containsKey(task);
    }

    /** The specs of every simulated task. */
    public static List<TaskSpec> specs() {
        return List.of(Pendulum.SPEC, Reacher.SPEC);
    }

    private Simulators() {}
}
