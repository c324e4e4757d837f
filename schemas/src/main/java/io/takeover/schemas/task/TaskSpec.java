package io.takeover.schemas.task;

import static io.takeover.schemas.wire.FloatLists.boxed;
import static io.takeover.schemas.wire.FloatLists.unboxed;

import io.takeover.schemas.TaskRegistration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a policy for a task must accept and produce, and how robots run it: the task as the
 * registry holds it ({@code takeover.tasks}). Construct freely; {@link #problems()} says what a
 * registry refuses, and {@link #validated()} refuses it.
 *
 * @param maxSteps        the episode length limit (actions per episode)
 * @param controlHz       control steps per second
 * @param observationMean normalisation hint (empty: none), like {@code observationStd}
 */
public record TaskSpec(String name, int obsDim, int actDim, float[] actionLow, float[] actionHigh, int maxSteps,
        float controlHz, List<String> observationNames, List<String> actionNames, float[] observationMean,
        float[] observationStd, String description) {

    public static final int MAX_OBS_DIM = 4096;
    public static final int MAX_ACT_DIM = 256;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    public TaskSpec {
        observationNames = List.copyOf(observationNames);
        actionNames = List.copyOf(actionNames);
    }

    /** A spec with only what is required. */
    public TaskSpec(String name, int obsDim, int actDim, float[] actionLow, float[] actionHigh, int maxSteps,
            float controlHz) {
        this(name, obsDim, actDim, actionLow, actionHigh, maxSteps, controlHz, List.of(), List.of(), new float[0],
                new float[0], null);
    }

    public TaskSpec withNames(List<String> observation, List<String> action) {
        return new TaskSpec(name, obsDim, actDim, actionLow, actionHigh, maxSteps, controlHz, observation, action,
                observationMean, observationStd, description);
    }

    public TaskSpec withDescription(String text) {
        return new TaskSpec(name, obsDim, actDim, actionLow, actionHigh, maxSteps, controlHz, observationNames,
                actionNames, observationMean, observationStd, text);
    }

    /** Everything a registry refuses in this spec, each said so that a person can fix it; empty when none. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name '" + name + "' must match [a-z0-9][a-z0-9_.-]* and have at most 64 characters");
        }
        if (obsDim < 1 || obsDim > MAX_OBS_DIM) {
            problems.add("obs_dim " + obsDim + " must be 1 to " + MAX_OBS_DIM);
        }
        if (actDim < 1 || actDim > MAX_ACT_DIM) {
            problems.add("act_dim " + actDim + " must be 1 to " + MAX_ACT_DIM);
        }
        if (actionLow.length != actDim || actionHigh.length != actDim) {
            problems.add("action_low and action_high must have act_dim = " + actDim + " entries, have "
                    + actionLow.length + " and " + actionHigh.length);
        } else {
            for (int i = 0; i < actDim; i++) {
                if (!Float.isFinite(actionLow[i]) || !Float.isFinite(actionHigh[i]) || actionLow[i] >= actionHigh[i]) {
                    problems.add("action " + i + " has bounds [" + actionLow[i] + ", " + actionHigh[i]
                            + "]: both must be finite and low below high");
                }
            }
        }
        if (maxSteps < 1) {
            problems.add("max_episode_steps " + maxSteps + " must be at least 1");
        }
        if (!Float.isFinite(controlHz) || controlHz <= 0) {
            problems.add("control_hz " + controlHz + " must be a positive number");
        }
        names("observation_names", observationNames, obsDim, problems);
        names("action_names", actionNames, actDim, problems);
        if (observationMean.length != 0 && observationMean.length != obsDim) {
            problems.add("observation_mean must be empty or have obs_dim = " + obsDim + " entries, has "
                    + observationMean.length);
        }
        if (observationStd.length != 0 && observationStd.length != obsDim) {
            problems.add("observation_std must be empty or have obs_dim = " + obsDim + " entries, has "
                    + observationStd.length);
        }
        for (float m : observationMean) {
            if (!Float.isFinite(m)) {
                problems.add("observation_mean holds " + m + ": every entry must be finite");
                break;
            }
        }
        for (float s : observationStd) {
            if (!Float.isFinite(s) || s <= 0) {
                problems.add("observation_std holds " + s + ": every entry must be a positive number");
                break;
            }
        }
        return problems;
    }

    private static void names(String field, List<String> names, int dim, List<String> problems) {
        if (names.isEmpty()) {
            return;
        }
        if (names.size() != dim) {
            problems.add(field + " must be empty or have " + dim + " entries, has " + names.size());
        }
        if (names.stream().anyMatch(n -> n == null || n.isBlank())) {
            problems.add(field + " has a blank name");
        }
        if (new HashSet<>(names).size() != names.size()) {
            problems.add(field + " has a name twice: " + names);
        }
    }

    /** This spec, or an {@link InvalidTaskException} listing every problem. */
    public TaskSpec validated() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new InvalidTaskException(name, problems);
        }
        return this;
    }

    /** Whether a robot or policy made for {@code other} fits this task: the same dimensions. */
    public boolean sameDimensions(TaskSpec other) {
        return obsDim == other.obsDim && actDim == other.actDim;
    }

    public TaskRegistration toWire(String registeredBy, Instant registeredAt) {
        return TaskRegistration.newBuilder().setName(name).setObsDim(obsDim).setActDim(actDim)
                .setActionLow(boxed(actionLow)).setActionHigh(boxed(actionHigh)).setMaxEpisodeSteps(maxSteps)
                .setControlHz(controlHz).setObservationNames(observationNames).setActionNames(actionNames)
                .setObservationMean(boxed(observationMean)).setObservationStd(boxed(observationStd))
                .setDescription(description).setRegisteredBy(registeredBy).setRegisteredAt(registeredAt).build();
    }

    public static TaskSpec fromWire(TaskRegistration r) {
        return new TaskSpec(r.getName(), r.getObsDim(), r.getActDim(), unboxed(r.getActionLow()),
                unboxed(r.getActionHigh()), r.getMaxEpisodeSteps(), r.getControlHz(), r.getObservationNames(),
                r.getActionNames(), unboxed(r.getObservationMean()), unboxed(r.getObservationStd()), r.getDescription());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskSpec t && name.equals(t.name) && obsDim == t.obsDim && actDim == t.actDim
                && Arrays.equals(actionLow, t.actionLow) && Arrays.equals(actionHigh, t.actionHigh)
                && maxSteps == t.maxSteps && Float.compare(controlHz, t.controlHz) == 0
                && observationNames.equals(t.observationNames) && actionNames.equals(t.actionNames)
                && Arrays.equals(observationMean, t.observationMean) && Arrays.equals(observationStd, t.observationStd)
                && java.util.Objects.equals(description, t.description);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + obsDim * 7 + actDim;
    }

    @Override
    public String toString() {
        return name + " (obs " + obsDim + ", act " + actDim + " in " + Arrays.toString(actionLow) + ".."
                + Arrays.toString(actionHigh) + ", " + maxSteps + " steps at " + controlHz + " Hz)";
    }
}
