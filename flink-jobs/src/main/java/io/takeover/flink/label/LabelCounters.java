package io.takeover.flink.label;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * What labelling counts: the rules' exceptional cases under {@code labels}, and the flow under
 * {@code pipeline} (operator steps over steps in is the operators' share of control).
 */
final class LabelCounters {

    final Counter takeovers;
    final Counter duplicateSteps;
    final Counter missingSteps;
    final Counter lateSteps;
    final Counter lateInterventions;
    final Counter unknownEpisodeInterventions;
    final Counter repeatedTakeovers;
    final Counter unmatchedHandbacks;
    final Counter abandonedEpisodes;
    final Counter quietSettles;
    final Counter transitionsOut;
    final Counter operatorSteps;

    LabelCounters(MetricGroup operator) {
        MetricGroup labels = operator.addGroup("labels");
        takeovers = labels.counter("takeovers");
        duplicateSteps = labels.counter("duplicate_steps");
        missingSteps = labels.counter("missing_steps");
        lateSteps = labels.counter("late_steps");
        lateInterventions = labels.counter("late_interventions");
        unknownEpisodeInterventions = labels.counter("unknown_episode_interventions");
        repeatedTakeovers = labels.counter("repeated_takeovers");
        unmatchedHandbacks = labels.counter("unmatched_handbacks");
        abandonedEpisodes = labels.counter("abandoned_episodes");
        quietSettles = labels.counter("quiet_settles");
        MetricGroup pipeline = operator.addGroup("pipeline");
        transitionsOut = pipeline.counter("transitions_out");
        operatorSteps = pipeline.counter("operator_steps");
    }
}
