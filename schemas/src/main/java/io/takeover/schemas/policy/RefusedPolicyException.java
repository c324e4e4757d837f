package io.takeover.schemas.policy;

/** A policy snapshot a robot must not run, and why. */
public class RefusedPolicyException extends Exception {

    private final PolicyRefusal reason;

    public RefusedPolicyException(PolicyRefusal reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PolicyRefusal reason() {
        return reason;
    }
}
