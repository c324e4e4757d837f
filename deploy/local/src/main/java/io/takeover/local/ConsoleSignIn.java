package io.takeover.local;

import io.takeover.console.auth.Credentials;
import io.takeover.console.auth.SecretFile;
import io.takeover.console.auth.UsersFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Who signs in to the local stack's console: the users of {@code DATA/console/users}. A stack
 * whose file has nobody in it gets {@value #USER} (operator and MLOps) with a generated password,
 * written beside it to {@code DATA/console/sign-in}, readable by its owner only; later starts
 * keep both, and whoever runs the stack may add users with {@code takeover console users add}.
 *
 * @param usersFile the console's users file
 * @param password  {@value #USER}'s password from the sign-in file, while it still signs them in
 */
record ConsoleSignIn(Path usersFile, Optional<String> password) {

    static final String USER = "operator";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The users file under {@code consoleDir}, with {@value #USER} in it when it had nobody. */
    static ConsoleSignIn prepare(Path consoleDir) {
        Path usersFile = consoleDir.resolve("users");
        Path signIn = signInFile(consoleDir);
        UsersFile users = UsersFile.read(usersFile);
        if (users.isEmpty()) {
            String password = newPassword();
            SecretFile.write(signIn, password + "\n", "the console's sign-in"); // first: a users file never holds a password nobody can read
            users.put(USER, UsersFile.roles("operator,mlops"), Credentials.hashPassword(password));
            return new ConsoleSignIn(usersFile, Optional.of(password));
        }
        // a password changed since (takeover console users add operator) is not shown
        Optional<String> kept = read(signIn).filter(p -> users.check(USER, p).isPresent());
        return new ConsoleSignIn(usersFile, kept);
    }

    /** Where the generated password is kept. */
    static Path signInFile(Path consoleDir) {
        return consoleDir.resolve("sign-in");
    }

    /** 16 URL-safe characters (96 random bits): easy to copy, long enough for a console on 127.0.0.1. */
    static String newPassword() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file).strip()).filter(p -> !p.isEmpty())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's sign-in " + file, e);
        }
    }
}
