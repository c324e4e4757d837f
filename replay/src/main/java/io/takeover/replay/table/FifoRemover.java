package io.takeover.replay.table;

/** The oldest item goes first. */
final class FifoRemover implements Remover {

    @Override
    public byte[] keep(byte[] item) {
        return null;
    }
}
