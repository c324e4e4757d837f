package io.takeover.local;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The fleet as the label job counts it (cumulative fleet statistics), per task and policy
 * version: steps, takeovers, episodes, successes, and takeovers per 1,000 steps.
 */
public final class FleetMetrics {

    private FleetMetrics() {}

    public static void register(PrometheusRegistry registry, FleetStatsBoard board, String task) {
        counter(registry, board, task, "takeover_fleet_steps", "Control steps taken.", FleetStatsBoard.Totals::steps);
        counter(registry, board, task, "takeover_fleet_takeovers", "Operator takeovers.",
                FleetStatsBoard.Totals::takeovers);
        counter(registry, board, task, "takeover_fleet_episodes", "Episodes ended.", FleetStatsBoard.Totals::episodes);
        counter(registry, board, task, "takeover_fleet_successes", "Episodes ended in success.",
                FleetStatsBoard.Totals::successes);
        GaugeWithCallback.builder().name("takeover_fleet_takeovers_per_1k_steps")
                .help("Takeovers per 1,000 control steps, since the version was first seen.")
                .labelNames("task", "policy_version")
                .callback(cb -> each(board, (version, t) -> cb.call(t.takeoversPer1k(), task, version)))
                .register(registry);
    }

    private static void counter(PrometheusRegistry registry, FleetStatsBoard board, String task, String name,
            String help, ToDoubleFunction<FleetStatsBoard.Totals> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("task", "policy_version")
                .callback(cb -> each(board, (version, t) -> cb.call(value.applyAsDouble(t), task, version)))
                .register(registry);
    }

    private static void each(FleetStatsBoard board, java.util.function.BiConsumer<String, FleetStatsBoard.Totals> f) {
        for (Map.Entry<Long, FleetStatsBoard.Totals> e : board.totals().entrySet()) {
            f.accept(String.valueOf(e.getKey()), e.getValue());
        }
    }
}
