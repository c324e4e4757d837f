package io.takeover.flink.label;

/**
 * Where the labelling of one robot stands, beside the steps and interventions still waiting: up
 * to which event time its labels are final, the episode of its last final step and who is in
 * control of it, and when it was last heard from. Times are event-time milliseconds;
 * {@link Long#MIN_VALUE} means none. Kept after the robot's episode state is gone, so that
 * nothing final can be labelled again.
 */
public class LabelProgress {

    private long finalizedUpTo = Long.MIN_VALUE;
    private String episodeId;
    private boolean takenOver;
    private String operatorId;
    private long controlSince = Long.MIN_VALUE;
    private long lastSeen = Long.MIN_VALUE;

    /** Records the operator's TAKEOVER or HANDBACK at {@code t}; false if it changed nothing. */
    boolean apply(boolean takeover, String operator, long t) {
        boolean changed = takeover != takenOver;
        takenOver = takeover;
        operatorId = takeover ? operator : null;
        controlSince = Math.max(controlSince, t);
        return changed;
    }

    /** Control belongs to an episode: a new one starts with the policy in control. */
    void enter(String episode) {
        if (!episode.equals(episodeId)) {
            episodeId = episode;
            takenOver = false;
            operatorId = null;
        }
    }

    /** A copy to store: the state backend may serialize it after this one has moved on. */
    LabelProgress copy() {
        LabelProgress c = new LabelProgress();
        c.finalizedUpTo = finalizedUpTo;
        c.episodeId = episodeId;
        c.takenOver = takenOver;
        c.operatorId = operatorId;
        c.controlSince = controlSince;
        c.lastSeen = lastSeen;
        return c;
    }

    void seen(long t) {
        lastSeen = Math.max(lastSeen, t);
    }

    public long getFinalizedUpTo() { return finalizedUpTo; }
    public void setFinalizedUpTo(long finalizedUpTo) { this.finalizedUpTo = finalizedUpTo; }
    public String getEpisodeId() { return episodeId; }
    public void setEpisodeId(String episodeId) { this.episodeId = episodeId; }
    public boolean isTakenOver() { return takenOver; }
    public void setTakenOver(boolean takenOver) { this.takenOver = takenOver; }
    public String getOperatorId() { return operatorId; }
    public void setOperatorId(String operatorId) { this.operatorId = operatorId; }
    public long getControlSince() { return controlSince; }
    public void setControlSince(long controlSince) { this.controlSince = controlSince; }
    public long getLastSeen() { return lastSeen; }
    public void setLastSeen(long lastSeen) { this.lastSeen = lastSeen; }
}
