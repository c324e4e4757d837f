package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.console.auth.Credentials;
import io.takeover.console.auth.Role;
import io.takeover.console.auth.UsersFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleSignInTest {

    @Test
    void aStackWithNobodyGetsAnOperatorWhosePasswordOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        ConsoleSignIn first = ConsoleSignIn.prepare(dir);
        String password = first.password().orElseThrow();
        assertTrue(password.matches("[A-Za-z0-9_-]{16}"), password);
        assertEquals(password, Files.readString(ConsoleSignIn.signInFile(dir)).strip());
        assertEquals(Set.of(Role.OPERATOR, Role.MLOPS),
                UsersFile.read(first.usersFile()).check("operator", password).orElseThrow().roles());
        for (Path file : new Path[] {first.usersFile(), ConsoleSignIn.signInFile(dir)}) {
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file), file.toString());
        }

        // the next start keeps them
        assertEquals(first, ConsoleSignIn.prepare(dir));
    }

    @Test
    void aPasswordChangedSinceIsNotShownAndUsersOfTheirOwnAreKept(@TempDir Path dir) {
        ConsoleSignIn.prepare(dir);
        UsersFile.read(dir.resolve("users")).put("operator", UsersFile.roles("operator"),
                Credentials.hashPassword("changed"));
        assertFalse(ConsoleSignIn.prepare(dir).password().isPresent());
        assertTrue(UsersFile.read(dir.resolve("users")).check("operator", "changed").isPresent());

        Path other = dir.resolve("other");
        UsersFile.read(other.resolve("users")).put("ana", UsersFile.roles("mlops"), Credentials.hashPassword("pw"));
        ConsoleSignIn signIn = ConsoleSignIn.prepare(other);
        assertFalse(signIn.password().isPresent());
        assertFalse(Files.exists(ConsoleSignIn.signInFile(other)), "nobody generated");
        assertTrue(UsersFile.read(signIn.usersFile()).check("operator", "anything").isEmpty());
    }
}
