package io.takeover.schemas.release;

import java.util.Locale;

/** A release channel of a task: what robots run. */
public enum Channel {
    /** Every robot not in the canary share. */
    STABLE,
    /** A share of the robots, chosen by robot id, trying a version before everyone does. */
    CANARY;

    /** Its name on the wire and on the command line: {@code stable}, {@code canary}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Channel of(String label) {
        for (Channel c : values()) {
            if (c.label().equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown channel '" + label + "': stable or canary");
    }

    /** The key of this channel's releases on {@code takeover.releases}: {@code task/channel}. */
    public String key(String task) {
        return task + "/" + label();
    }

    /**
     * Whether a robot is in the canary share: the first 8 bytes of the SHA-256 of its id, as an
     * unsigned fraction of 2^64, below {@code share}. The same robots stay in as the share grows.
     */
    public static boolean inCanary(String robotId, double share) {
        if (share <= 0) {
            return false;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(robotId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            long bits = java.nio.ByteBuffer.wrap(digest, 0, 8).getLong();
            double fraction = (bits >>> 11) * 0x1.0p-53; // the top 53 bits: exact in a double
            return fraction < share;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
