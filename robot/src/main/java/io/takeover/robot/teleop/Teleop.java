package io.takeover.robot.teleop;

/**
 * What a robot asks at each step: does an operator at the console hold it now, and with which
 * action. The robot's loop knows nothing of Kafka or browsers; {@link TeleopInbox} answers from
 * the teleoperation topic.
 */
public interface Teleop {

    /** Nobody ever holds a robot: for robots that do not obey the console. */
    Teleop NONE = new Teleop() {
        @Override
        public Hold hold(String robotId) {
            return null;
        }

        @Override
        public String handBackReason(String robotId) {
            return "handed back";
        }
    };

    /**
     * An operator's hold on a robot.
     *
     * @param operatorId the operator at the console, who the robot's interventions name
     * @param action     the action to execute, in the task's units; empty before the first drive command
     * @param reason     why the operator took over, if they said
     */
    record Hold(String operatorId, float[] action, String reason) {}

    /** The hold on {@code robotId} now; null when no operator holds it. */
    Hold hold(String robotId);

    /** Why the last hold on {@code robotId} ended: the operator's words, or that the console went quiet. */
    String handBackReason(String robotId);
}
