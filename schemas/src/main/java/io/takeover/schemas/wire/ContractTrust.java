package io.takeover.schemas.wire;

import io.takeover.schemas.Control;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Step;
import io.takeover.schemas.Release;
import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.TeleopKind;
import io.takeover.schemas.TaskRegistration;
import io.takeover.schemas.Transition;
import io.takeover.schemas.WeightTensor;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro refuses to instantiate classes it was not told to trust, e.g. when Flink's AvroSerializer
 * reads records or state. Code that may be the first to touch the contract's classes in a JVM
 * (Flink operators on a task manager) calls {@link #ensure()} from a static initializer.
 */
public final class ContractTrust {

    static {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                ClassSecurityValidator.builder().add(Step.class).add(Intervention.class).add(Transition.class)
                        .add(PolicySnapshot.class).add(WeightTensor.class).add(FleetStats.class)
                        .add(DeadLetter.class).add(Control.class).add(InterventionKind.class)
                        .add(TaskRegistration.class).add(Release.class).add(TeleopCommand.class)
                        .add(TeleopKind.class).build()));
    }

    /** Loads this class, which trusts the contract's classes once per JVM. */
    public static void ensure() {
        // the static initializer did the work
    }

    private ContractTrust() {}
}
