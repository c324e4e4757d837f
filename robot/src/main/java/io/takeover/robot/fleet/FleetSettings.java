package io.takeover.robot.fleet;

/**
 * @param robots        number of simulated robots
 * @param task          task they all run
 * @param hz            control rate per robot
 * @param seed          seeds every robot and operator
 * @param robotIdPrefix robot ids are prefix + index
 */
public record FleetSettings(int robots, String task, int hz, long seed, String robotIdPrefix) {

    public FleetSettings {
        if (robots < 0) {
            throw new IllegalArgumentException("robots must be >= 0, got " + robots);
        }
        if (hz < 1 || hz > 1000) {
            throw new IllegalArgumentException("control rate must be 1..1000 Hz, got " + hz);
        }
    }

    public static FleetSettings defaults(int robots) {
        return new FleetSettings(robots, "pendulum", 20, 42, "robot-");
    }
}
