package io.takeover.replay.table;

import io.takeover.replay.sample.Batch;
import io.takeover.schemas.Control;
import io.takeover.schemas.Transition;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The stored form of an item that the learner samples: its numbers as little-endian floats in
 * one fixed-size value, checked by a CRC32C, so a batch is filled by bulk copies without
 * decoding Avro. The transition as received stays beside it, for export.
 *
 * <pre>
 * version u8 | flags u8 | retained u8 | 0 u8 | steps_to_takeover i32 (-1: none) | record bytes i32
 * | reward f32 | observation f32[o] | action f32[a] | next_observation f32[o] | crc32c i32
 * </pre>
 */
public final class ItemCodec {

    static final byte VERSION = 1;
    static final int TERMINAL = 1;
    static final int TAKEOVER = 2;
    static final int OPERATOR = 4;
    private static final int HEADER = 16;

    private static final VarHandle FLOATS =
            MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final int obsDim;
    private final int actDim;

    public ItemCodec(int obsDim, int actDim) {
        this.obsDim = obsDim;
        this.actDim = actDim;
    }

    public int obsDim() {
        return obsDim;
    }

    public int actDim() {
        return actDim;
    }

    public int size() {
        return HEADER + Float.BYTES * (2 * obsDim + actDim) + Integer.BYTES;
    }

    /**
     * @throws IllegalArgumentException when the transition's dimensions are not the task's
     */
    public byte[] encode(Transition t, int recordBytes) {
        check(t);
        ByteBuffer b = ByteBuffer.allocate(size()).order(ByteOrder.LITTLE_ENDIAN);
        int flags = (t.getTerminal() ? TERMINAL : 0) | (t.getTakeover() ? TAKEOVER : 0)
                | (t.getSource() == Control.OPERATOR ? OPERATOR : 0);
        b.put(VERSION).put((byte) flags).put((byte) 0).put((byte) 0);
        b.putInt(t.getStepsToTakeover() == null ? -1 : t.getStepsToTakeover()).putInt(recordBytes);
        b.putFloat(t.getReward());
        put(b, t.getObservation());
        put(b, t.getAction());
        put(b, t.getNextObservation());
        return seal(b.array());
    }

    /** Why {@code t} does not fit this task, or null. */
    public String mismatch(Transition t) {
        if (t.getObservation().size() != obsDim || t.getNextObservation().size() != obsDim
                || t.getAction().size() != actDim) {
            return "transition " + t.getEpisodeId() + "#" + t.getStep() + " of task " + t.getTask()
                    + " has observation/next_observation/action lengths " + t.getObservation().size() + "/"
                    + t.getNextObservation().size() + "/" + t.getAction().size() + ", the task's are " + obsDim
                    + "/" + obsDim + "/" + actDim;
        }
        return null;
    }

    private void check(Transition t) {
        String problem = mismatch(t);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** True when {@code value} is a whole, undamaged item of this shape. */
    public boolean valid(byte[] value) {
        return value != null && value.length == size() && valid(value, 0);
    }

    /** True when {@code memory} holds a whole, undamaged item of this shape at {@code at}. */
    boolean valid(byte[] memory, int at) {
        if (memory[at] != VERSION) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(memory, at, size() - Integer.BYTES);
        return (int) crc.getValue() == (int) INTS.get(memory, at + size() - Integer.BYTES);
    }

    /** Copies a valid item into row {@code row} of {@code batch}. */
    public void read(byte[] value, Batch batch, int row) {
        read(value, 0, batch, row);
    }

    void read(byte[] memory, int at, Batch batch, int row) {
        int flags = memory[at + 1];
        batch.rewards()[row] = (float) FLOATS.get(memory, at + 12);
        batch.dones()[row] = (flags & TERMINAL) != 0 ? 1f : 0f;
        batch.operator()[row] = (flags & OPERATOR) != 0 ? 1f : 0f;
        int p = at + HEADER;
        p = copy(memory, p, batch.observations(), row * obsDim, obsDim);
        p = copy(memory, p, batch.actions(), row * actDim, actDim);
        copy(memory, p, batch.nextObservations(), row * obsDim, obsDim);
    }

    private static int copy(byte[] memory, int p, float[] to, int at, int n) {
        for (int i = 0; i < n; i++, p += Float.BYTES) {
            to[at + i] = (float) FLOATS.get(memory, p);
        }
        return p;
    }

    /** Operator transitions and takeover-labelled ones: what the intervention table keeps. */
    public static boolean intervention(byte[] value) {
        return (value[1] & (OPERATOR | TAKEOVER)) != 0;
    }

    /** How many times the remover has kept this item past its turn. */
    public static int retained(byte[] value) {
        return value[2];
    }

    /** Bytes of the transition record stored beside the item. */
    public static int recordBytes(byte[] value) {
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
    }

    /** The same item, kept once more past its turn. */
    public static byte[] retainedOnceMore(byte[] value) {
        byte[] copy = value.clone();
        copy[2]++;
        return seal(copy);
    }

    private static byte[] seal(byte[] value) {
        CRC32C crc = new CRC32C();
        crc.update(value, 0, value.length - Integer.BYTES);
        ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).putInt(value.length - Integer.BYTES,
                (int) crc.getValue());
        return value;
    }

    private static void put(ByteBuffer b, List<Float> values) {
        for (Float v : values) {
            b.putFloat(v);
        }
    }
}
