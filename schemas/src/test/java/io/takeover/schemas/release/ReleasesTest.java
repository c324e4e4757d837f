package io.takeover.schemas.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.Release;
import io.takeover.schemas.wire.Codecs;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReleasesTest {

    private final ReleaseBook book = new ReleaseBook("pendulum");

    private Release apply(Release release) {
        assertEquals(null, book.apply(Channel.of(release.getChannel()).key("pendulum"), Codecs.RELEASE.encode(release)));
        return release;
    }

    @Test
    void stableKeepsItsHistorySoARollbackGoesBackAndHoldsThere() {
        apply(Releases.promote(book, Channel.STABLE, 3, "auto-promote", "first", 0));
        apply(Releases.promote(book, Channel.STABLE, 4, "auto-promote", "newer", 0));
        Release five = apply(Releases.promote(book, Channel.STABLE, 5, "auto-promote", "newer", 0));
        assertEquals(List.of(4L, 3L), five.getHistory());

        Release back = apply(Releases.rollback(book, "ana", "v5 needs more takeovers"));
        assertEquals(4, back.getVersion());
        assertEquals(List.of(3L), back.getHistory());
        assertTrue(back.getPinned(), "a rollback holds until a person unpins");
        assertEquals("ana", back.getSetBy());
        assertEquals("v5 needs more takeovers", back.getReason());

        Release unpinned = apply(Releases.unpin(book, "ana", "v6 fixed it"));
        assertEquals(4, unpinned.getVersion());
        assertFalse(unpinned.getPinned());
        apply(Releases.rollback(book, "ana", "again"));
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> Releases.rollback(book, "ana", "once more"));
        assertTrue(none.getMessage().contains("no earlier version"), none.getMessage());
    }

    @Test
    void aPinHoldsAVersionAndTheHistoryIsBounded() {
        for (int v = 1; v <= 40; v++) {
            apply(Releases.promote(book, Channel.STABLE, v, "auto-promote", "newer", 0));
        }
        assertEquals(Releases.HISTORY, book.get(Channel.STABLE).orElseThrow().getHistory().size());
        Release pinned = apply(Releases.pin(book, 12, "ana", "the last good one"));
        assertTrue(pinned.getPinned());
        assertEquals(40L, pinned.getHistory().get(0));
    }

    @Test
    void aCanaryNeedsAShareAndClosingItRemembersTheVersionTried() {
        assertThrows(IllegalArgumentException.class, () -> Releases.promote(book, Channel.CANARY, 7, "x", "y", 0));
        apply(Releases.promote(book, Channel.CANARY, 7, "canary-gate", "try", 0.2));
        assertEquals(0.2, book.canaryShare());
        Release closed = apply(Releases.closeCanary(book, "canary-gate", "rolled back", Map.of("rate_ratio", 3.0)));
        assertEquals(0, closed.getVersion());
        assertEquals(List.of(7L), closed.getHistory());
        assertEquals(0, book.canaryShare(), "no canary, no share");
        assertEquals(3.0, closed.getEvidence().get("rate_ratio"));
    }

    @Test
    void theCanaryShareIsAStableFractionOfRobotIds() {
        List<String> robots = IntStream.range(0, 10_000).mapToObj(i -> "robot-" + i).toList();
        long inTen = robots.stream().filter(r -> Channel.inCanary(r, 0.1)).count();
        assertTrue(inTen > 900 && inTen < 1100, "about 10% of 10,000: " + inTen);
        assertTrue(robots.stream().filter(r -> Channel.inCanary(r, 0.1)).allMatch(r -> Channel.inCanary(r, 0.3)),
                "a robot in a 10% canary stays in as it grows to 30%");
        assertFalse(robots.stream().anyMatch(r -> Channel.inCanary(r, 0)));
        assertTrue(robots.stream().allMatch(r -> Channel.inCanary(r, 1.0)));
    }

    @Test
    void archiveKeysNameTheirTaskAndVersion() {
        assertEquals("pendulum/42", PolicyArchive.key("pendulum", 42));
        assertEquals(42, PolicyArchive.version("pendulum/42", "pendulum"));
        assertEquals(-1, PolicyArchive.version("pendulum2/42", "pendulum"));
        assertEquals(-1, PolicyArchive.version("pendulum", "pendulum"));
        assertEquals(-1, PolicyArchive.version("pendulum/x", "pendulum"));
    }

    @Test
    void aReleaseUnderAnotherChannelsKeyIsRefused() {
        Release canary = Releases.promote(book, Channel.CANARY, 7, "canary-gate", "try", 0.2);
        String refusal = book.apply(Channel.STABLE.key("pendulum"), Codecs.RELEASE.encode(canary));
        assertTrue(refusal != null && refusal.contains("pendulum/canary"), String.valueOf(refusal));
        assertEquals(0, book.version(Channel.STABLE));
    }
}
