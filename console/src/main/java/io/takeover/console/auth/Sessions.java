package io.takeover.console.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Signed-in browsers: a random session id (the cookie) per sign-in, for a bounded time. */
public final class Sessions {

    /** A signed-in user. */
    public record Session(String user, Set<Role> roles, long expiresAtNanos) {
        public boolean may(Role role) {
            return role == Role.SIGNED_IN || roles.contains(role);
        }
    }

    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration lifetime;

    public Sessions(Duration lifetime) {
        this.lifetime = lifetime;
    }

    /** Opens a session for {@code user}; returns its id. */
    public String open(UsersFile.User user) {
        sessions.values().removeIf(s -> System.nanoTime() - s.expiresAtNanos() > 0);
        String id = Credentials.randomSecret();
        sessions.put(id, new Session(user.name(), user.roles(), System.nanoTime() + lifetime.toNanos()));
        return id;
    }

    public Optional<Session> find(String id) {
        Session session = id == null ? null : sessions.get(id);
        if (session == null || System.nanoTime() - session.expiresAtNanos() > 0) {
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** A session for a request that carries an API token instead of a cookie: not stored. */
    public Session forToken(UsersFile.User user) {
        return new Session(user.name(), user.roles(), System.nanoTime() + lifetime.toNanos());
    }

    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    public Duration lifetime() {
        return lifetime;
    }
}
