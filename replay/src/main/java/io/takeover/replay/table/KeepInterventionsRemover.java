package io.takeover.replay.table;

/**
 * An operator or takeover-labelled item whose turn comes goes to the back instead, up to
 * {@code turns} times, so interventions stay longer than the policy's own steps (Sirius-style
 * memory); any other item goes first-in, first-out.
 */
final class KeepInterventionsRemover implements Remover {

    private final int turns;

    KeepInterventionsRemover(int turns) {
        this.turns = turns;
    }

    @Override
    public byte[] keep(byte[] item) {
        return ItemCodec.intervention(item) && ItemCodec.retained(item) < turns ? ItemCodec.retainedOnceMore(item) : null;
    }
}
