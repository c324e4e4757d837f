package io.takeover.runtime.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.robot.fleet.Fleet;
import io.takeover.robot.fleet.SimulatedRobot;
import io.takeover.robot.sdk.KafkaOutbox;
import io.takeover.robot.teleop.TeleopFollower;
import io.takeover.robot.sdk.PolicySubscriber;
import io.takeover.schemas.policy.PolicyRefusal;
import java.util.function.ToLongFunction;

/**
 * The robots: how many, the oldest and newest policy version they act with, and their SDK's
 * side: snapshots the policy subscriber rejected and the version it holds, records the outbox
 * had acknowledged or lost, spooled records it found torn or corrupt, and whether its sender
 * stopped; robots held from the console, and teleoperation records refused.
 */
public final class RobotMetrics {

    private RobotMetrics() {}

    public static void register(PrometheusRegistry registry, Fleet fleet, PolicySubscriber subscriber,
            KafkaOutbox outbox, TeleopFollower teleop, String task) {
        GaugeWithCallback.builder().name("takeover_robots_held_at_console")
                .help("Robots an operator holds from the console now.").labelNames("task")
                .callback(cb -> cb.call(fleet.robots().stream().filter(r -> r.consoleOperator() != null).count(), task))
                .register(registry);
        CounterWithCallback.builder().name("takeover_robot_teleop_records_refused")
                .help("Records on the teleoperation topic that did not decode: ignored, never obeyed.")
                .labelNames("task").callback(cb -> cb.call(teleop.refused(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_robot_policy_snapshots_rejected")
                .help("Policy snapshots the subscriber refused, by reason: unsigned, unknown_key, bad_signature "
                        + "(changed after signing, or forged), replayed (an old version again), invalid (unfit for the"
                        + " task), undecodable.")
                .labelNames("task", "reason").callback(cb -> {
                    for (PolicyRefusal reason : PolicyRefusal.values()) {
                        cb.call(subscriber.refused(reason), task, reason.label());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("takeover_robot_subscribed_policy_version")
                .help("The policy version the subscriber gives stable robots (0: none yet).").labelNames("task")
                .callback(cb -> cb.call(subscriber.currentVersion(), task)).register(registry);
        GaugeWithCallback.builder().name("takeover_robot_canary_policy_version")
                .help("The policy version the subscriber gives canary robots (0: no canary).").labelNames("task")
                .callback(cb -> cb.call(subscriber.canaryVersion(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_robot_records_sent")
                .help("Steps and interventions Kafka acknowledged.").labelNames("task")
                .callback(cb -> cb.call(outbox.sent(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_robot_records_failed")
                .help("Steps and interventions Kafka refused after retries.").labelNames("task")
                .callback(cb -> cb.call(outbox.failed(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_robot_outbox_spool_records_dropped")
                .help("Spooled records found torn or corrupt when the outbox opened its spool: cut off or moved aside,"
                        + " not sent.").labelNames("task")
                .callback(cb -> cb.call(outbox.spoolRecordsDropped(), task)).register(registry);
        GaugeWithCallback.builder().name("takeover_robot_outbox_sender_failed")
                .help("1 once the outbox's sender stopped on an error: records are spooled, not sent, until a restart.")
                .labelNames("task").callback(cb -> cb.call(outbox.healthy() ? 0 : 1, task)).register(registry);
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
