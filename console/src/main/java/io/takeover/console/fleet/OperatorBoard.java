package io.takeover.console.fleet;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each operator's takeovers, hand-backs and time in control, and how often the robot needed
 * help again soon after they handed it back, in the same episode: a first per-operator quality signal (an operator
 * whose hand-backs are followed by another takeover within seconds left the robot in a state
 * its policy cannot handle). Built from the interventions topic alone. Not thread-safe.
 */
public final class OperatorBoard {

    /** A takeover of the same robot in the same episode within this event time after a hand-back counts as "needed again soon". */
    public static final Duration SOON = Duration.ofSeconds(5);

    /** One operator's figures. */
    public record Figures(String operator, long takeovers, long handbacks, long controlMillis, long neededAgainSoon,
            double neededAgainSoonShare, long lastActive) {}

    private static final class Tally {
        long takeovers;
        long handbacks;
        long controlMillis;
        long neededAgainSoon;
        long lastActive;
    }

    private record Open(String operator, long since) {}

    private record HandedBack(String operator, long at, String episode) {}

    private final Map<String, Tally> operators = new HashMap<>();
    private final Map<String, Open> open = new HashMap<>(); // robot -> takeover not handed back yet
    private final Map<String, HandedBack> lastHandback = new HashMap<>(); // robot -> last hand-back

    public void add(Intervention iv) {
        String robot = iv.getRobotId();
        String operator = iv.getOperatorId();
        long t = iv.getEventTime().toEpochMilli();
        Tally tally = operators.computeIfAbsent(operator, o -> new Tally());
        tally.lastActive = Math.max(tally.lastActive, t);
        if (iv.getKind() == InterventionKind.TAKEOVER) {
            tally.takeovers++;
            open.put(robot, new Open(operator, t));
            HandedBack before = lastHandback.remove(robot);
            // a hand-back and a takeover at the same instant is a hand-over between operators, and one
            // in the next episode follows a reset: neither is a relapse
            if (before != null && t > before.at() && t - before.at() <= SOON.toMillis()
                    && before.episode().equals(iv.getEpisodeId())) {
                operators.get(before.operator()).neededAgainSoon++;
            }
        } else {
            tally.handbacks++;
            Open taken = open.remove(robot);
            if (taken != null && taken.operator().equals(operator)) {
                tally.controlMillis += Math.max(0, t - taken.since());
            }
            lastHandback.put(robot, new HandedBack(operator, t, iv.getEpisodeId()));
        }
    }

    /** Every operator's figures, busiest first. */
    public List<Figures> figures() {
        List<Figures> out = new ArrayList<>();
        operators.forEach((name, t) -> out.add(new Figures(name, t.takeovers, t.handbacks, t.controlMillis,
                t.neededAgainSoon, t.handbacks == 0 ? 0 : (double) t.neededAgainSoon / t.handbacks, t.lastActive)));
        out.sort(Comparator.comparingLong(Figures::takeovers).reversed().thenComparing(Figures::operator));
        return out;
    }
}
