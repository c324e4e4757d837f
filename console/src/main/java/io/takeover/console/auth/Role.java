package io.takeover.console.auth;

import io.javalin.security.RouteRole;
import java.util.Locale;

/** What a signed-in user may do at the console. Everyone signed in may look; writing takes a role. */
public enum Role implements RouteRole {
    /** Any signed-in user: the fleet, the robots, learning, the operators' figures. */
    SIGNED_IN,
    /** Takes over robots, drives them, hands them back. */
    OPERATOR,
    /** Promotes and rolls back releases. */
    MLOPS;

    /** The role as users files and the page write it: {@code operator}, {@code mlops}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A role a user can be given; SIGNED_IN is what every user is. */
    public static Role parse(String label) {
        for (Role role : values()) {
            if (role != SIGNED_IN && role.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + label + "': give operator, mlops, or both (operator,mlops)");
    }
}
