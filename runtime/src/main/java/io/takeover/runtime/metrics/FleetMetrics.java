package io.takeover.runtime.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.runtime.FleetStatsBoard;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The fleet as the label job counts it (cumulative fleet statistics), per task and policy
 * version: steps, takeovers, episodes, successes, and takeovers per 1,000 steps; and the newest
 * version beside the one before it, which an alert compares.
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
        GaugeWithCallback.builder().name("takeover_fleet_newest_version_takeovers_per_1k_steps")
                .help("Takeovers per 1,000 steps of the newest policy version that has stepped.").labelNames("task")
                .callback(cb -> latest(board, 0, t -> cb.call(t.takeoversPer1k(), task))).register(registry);
        GaugeWithCallback.builder().name("takeover_fleet_newest_version_steps")
                .help("Control steps of the newest policy version that has stepped.").labelNames("task")
                .callback(cb -> latest(board, 0, t -> cb.call(t.steps(), task))).register(registry);
        GaugeWithCallback.builder().name("takeover_fleet_previous_version_takeovers_per_1k_steps")
                .help("Takeovers per 1,000 steps of the version before the newest.").labelNames("task")
                .callback(cb -> latest(board, 1, t -> cb.call(t.takeoversPer1k(), task))).register(registry);
    }

    /** The totals of the {@code back}-th newest version with steps, if there is one. */
    private static void latest(FleetStatsBoard board, int back, java.util.function.Consumer<FleetStatsBoard.Totals> f) {
        List<FleetStatsBoard.Totals> stepped = board.totals().values().stream().filter(t -> t.steps() > 0).toList();
        if (stepped.size() > back) {
            f.accept(stepped.get(stepped.size() - 1 - back));
        }
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
