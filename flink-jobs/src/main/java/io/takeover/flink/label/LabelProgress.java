package io.takeover.flink.label;

import java.util.Arrays;

/**
 * Where labelling of one robot stands, one small value read and written once per step: which
 * event times hold steps and interventions still waiting (sorted, so a timer finds what is due
 * without scanning state), who is in control as of the last final step, and the robot's
 * timers. Times are event-time milliseconds; {@link Long#MIN_VALUE} means none.
 */
public class LabelProgress {

    private static final long[] NONE = new long[0];

    private long finalizedUpTo = Long.MIN_VALUE;
    private long[] stepTimes = NONE;
    private long[] interventionTimes = NONE;
    private boolean takenOver;
    private String operatorId;
    private long controlSince = Long.MIN_VALUE;
    private long labelTimer = Long.MIN_VALUE;
    private long idleDeadline = Long.MIN_VALUE;

    /** Records the operator's TAKEOVER or HANDBACK at {@code t}; false if it changed nothing. */
    boolean apply(boolean takeover, String operator, long t) {
        boolean changed = takeover != takenOver;
        takenOver = takeover;
        operatorId = takeover ? operator : null;
        controlSince = Math.max(controlSince, t);
        return changed;
    }

    static long[] insert(long[] sorted, long t) {
        int at = Arrays.binarySearch(sorted, t);
        if (at >= 0) {
            return sorted;
        }
        int i = -at - 1;
        long[] grown = new long[sorted.length + 1];
        System.arraycopy(sorted, 0, grown, 0, i);
        grown[i] = t;
        System.arraycopy(sorted, i, grown, i + 1, sorted.length - i);
        return grown;
    }

    /** How many of {@code sorted} are at or before {@code t}. */
    static int countUpTo(long[] sorted, long t) {
        int at = Arrays.binarySearch(sorted, t);
        return at >= 0 ? at + 1 : -at - 1;
    }

    static long[] dropFirst(long[] sorted, int n) {
        return n == 0 ? sorted : Arrays.copyOfRange(sorted, n, sorted.length);
    }

    public long getFinalizedUpTo() { return finalizedUpTo; }
    public void setFinalizedUpTo(long finalizedUpTo) { this.finalizedUpTo = finalizedUpTo; }
    public long[] getStepTimes() { return stepTimes; }
    public void setStepTimes(long[] stepTimes) { this.stepTimes = stepTimes; }
    public long[] getInterventionTimes() { return interventionTimes; }
    public void setInterventionTimes(long[] interventionTimes) { this.interventionTimes = interventionTimes; }
    public boolean isTakenOver() { return takenOver; }
    public void setTakenOver(boolean takenOver) { this.takenOver = takenOver; }
    public String getOperatorId() { return operatorId; }
    public void setOperatorId(String operatorId) { this.operatorId = operatorId; }
    public long getControlSince() { return controlSince; }
    public void setControlSince(long controlSince) { this.controlSince = controlSince; }
    public long getLabelTimer() { return labelTimer; }
    public void setLabelTimer(long labelTimer) { this.labelTimer = labelTimer; }
    public long getIdleDeadline() { return idleDeadline; }
    public void setIdleDeadline(long idleDeadline) { this.idleDeadline = idleDeadline; }
}
