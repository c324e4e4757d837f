package io.takeover.robot.task;

/** What a policy for a task must accept and produce. */
public record TaskSpec(String name, int obsDim, int actDim, float[] actionLow, float[] actionHigh, int maxSteps) {

    public TaskSpec {
        if (actionLow.length != actDim || actionHigh.length != actDim) {
            throw new IllegalArgumentException("action bounds of " + name + " must have " + actDim + " entries");
        }
    }
}
