package io.takeover.schemas.wire;

import java.util.ArrayList;
import java.util.List;

/** The contract's {@code array<float>} fields as Avro holds them (boxed lists), to and from plain arrays. */
public final class FloatLists {

    public static List<Float> boxed(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    public static float[] unboxed(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    private FloatLists() {}
}
