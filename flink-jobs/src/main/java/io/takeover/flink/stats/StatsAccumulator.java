package io.takeover.flink.stats;

import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;

/**
 * Counts within one event-time window: of one robot at one task × policy version (then
 * {@code robotId} is set and {@code robots} is 1), or, merged, of all robots at that task ×
 * policy version.
 */
public class StatsAccumulator {

    private String task;
    private long policyVersion;
    private String robotId;
    private long robots;
    private long steps;
    private long takeovers;
    private long episodes;
    private long successes;

    public StatsAccumulator() {}

    /** A control step counts as a step; a final step counts as an episode (and maybe a success). */
    public static StatsAccumulator of(Step step) {
        StatsAccumulator a = robot(step.getTask(), step.getPolicyVersion(), step.getRobotId());
        a.count(step);
        return a;
    }

    /** Adds one more step of this robot, task and policy version. */
    public void count(Step step) {
        boolean last = step.getTerminated() || step.getTruncated();
        steps += step.getAction().isEmpty() ? 0 : 1;
        episodes += last ? 1 : 0;
        successes += last && Boolean.TRUE.equals(step.getSuccess()) ? 1 : 0;
    }

    /** A takeover is charged to the policy version that was acting when the operator took over. */
    public static StatsAccumulator ofTakeover(Transition transition) {
        StatsAccumulator a = robot(transition.getTask(), transition.getPolicyVersion(), transition.getRobotId());
        a.takeovers = 1;
        return a;
    }

    private static StatsAccumulator robot(String task, long version, String robotId) {
        StatsAccumulator a = new StatsAccumulator();
        a.task = task;
        a.policyVersion = version;
        a.robotId = robotId;
        a.robots = 1;
        return a;
    }

    /** One robot at one task × policy version. */
    public String robotKey() {
        return task + "@" + policyVersion + "@" + robotId;
    }

    /** One task × policy version. */
    public String key() {
        return task + "@" + policyVersion;
    }

    /** Adds {@code other}'s counts, robots included. */
    public void merge(StatsAccumulator other) {
        task = other.task;
        policyVersion = other.policyVersion;
        robotId = other.robotId;
        robots += other.robots;
        steps += other.steps;
        takeovers += other.takeovers;
        episodes += other.episodes;
        successes += other.successes;
    }

    public String getTask() { return task; }
    public void setTask(String task) { this.task = task; }
    public long getPolicyVersion() { return policyVersion; }
    public void setPolicyVersion(long policyVersion) { this.policyVersion = policyVersion; }
    public String getRobotId() { return robotId; }
    public void setRobotId(String robotId) { this.robotId = robotId; }
    public long getRobots() { return robots; }
    public void setRobots(long robots) { this.robots = robots; }
    public long getSteps() { return steps; }
    public void setSteps(long steps) { this.steps = steps; }
    public long getTakeovers() { return takeovers; }
    public void setTakeovers(long takeovers) { this.takeovers = takeovers; }
    public long getEpisodes() { return episodes; }
    public void setEpisodes(long episodes) { this.episodes = episodes; }
    public long getSuccesses() { return successes; }
    public void setSuccesses(long successes) { this.successes = successes; }
}
