package io.takeover.schemas.wire;

/** Bytes that are not a value of the wire contract; {@link #reason()} says which way. */
public final class WireFormatException extends RuntimeException {

    /** Why a value could not be read. The names are the dead-letter reasons. */
    public enum Reason {
        /** Does not start with the single-object marker C3 01. */
        NOT_SINGLE_OBJECT,
        /** A schema fingerprint this reader does not know. */
        UNKNOWN_SCHEMA,
        /** Header fine, datum truncated or corrupt. */
        UNDECODABLE
    }

    private final Reason reason;

    public WireFormatException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
