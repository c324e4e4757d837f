package io.takeover.schemas.policy;

import java.util.Locale;

/** Why a robot refused a policy snapshot: the label of its refusal metric, and the first words of the log line. */
public enum PolicyRefusal {
    /** Not a {@code PolicySnapshot} of a schema the robot knows. */
    UNDECODABLE,
    /** No signature, or no key id. */
    UNSIGNED,
    /** Signed by a key the robot does not trust. */
    UNKNOWN_KEY,
    /** The signature does not match the snapshot: it was changed after signing, or forged. */
    BAD_SIGNATURE,
    /** A version no newer than one already verified: an old snapshot published again. */
    REPLAYED,
    /** Signed, but unfit for the robot's task: dimensions, architecture, checksum, tensors. */
    INVALID;

    /** Lower case, as in metrics: {@code bad_signature}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
