package io.takeover.schemas.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.TaskRegistration;
import io.takeover.schemas.wire.Codecs;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules every reader of the registry applies, in topic order. */
class TaskRegistryBookTest {

    static TaskRegistration point(int obsDim, float high) {
        return new TaskSpec("point2d", obsDim, 2, new float[] {-1, -1}, new float[] {high, high}, 50, 50)
                .toWire("team", Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void aRegistrationEntersThenMayChangeAnythingButItsDimensions() {
        TaskRegistry.Book book = new TaskRegistry.Book();
        assertNull(book.apply("point2d", Codecs.TASK_REGISTRATION.encode(point(4, 1))));
        assertNull(book.apply("point2d", point(4, 2)), "new bounds, same dimensions: an update");
        assertEquals(2f, book.tasks().get("point2d").actionHigh()[0]);

        String changed = book.apply("point2d", point(6, 1));
        assertTrue(changed.contains("registered with obs_dim 4") && changed.contains("this spec has obs_dim 6"), changed);
        assertEquals(4, book.tasks().get("point2d").obsDim(), "the first dimensions stand");
    }

    @Test
    void aRegistrationUnderAnotherKeyAnInvalidSpecAndGarbageAreRefusedWithTheReason() {
        TaskRegistry.Book book = new TaskRegistry.Book();
        assertTrue(book.apply("other", point(4, 1)).contains("the key must be the task's name"));
        TaskRegistration invalid = TaskRegistration.newBuilder(point(4, 1)).setActionLow(List.of(3f, 3f)).build();
        assertTrue(book.apply("point2d", invalid).contains("low below high"));
        assertTrue(book.apply("point2d", new byte[] {1, 2, 3}).startsWith("undecodable registration"));
        assertTrue(book.tasks().isEmpty());
    }

    @Test
    void aSpecListsEveryProblemAtOnce() {
        TaskSpec bad = new TaskSpec("Bad", 0, 1, new float[] {1}, new float[] {0}, 0, Float.NaN,
                List.of(), List.of("a", "b"), new float[0], new float[] {-1}, null);
        List<String> problems = bad.problems();
        assertEquals(8, problems.size(), String.join("\n", problems));
        InvalidTaskException e = assertThrows(InvalidTaskException.class, bad::validated);
        assertTrue(e.getMessage().startsWith("task spec 'Bad' is refused: name 'Bad' must match"), e.getMessage());
    }
}
