package io.takeover.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Arrays in and out of a checkpoint stream, into the arrays already in place (gradients stay attached). */
public final class Checkpoints {

    public static void writeArray(DataOutputStream out, NDArray array) throws IOException {
        byte[] bytes = array.encode();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    public static void readInto(DataInputStream in, NDManager manager, NDArray target) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        try (NDArray loaded = NDArray.decode(manager, bytes)) {
            if (!loaded.getShape().equals(target.getShape())) {
                throw new IOException("checkpoint array of shape " + loaded.getShape() + " where the network has "
                        + target.getShape() + ": it was written for other settings");
            }
            loaded.copyTo(target);
        }
    }

    public static void writeBlock(DataOutputStream out, Block block) throws IOException {
        for (Pair<String, Parameter> p : block.getParameters()) {
            writeArray(out, p.getValue().getArray());
        }
    }

    public static void readBlock(DataInputStream in, NDManager manager, Block block) throws IOException {
        for (Pair<String, Parameter> p : block.getParameters()) {
            readInto(in, manager, p.getValue().getArray());
        }
    }

    private Checkpoints() {}
}
