package io.takeover.robot.policy;

/** A snapshot a robot must not run; the message says why. */
public final class InvalidPolicyException extends Exception {

    public InvalidPolicyException(String message) {
        super(message);
    }
}
