package io.takeover.console.web;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.RouteRole;
import io.takeover.console.auth.Role;
import io.takeover.console.auth.Sessions;
import io.takeover.console.auth.UsersFile;
import java.util.Optional;

/**
 * Who is asking, and whether they may: a session cookie from signing in, or an API token in
 * {@code Authorization: Bearer}. A route without roles is public (the page and sign-in);
 * every other needs a signed-in user with the route's role. Every write, signing in included,
 * needs a JSON body, which a form on another site cannot send without the browser asking first.
 */
final class Access {

    static final String COOKIE = "takeover_session";
    private static final String SESSION = "session";

    private final Sessions sessions;
    private final UsersFile users;

    Access(Sessions sessions, UsersFile users) {
        this.sessions = sessions;
        this.users = users;
    }

    void check(Context ctx) {
        if (!ctx.method().name().equals("GET") && (ctx.contentType() == null
                || !ctx.contentType().startsWith("application/json"))) {
            throw new io.javalin.http.HttpResponseException(415, "send the request as application/json");
        }
        if (ctx.routeRoles().isEmpty()) {
            return;
        }
        Sessions.Session session = sessionOf(ctx).orElseThrow(() -> new UnauthorizedResponse(
                "sign in first: POST /api/sign-in, or send an API token as 'Authorization: Bearer TOKEN'"));
        for (RouteRole role : ctx.routeRoles()) {
            if (!session.may((Role) role)) {
                throw new ForbiddenResponse(session.user() + " may not do this: it takes the " + ((Role) role).label()
                        + " role");
            }
        }
        ctx.attribute(SESSION, session);
    }

    /** Whether the credentials of this request still sign someone in: live streams end with their session. */
    java.util.function.BooleanSupplier stillValid(Context ctx) {
        String auth = ctx.header("Authorization");
        String cookie = ctx.cookie(COOKIE);
        return () -> sessionOf(auth, cookie).isPresent();
    }

    Optional<Sessions.Session> sessionOf(Context ctx) {
        return sessionOf(ctx.header("Authorization"), ctx.cookie(COOKIE));
    }

    private Optional<Sessions.Session> sessionOf(String authorization, String cookie) {
        if (authorization != null && authorization.startsWith("Bearer ")) {
            return users.byToken(authorization.substring(7).strip()).map(sessions::forToken);
        }
        return sessions.find(cookie);
    }

    static Sessions.Session session(Context ctx) {
        return ctx.attribute(SESSION);
    }
}
