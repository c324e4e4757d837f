package io.takeover.runtime.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.runtime.release.CanaryGate;
import io.takeover.runtime.release.ReleaseController;
import io.takeover.schemas.release.Channel;
import java.util.Locale;

/** A task's release channels: the version each points to, and the canary gate's statistic and decisions. */
public final class ReleaseMetrics {

    private ReleaseMetrics() {}

    public static void register(PrometheusRegistry registry, ReleaseController releases, String task) {
        GaugeWithCallback.builder().name("takeover_release_version")
                .help("The policy version a release channel points to (0: none).").labelNames("task", "channel")
                .callback(cb -> {
                    for (Channel c : Channel.values()) {
                        cb.call(releases.version(c), task, c.label());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("takeover_release_canary_log_likelihood_ratio")
                .help("The canary gate's statistic for the open canary (0 without one): it rolls back at or above "
                        + "takeover_release_canary_roll_back_at, promotes at or below ln(beta/(1-alpha)).")
                .labelNames("task").callback(cb -> {
                    CanaryGate.Verdict v = releases.lastVerdict();
                    boolean open = v != null && releases.version(Channel.CANARY) != 0;
                    cb.call(open ? v.evidence().get("log_likelihood_ratio") : 0, task);
                }).register(registry);
        GaugeWithCallback.builder().name("takeover_release_canary_roll_back_at")
                .help("The canary gate's roll-back threshold, ln((1-beta)/alpha).").labelNames("task")
                .callback(cb -> cb.call(releases.settings().gate().rollBackAt(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_release_gate_decisions")
                .help("The canary gate's decisions: promote or roll_back.").labelNames("task", "decision")
                .callback(cb -> {
                    for (CanaryGate.Decision d : new CanaryGate.Decision[] {CanaryGate.Decision.PROMOTE,
                            CanaryGate.Decision.ROLL_BACK}) {
                        cb.call(releases.decisions(d), task, d.name().toLowerCase(Locale.ROOT));
                    }
                }).register(registry);
    }
}
