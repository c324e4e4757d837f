package io.takeover.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam over a block's parameters, with its moments in our hands so that a checkpoint can hold
 * them: a resumed learner continues with the optimiser it had, not a cold one.
 */
public final class Adam {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final float lr;
    private final List<NDArray> params = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long t;

    public Adam(Block block, NDManager manager, float lr) {
        this.lr = lr;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray array = p.getValue().getArray();
            params.add(array);
            m.add(manager.zeros(array.getShape()));
            v.add(manager.zeros(array.getShape()));
        }
    }

    /** Applies the gradients collected on the parameters, then clears them. */
    public void step() {
        t++;
        float c1 = (float) (lr / (1 - Math.pow(BETA1, t)));
        float c2 = (float) (1 / Math.sqrt(1 - Math.pow(BETA2, t)));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            if (!p.hasGradient()) {
                continue;
            }
            try (NDArray g = p.getGradient(); NDArray g1 = g.mul(1 - BETA1); NDArray g2 = g.square().muli(1 - BETA2)) {
                m.get(i).muli(BETA1).addi(g1);
                v.get(i).muli(BETA2).addi(g2);
                try (NDArray denom = v.get(i).sqrt().muli(c2).addi(EPSILON);
                        NDArray update = m.get(i).mul(c1).divi(denom)) {
                    p.subi(update);
                }
                g.subi(g);
            }
        }
    }

    public void save(DataOutputStream out) throws IOException {
        out.writeLong(t);
        for (int i = 0; i < params.size(); i++) {
            Checkpoints.writeArray(out, m.get(i));
            Checkpoints.writeArray(out, v.get(i));
        }
    }

    public void load(DataInputStream in, NDManager manager) throws IOException {
        t = in.readLong();
        for (int i = 0; i < params.size(); i++) {
            Checkpoints.readInto(in, manager, m.get(i));
            Checkpoints.readInto(in, manager, v.get(i));
        }
    }
}
