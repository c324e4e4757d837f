package io.takeover.flink.stats;

import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;

/** What one input adds to the fleet statistics of its task × policy version. */
public class StatsDelta {

    private String task;
    private long policyVersion;
    private String robotId;
    private long steps;
    private long takeovers;
    private long episodes;
    private long successes;

    public StatsDelta() {}

    /** A control step counts as a step; a final step counts as an episode (and maybe a success). */
    public static StatsDelta of(Step step) {
        StatsDelta d = base(step.getTask(), step.getPolicyVersion(), step.getRobotId());
        boolean last = step.getTerminated() || step.getTruncated();
        d.steps = step.getAction().isEmpty() ? 0 : 1;
        d.episodes = last ? 1 : 0;
        d.successes = last && Boolean.TRUE.equals(step.getSuccess()) ? 1 : 0;
        return d;
    }

    /** A takeover is charged to the policy version that was acting when the operator took over. */
    public static StatsDelta of(Transition transition) {
        StatsDelta d = base(transition.getTask(), transition.getPolicyVersion(), transition.getRobotId());
        d.takeovers = transition.getTakeover() ? 1 : 0;
        return d;
    }

    private static StatsDelta base(String task, long version, String robotId) {
        StatsDelta d = new StatsDelta();
        d.task = task;
        d.policyVersion = version;
        d.robotId = robotId;
        return d;
    }

    public String key() {
        return task + "@" + policyVersion;
    }

    public String getTask() { return task; }
    public void setTask(String task) { this.task = task; }
    public long getPolicyVersion() { return policyVersion; }
    public void setPolicyVersion(long policyVersion) { this.policyVersion = policyVersion; }
    public String getRobotId() { return robotId; }
    public void setRobotId(String robotId) { this.robotId = robotId; }
    public long getSteps() { return steps; }
    public void setSteps(long steps) { this.steps = steps; }
    public long getTakeovers() { return takeovers; }
    public void setTakeovers(long takeovers) { this.takeovers = takeovers; }
    public long getEpisodes() { return episodes; }
    public void setEpisodes(long episodes) { this.episodes = episodes; }
    public long getSuccesses() { return successes; }
    public void setSuccesses(long successes) { this.successes = successes; }
}
