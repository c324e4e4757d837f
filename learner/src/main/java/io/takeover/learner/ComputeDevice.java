package io.takeover.learner;

import ai.djl.Device;
import java.util.Locale;

/** Where a learner trains: the CPU, or a GPU when the CUDA build of PyTorch is on the classpath. */
public enum ComputeDevice {
    CPU,
    GPU;

    /** {@code cpu} or {@code gpu}; a wrong one says which there are. */
    public static ComputeDevice of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device must be cpu or gpu, got '" + name + "'");
        }
    }

    Device djl() {
        return this == GPU ? Device.gpu() : Device.cpu();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
