package io.takeover.replay.table;


/** Which item goes when a table is over capacity: asked about the oldest item, one at a time. */
public interface Remover {

    /** @return the item to append at the back instead of removing it, or null to remove it */
    byte[] keep(byte[] item);

    static Remover of(TableSettings.Removal removal) {
        return removal.keepInterventions() ? new KeepInterventionsRemover(removal.turns()) : new FifoRemover();
    }
}
