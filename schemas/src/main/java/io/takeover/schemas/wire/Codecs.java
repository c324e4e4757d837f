package io.takeover.schemas.wire;

import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Release;
import io.takeover.schemas.Step;
import io.takeover.schemas.TaskRegistration;
import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.Transition;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One codec per record of the contract; each reads every released version of its record. */
public final class Codecs {

    static {
        ContractTrust.ensure();
    }

    public static final WireCodec<Step> STEP = codec("Step", Step.class);
    public static final WireCodec<Intervention> INTERVENTION = codec("Intervention", Intervention.class);
    public static final WireCodec<Transition> TRANSITION = codec("Transition", Transition.class);
    public static final WireCodec<PolicySnapshot> POLICY_SNAPSHOT = codec("PolicySnapshot", PolicySnapshot.class);
    public static final WireCodec<FleetStats> FLEET_STATS = codec("FleetStats", FleetStats.class);
    public static final WireCodec<DeadLetter> DEAD_LETTER = codec("DeadLetter", DeadLetter.class);
    public static final WireCodec<TaskRegistration> TASK_REGISTRATION = codec("TaskRegistration",
            TaskRegistration.class);
    public static final WireCodec<Release> RELEASE = codec("Release", Release.class);
    public static final WireCodec<TeleopCommand> TELEOP_COMMAND = codec("TeleopCommand", TeleopCommand.class);

    private static final Map<String, WireCodec<?>> BY_TYPE_NAME = Stream.of(STEP, INTERVENTION, TRANSITION,
            POLICY_SNAPSHOT, FLEET_STATS, DEAD_LETTER, TASK_REGISTRATION, RELEASE, TELEOP_COMMAND).collect(Collectors.toMap(WireCodec::typeName, c -> c));

    private static <T> WireCodec<T> codec(String typeName, Class<T> type) {
        return new WireCodec<>(typeName, type, ReleasedSchemas.of(typeName));
    }

    /** The record type whose current or released schema has this fingerprint, if any. */
    static Optional<String> typeNameOf(long fingerprint) {
        return BY_TYPE_NAME.values().stream().filter(c -> c.knows(fingerprint)).map(WireCodec::typeName).findFirst();
    }

    static WireCodec<?> byTypeName(String typeName) {
        WireCodec<?> codec = BY_TYPE_NAME.get(typeName);
        if (codec == null) {
            throw new IllegalArgumentException("no codec for record type " + typeName);
        }
        return codec;
    }

    private Codecs() {}
}
