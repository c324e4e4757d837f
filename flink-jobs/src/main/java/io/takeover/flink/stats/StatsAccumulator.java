package io.takeover.flink.stats;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** Running totals of one task × policy version within one window. */
public class StatsAccumulator {

    private String task;
    private long policyVersion;
    @TypeInfo(RobotSetType.class)
    private Map<String, Boolean> robots = new HashMap<>();
    private long steps;
    private long takeovers;
    private long episodes;
    private long successes;

    public void add(StatsDelta d) {
        task = d.getTask();
        policyVersion = d.getPolicyVersion();
        robots.put(d.getRobotId(), Boolean.TRUE);
        steps += d.getSteps();
        takeovers += d.getTakeovers();
        episodes += d.getEpisodes();
        successes += d.getSuccesses();
    }

    public void merge(StatsAccumulator other) {
        task = other.task;
        policyVersion = other.policyVersion;
        robots.putAll(other.robots);
        steps += other.steps;
        takeovers += other.takeovers;
        episodes += other.episodes;
        successes += other.successes;
    }

    /** Serialized as a Flink map, not through Kryo. */
    public static final class RobotSetType extends TypeInfoFactory<Map<String, Boolean>> {
        @Override
        public TypeInformation<Map<String, Boolean>> createTypeInfo(
                java.lang.reflect.Type t, Map<String, TypeInformation<?>> genericParameters) {
            return Types.MAP(Types.STRING, Types.BOOLEAN);
        }
    }

    public String getTask() { return task; }
    public void setTask(String task) { this.task = task; }
    public long getPolicyVersion() { return policyVersion; }
    public void setPolicyVersion(long policyVersion) { this.policyVersion = policyVersion; }
    public Map<String, Boolean> getRobots() { return robots; }
    public void setRobots(Map<String, Boolean> robots) { this.robots = robots; }
    public long getSteps() { return steps; }
    public void setSteps(long steps) { this.steps = steps; }
    public long getTakeovers() { return takeovers; }
    public void setTakeovers(long takeovers) { this.takeovers = takeovers; }
    public long getEpisodes() { return episodes; }
    public void setEpisodes(long episodes) { this.episodes = episodes; }
    public long getSuccesses() { return successes; }
    public void setSuccesses(long successes) { this.successes = successes; }
}
