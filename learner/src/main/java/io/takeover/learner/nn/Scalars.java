package io.takeover.learner.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Numbers inside an expression that is differentiated. DJL's {@code NDArray.mul(Number)} and its
 * kin wrap the number in a tensor over a Java buffer and release the buffer as soon as the
 * operation returns, yet PyTorch keeps that tensor for the backward pass (a product's gradient is
 * the other factor), which then reads whatever the next garbage collection left there: gradients
 * scaled by garbage, a policy that silently stops learning. A scalar from here lives in PyTorch's
 * own memory for as long as {@code manager}.
 */
public final class Scalars {

    public static NDArray of(NDManager manager, float value) {
        return manager.full(new Shape(), value);
    }

    private Scalars() {}
}
