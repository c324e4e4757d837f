package io.takeover.learner;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.learner.UpdateStats;
import java.util.function.ToDoubleFunction;

/**
 * The learner's Prometheus metrics, read when scraped, labelled by task: losses, mean Q,
 * temperature and entropy of the last update, gradient steps (total and per second), the
 * update-to-data ratio, the pace set in gradient steps per environment step and how far behind it
 * the learner is, time spent waiting for batches, versions published and the newest one.
 */
public final class LearnerMetrics {

    private LearnerMetrics() {}

    public static void register(PrometheusRegistry registry, Learner learner) {
        String task = learner.settings().task();
        stat(registry, learner, "takeover_learner_critic_loss", "Critic loss of the last update.", UpdateStats::criticLoss);
        stat(registry, learner, "takeover_learner_actor_loss", "Actor loss of the last update.", UpdateStats::actorLoss);
        stat(registry, learner, "takeover_learner_mean_q", "Mean Q of the last batch.", UpdateStats::meanQ);
        stat(registry, learner, "takeover_learner_temperature", "Entropy temperature alpha.", UpdateStats::alpha);
        stat(registry, learner, "takeover_learner_entropy", "Policy entropy estimate on the last batch.",
                UpdateStats::entropy);
        GaugeWithCallback.builder().name("takeover_learner_gradient_steps_per_second")
                .help("Gradient steps per second over the last 2 s.").labelNames("task")
                .callback(cb -> cb.call(learner.stepsPerSecond(), task)).register(registry);
        GaugeWithCallback.builder().name("takeover_learner_update_to_data_ratio")
                .help("Critic updates per actor update (G).").labelNames("task")
                .callback(cb -> cb.call(learner.settings().agent().utd(), task)).register(registry);
        GaugeWithCallback.builder().name("takeover_learner_updates_per_env_step_target")
                .help("Gradient steps per environment step the learner is paced to; 0: as fast as it can.")
                .labelNames("task").callback(cb -> cb.call(learner.settings().updatesPerEnvStep(), task))
                .register(registry);
        GaugeWithCallback.builder().name("takeover_learner_updates_behind")
                .help("Gradient steps the data allows that the learner has not taken yet; growing: the machine "
                        + "cannot keep up with the pace.").labelNames("task")
                .callback(cb -> cb.call(learner.updatesBehind(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_learner_env_steps")
                .help("Environment steps (online transitions) since training began, when paced.").labelNames("task")
                .callback(cb -> cb.call(learner.envSteps(), task)).register(registry);
        GaugeWithCallback.builder().name("takeover_learner_policy_version")
                .help("Newest policy version published for the task.").labelNames("task")
                .callback(cb -> cb.call(learner.publishedVersion(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_learner_gradient_steps").help("Gradient steps taken.")
                .labelNames("task").callback(cb -> cb.call(learner.gradientSteps(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_learner_replay_wait_seconds")
                .help("Time the training loop waited for batches from the replay.").labelNames("task")
                .callback(cb -> cb.call(learner.replayWaitSeconds(), task)).register(registry);
        CounterWithCallback.builder().name("takeover_learner_versions_published")
                .help("Policy versions this learner published.").labelNames("task")
                .callback(cb -> cb.call(learner.versionsPublished(), task)).register(registry);
    }

    private static void stat(PrometheusRegistry registry, Learner learner, String name, String help,
            ToDoubleFunction<UpdateStats> value) {
        String task = learner.settings().task();
        GaugeWithCallback.builder().name(name).help(help).labelNames("task").callback(cb -> {
            UpdateStats s = learner.lastStats();
            if (s != null) {
                cb.call(value.applyAsDouble(s), task);
            }
        }).register(registry);
    }
}
