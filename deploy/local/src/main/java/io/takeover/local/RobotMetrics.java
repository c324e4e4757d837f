package io.takeover.local;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.robot.fleet.Fleet;
import io.takeover.robot.fleet.SimulatedRobot;
import java.util.function.ToLongFunction;

/** The simulated robots: how many, and the oldest and newest policy version they act with. */
public final class RobotMetrics {

    private RobotMetrics() {}

    public static void register(PrometheusRegistry registry, Fleet fleet, String task) {
        GaugeWithCallback.builder().name("takeover_robots").help("Robots running.").labelNames("task")
                .callback(cb -> cb.call(fleet.robots().size(), task)).register(registry);
        version(registry, fleet, task, "takeover_robots_oldest_policy_version",
                "Oldest policy version a robot acts with.", true);
        version(registry, fleet, task, "takeover_robots_newest_policy_version",
                "Newest policy version a robot acts with.", false);
    }

    private static void version(PrometheusRegistry registry, Fleet fleet, String task, String name, String help,
            boolean oldest) {
        ToLongFunction<SimulatedRobot> v = SimulatedRobot::policyVersion;
        GaugeWithCallback.builder().name(name).help(help).labelNames("task").callback(cb -> {
            var versions = fleet.robots().stream().mapToLong(v);
            var value = oldest ? versions.min() : versions.max();
            value.ifPresent(x -> cb.call(x, task));
        }).register(registry);
    }
}
