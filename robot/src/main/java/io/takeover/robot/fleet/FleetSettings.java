package io.takeover.robot.fleet;

import io.takeover.robot.operator.OperatorSettings;

/**
 * @param robots        number of simulated robots
 * @param task          task they all run
 * @param hz            control rate per robot
 * @param seed          seeds every robot and operator
 * @param robotIdPrefix robot ids are prefix + index
 * @param operator      how every robot's scripted operator takes over and how well it controls
 */
public record FleetSettings(int robots, String task, int hz, long seed, String robotIdPrefix,
        OperatorSettings operator) {

    public FleetSettings {
        if (robots < 0) {
            throw new IllegalArgumentException("robots must be >= 0, got " + robots);
        }
        // a final step is stamped 1 ms after the episode's last action, so a period must exceed 1 ms
        if (hz < 1 || hz > 500) {
            throw new IllegalArgumentException("control rate must be 1..500 Hz, got " + hz);
        }
    }
}
