package io.takeover.replay.table;

import io.takeover.replay.sample.Batch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The newest items of a table kept in memory, so that sampling runs at the speed of an array
 * while RocksDB stays the record. A slot holds one item and the sequence number it is for;
 * a reader that finds another number (the slot was reused or not loaded yet) or a damaged item
 * reads RocksDB instead. Writers take the lock; readers take none.
 */
final class ItemMirror {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int itemSize;
    private final int slotSize;
    private final int slots;
    private final byte[] memory;

    ItemMirror(int slots, int itemSize) {
        this.itemSize = itemSize;
        this.slotSize = Long.BYTES + (itemSize + 7) / 8 * 8; // slots 8-aligned for the ordered accesses
        this.slots = slots;
        this.memory = new byte[slots * slotSize];
        for (int s = 0; s < slots; s++) {
            LONGS.set(memory, s * slotSize, -1L);
        }
    }

    static ItemMirror sized(long capacity, long bytes, int itemSize) {
        long slots = Math.min(capacity, Math.min(bytes, Integer.MAX_VALUE - 64) / (Long.BYTES + itemSize + 7));
        return slots < 1 ? null : new ItemMirror((int) slots, itemSize);
    }

    int slots() {
        return slots;
    }

    synchronized void put(long seq, byte[] item) {
        int at = slot(seq);
        LONGS.setRelease(memory, at, -1L);
        System.arraycopy(item, 0, memory, at + Long.BYTES, itemSize);
        LONGS.setRelease(memory, at, seq);
    }

    /** Puts {@code item}, read back from RocksDB, unless it is damaged or its slot holds a newer item. */
    synchronized void putIfNewer(long seq, byte[] item, ItemCodec codec) {
        if (codec.valid(item) && (long) LONGS.getAcquire(memory, slot(seq)) < seq) {
            put(seq, item);
        }
    }

    /**
     * Copies item {@code seq} into {@code row} of {@code batch}; false when it is not here. Items
     * are checked on the way in, so a read only checks that the slot was not rewritten meanwhile.
     */
    boolean read(long seq, ItemCodec codec, Batch batch, int row) {
        int at = slot(seq);
        if ((long) LONGS.getAcquire(memory, at) != seq) {
            return false;
        }
        codec.read(memory, at + Long.BYTES, batch, row);
        VarHandle.acquireFence();
        return (long) LONGS.getAcquire(memory, at) == seq;
    }

    private int slot(long seq) {
        return (int) Math.floorMod(seq, (long) slots) * slotSize;
    }
}
