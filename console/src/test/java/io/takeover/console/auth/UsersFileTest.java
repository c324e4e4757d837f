package io.takeover.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {

    @TempDir
    Path dir;

    @Test
    void aPasswordIsStoredHashedAndChecked() throws Exception {
        Path file = dir.resolve("users");
        UsersFile.read(file).put("ana", Set.of(Role.OPERATOR), Credentials.hashPassword("s3cret pass"));
        String text = Files.readString(file);
        assertFalse(text.contains("s3cret"), "never the password itself");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        UsersFile users = UsersFile.read(file);
        assertEquals(Set.of(Role.OPERATOR), users.check("ana", "s3cret pass").orElseThrow().roles());
        assertTrue(users.check("ana", "s3cret pas").isEmpty());
        assertTrue(users.check("bo", "s3cret pass").isEmpty());
    }

    @Test
    void aTokenSignsInItsUserOnly() {
        String token = Credentials.randomSecret();
        UsersFile users = UsersFile.read(dir.resolve("users"))
                .put("ci", Set.of(Role.MLOPS), Credentials.hashToken(token))
                .put("ana", Set.of(Role.OPERATOR), Credentials.hashPassword("pw"));
        assertEquals("ci", users.byToken(token).orElseThrow().name());
        assertTrue(users.byToken(Credentials.randomSecret()).isEmpty());
        assertTrue(users.byToken("pw").isEmpty(), "a password is not a token");
    }

    @Test
    void badLinesAndRolesAreNamed() throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "# users\nana operator\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> UsersFile.read(file));
        assertTrue(bad.getMessage().contains("line 2"), bad.getMessage());
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class, () -> UsersFile.roles("admin"));
        assertTrue(role.getMessage().contains("operator, mlops"), role.getMessage());
    }
}
