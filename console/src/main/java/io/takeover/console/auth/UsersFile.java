package io.takeover.console.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The console's users: one line each, {@code NAME ROLES HASH} ({@code ana operator,mlops
 * pbkdf2-sha256$...}), {@code #} comments. A hash is of a password or of an API token
 * ({@link Credentials}); nothing in the file signs anyone in by itself. The file is written
 * readable by its owner only.
 */
public final class UsersFile {

    /** A user: name, roles, and the hash of their password or token. */
    public record User(String name, Set<Role> roles, String hash) {
        public User {
            roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");

    private final Path file;
    private final Map<String, User> users;

    private UsersFile(Path file, Map<String, User> users) {
        this.file = file;
        this.users = users;
    }

    /** Reads {@code file}; a missing file has no users. Each bad line is an error that names its line. */
    public static UsersFile read(Path file) {
        Map<String, User> users = new LinkedHashMap<>();
        if (Files.exists(file)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the console's users file " + file, e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\\s+");
                if (fields.length != 3 || !NAME.matcher(fields[0]).matches()) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'NAME ROLES HASH', as "
                            + "'takeover console users add' writes it");
                }
                users.put(fields[0], new User(fields[0], roles(fields[1]), fields[2]));
            }
        }
        return new UsersFile(file, users);
    }

    /** Parses {@code operator,mlops}. */
    public static Set<Role> roles(String labels) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String label : labels.split(",")) {
            roles.add(Role.parse(label));
        }
        return roles;
    }

    /** Checked for an unknown user, so that an answer takes as long whether the user exists or not. */
    private static final String NOBODY = Credentials.hashPassword(Credentials.randomSecret());

    /** The user, if {@code secret} is their password or token. */
    public Optional<User> check(String name, String secret) {
        User user = name == null ? null : users.get(name);
        boolean matches = Credentials.matches(secret == null ? "" : secret, user == null ? NOBODY : user.hash());
        return user != null && secret != null && matches ? Optional.of(user) : Optional.empty();
    }

    /** The user whose API token this is. */
    public Optional<User> byToken(String token) {
        return users.values().stream().filter(u -> u.hash().startsWith("sha256$") && Credentials.matches(token, u.hash()))
                .findFirst();
    }

    /** Adds or replaces a user, and writes the file (owner-only). */
    public UsersFile put(String name, Set<Role> roles, String hash) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name '" + name + "' must match " + NAME.pattern());
        }
        users.put(name, new User(name, roles, hash));
        List<String> lines = new ArrayList<>(List.of("# takeover console users: NAME ROLES HASH "
                + "(written by 'takeover console users add|token')"));
        for (User u : users.values()) {
            lines.add(u.name() + " " + String.join(",", u.roles().stream().map(Role::label).toList()) + " " + u.hash());
        }
        SecretFile.write(file, String.join("\n", lines) + "\n", "the console's users file");
        return this;
    }

    public boolean isEmpty() {
        return users.isEmpty();
    }

    public Path file() {
        return file;
    }
}
