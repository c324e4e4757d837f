package io.takeover.robot.sdk;

import io.takeover.robot.policy.MlpPolicy;

/** The policy a robot should act with now: its release channel's version; null while there is none. */
@FunctionalInterface
public interface PolicySource {

    MlpPolicy current(String robotId);
}
