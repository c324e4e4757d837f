package io.takeover.console.teleop;

import io.takeover.console.fleet.FleetBoard;
import io.takeover.console.kafka.ConsoleWriter;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.TeleopKind;
import io.takeover.schemas.task.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Takeovers, driving and hand-backs from the console, with their rules: one operator holds a
 * robot at a time, only the holder drives or hands back, and an action must fit the robot's
 * task. A robot that obeys teleoperation gets commands and writes the interventions itself at
 * its own steps; for any other robot the console writes the intervention, stamped just after
 * the robot's newest step and with that step's episode, and the robot's own teleop device
 * drives it.
 */
public final class TeleopDesk {

    /** Why a request was refused, in words for the operator, with the HTTP status it maps to. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** An operator's hold on a robot as this console knows it. */
    public record Hold(String operator, boolean teleop, long lastCommandNanos) {}

    /** A hold of a teleoperated robot with no command for this long has been let go by the robot itself. */
    private static final Duration TELEOP_DEADMAN = Duration.ofSeconds(3);

    private final FleetBoard fleet;
    private final ConsoleWriter writer;
    private final Predicate<String> obeysTeleop;
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    public TeleopDesk(FleetBoard fleet, ConsoleWriter writer, Predicate<String> obeysTeleop) {
        this.fleet = fleet;
        this.writer = writer;
        this.obeysTeleop = obeysTeleop;
    }

    public synchronized Hold takeover(String robot, String operator, String reason) {
        Step last = online(robot);
        Hold held = live(robot);
        if (held != null && !held.operator().equals(operator)) {
            throw new Refused(409, robot + " is held by " + held.operator() + "; they must hand it back first");
        }
        if (held != null) {
            return held;
        }
        boolean teleop = obeysTeleop.test(robot);
        if (teleop) {
            writer.command(command(robot, operator, TeleopKind.TAKEOVER, List.of(), reason));
        } else {
            writer.intervention(intervention(last, operator, InterventionKind.TAKEOVER, reason));
        }
        Hold hold = new Hold(operator, teleop, System.nanoTime());
        holds.put(robot, hold);
        return hold;
    }

    /** Sends the action the operator commands; only the holder of a teleoperated robot may. */
    public synchronized void drive(String robot, String operator, List<Float> action) {
        Hold hold = holder(robot, operator);
        if (!hold.teleop()) {
            throw new Refused(409, robot + " does not obey the console's teleoperation: drive it with its own "
                    + "teleop device");
        }
        TaskSpec task = fleet.lastStep(robot).map(Step::getTask).map(t -> fleet.tasks().get(t)).orElse(null);
        if (task != null && action.size() != task.actDim()) {
            throw new Refused(400, "an action of " + robot + "'s task " + task.name() + " has " + task.actDim()
                    + " values, not " + action.size());
        }
        for (Float a : action) {
            if (a == null || !Float.isFinite(a)) {
                throw new Refused(400, "every action value must be a finite number, got " + action);
            }
        }
        writer.drive(command(robot, operator, TeleopKind.DRIVE, action, null));
        holds.put(robot, new Hold(operator, true, System.nanoTime()));
    }

    /**
     * Hands back. A robot outside teleoperation that the console no longer hears from is let go
     * without an intervention: there is no step to stamp it with, and no episode it belongs to.
     */
    public synchronized void handback(String robot, String operator, String reason) {
        Hold hold = holder(robot, operator);
        if (hold.teleop()) {
            writer.command(command(robot, operator, TeleopKind.HANDBACK, List.of(), reason));
        } else {
            fleet.lastStep(robot).ifPresent(last ->
                    writer.intervention(intervention(last, operator, InterventionKind.HANDBACK, reason)));
        }
        holds.remove(robot);
    }

    /** Who holds each robot from this console. */
    public Map<String, Hold> holds() {
        holds.keySet().forEach(this::live);
        return Map.copyOf(holds);
    }

    private Hold holder(String robot, String operator) {
        Hold hold = live(robot);
        if (hold == null) {
            throw new Refused(409, "nobody holds " + robot + " from the console: take it over first");
        }
        if (!hold.operator().equals(operator)) {
            throw new Refused(403, robot + " is held by " + hold.operator() + ", not by " + operator);
        }
        return hold;
    }

    private Hold live(String robot) {
        Hold hold = holds.get(robot);
        if (hold != null && hold.teleop() && System.nanoTime() - hold.lastCommandNanos() > TELEOP_DEADMAN.toNanos()) {
            holds.remove(robot, hold); // the robot let go by itself: the console went quiet
            return null;
        }
        return hold;
    }

    private Step online(String robot) {
        return fleet.lastStep(robot).orElseThrow(() -> new Refused(404, "no robot " + robot
                + " has sent a step that this console has seen"));
    }

    private static TeleopCommand command(String robot, String operator, TeleopKind kind, List<Float> action,
            String reason) {
        return TeleopCommand.newBuilder().setRobotId(robot).setOperatorId(operator).setKind(kind).setAction(action)
                .setSentAt(Instant.now()).setReason(reason).build();
    }

    /** Stamped 1 ms after the robot's newest step: the next step is the first the change applies to. */
    private static Intervention intervention(Step last, String operator, InterventionKind kind, String reason) {
        return Intervention.newBuilder().setRobotId(last.getRobotId()).setEpisodeId(last.getEpisodeId())
                .setOperatorId(operator).setEventTime(last.getEventTime().plusMillis(1)).setKind(kind)
                .setReason(reason == null ? "at the console" : reason).build();
    }
}
