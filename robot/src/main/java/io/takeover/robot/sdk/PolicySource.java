package io.takeover.robot.sdk;

import io.takeover.robot.policy.MlpPolicy;

/** The policy a robot should act with now; null until the first one arrives. */
@FunctionalInterface
public interface PolicySource {

    MlpPolicy current();
}
