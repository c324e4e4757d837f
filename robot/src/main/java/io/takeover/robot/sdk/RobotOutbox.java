package io.takeover.robot.sdk;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;

/** Where a robot's steps and its operator's interventions go. Must not block the control loop. */
public interface RobotOutbox extends AutoCloseable {

    void step(Step step);

    void intervention(Intervention intervention);

    @Override
    void close();
}
