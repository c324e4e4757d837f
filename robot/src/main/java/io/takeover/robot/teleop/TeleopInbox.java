package io.takeover.robot.teleop;

import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.TeleopKind;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The console's holds on robots, from the commands it sends. TAKEOVER and DRIVE hold a robot
 * (a DRIVE alone does too, so a missed TAKEOVER costs nothing); HANDBACK from the holder lets
 * go. A hold also ends when its operator has sent nothing for the dead-man time: a closed
 * browser tab or a lost network never leaves a robot without a controller.
 */
public final class TeleopInbox implements Teleop {

    /** Silence after which a hold ends: the console sends drive commands many times a second. */
    public static final Duration DEFAULT_DEADMAN = Duration.ofSeconds(3);
    /** Commands sent longer ago than this (by the sender's clock) are stale: a restarted robot ignores them. */
    public static final Duration STALE = Duration.ofSeconds(30);

    private record Entry(Hold hold, long heardAtNanos) {}

    private final Map<String, Entry> holds = new ConcurrentHashMap<>();
    private final Map<String, String> endedBecause = new ConcurrentHashMap<>();
    private final Map<String, Long> handedBackAt = new ConcurrentHashMap<>(); // sender's clock
    private final Duration deadman;
    private final LongSupplier nanoClock;
    private final LongSupplier wallClockMillis;

    public TeleopInbox() {
        this(DEFAULT_DEADMAN, System::nanoTime, System::currentTimeMillis);
    }

    public TeleopInbox(Duration deadman, LongSupplier nanoClock, LongSupplier wallClockMillis) {
        this.deadman = deadman;
        this.nanoClock = nanoClock;
        this.wallClockMillis = wallClockMillis;
    }

    /** Takes one command; returns false when it was stale or from someone who does not hold the robot. */
    public boolean accept(TeleopCommand command) {
        if (wallClockMillis.getAsLong() - command.getSentAt().toEpochMilli() > STALE.toMillis()) {
            return false;
        }
        String robot = command.getRobotId();
        String operator = command.getOperatorId();
        long now = nanoClock.getAsLong();
        Entry current = live(robot, now);
        long sentAt = command.getSentAt().toEpochMilli();
        if (command.getKind() != TeleopKind.HANDBACK && sentAt < handedBackAt.getOrDefault(robot, Long.MIN_VALUE)) {
            return false; // sent before the robot was handed back, delivered after: never takes it again
        }
        if (command.getKind() == TeleopKind.HANDBACK) {
            if (current == null || !current.hold().operatorId().equals(operator)) {
                return false;
            }
            holds.remove(robot);
            handedBackAt.put(robot, sentAt);
            endedBecause.put(robot, command.getReason() == null ? "handed back at the console" : command.getReason());
            return true;
        }
        float[] action = command.getKind() == TeleopKind.DRIVE ? toArray(command.getAction())
                : current != null && current.hold().operatorId().equals(operator) ? current.hold().action() : new float[0];
        String reason = command.getKind() == TeleopKind.TAKEOVER || current == null ? command.getReason()
                : current.hold().reason();
        holds.put(robot, new Entry(new Hold(operator, action, reason), now));
        return true;
    }

    @Override
    public Hold hold(String robotId) {
        Entry entry = live(robotId, nanoClock.getAsLong());
        return entry == null ? null : entry.hold();
    }

    @Override
    public String handBackReason(String robotId) {
        return endedBecause.getOrDefault(robotId, "handed back at the console");
    }

    private Entry live(String robot, long now) {
        Entry entry = holds.get(robot);
        if (entry != null && now - entry.heardAtNanos() > deadman.toNanos()) {
            if (holds.remove(robot, entry)) {
                endedBecause.put(robot, "the console went quiet for " + deadman.toSeconds() + " s");
            }
            return null;
        }
        return entry;
    }

    private static float[] toArray(java.util.List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
