package io.takeover.schemas.task;

/** A spec that would change a registered task's dimensions: data and policies of the old ones would not fit. */
public final class TaskConflictException extends IllegalArgumentException {

    public TaskConflictException(TaskSpec registered, TaskSpec proposed) {
        super("task '" + registered.name() + "' is registered with obs_dim " + registered.obsDim() + " and act_dim "
                + registered.actDim() + "; this spec has obs_dim " + proposed.obsDim() + " and act_dim "
                + proposed.actDim() + ". A registered task's dimensions never change, because its data and "
                + "policies would no longer fit: register the changed robot as a new task (e.g. '"
                + registered.name() + "-v2')");
    }
}
