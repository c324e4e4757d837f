package io.takeover.schemas.wire;

import io.takeover.schemas.Control;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.WeightTensor;
import java.util.Map;
import org.apache.avro.util.ClassSecurityValidator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One codec per record of the contract. */
public final class Codecs {

    static {
        // Avro refuses to instantiate classes it was not told to trust (e.g. when Flink's
        // AvroSerializer reads state); the contract's own classes are trusted wherever this loads.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                ClassSecurityValidator.builder().add(Step.class).add(Intervention.class).add(Transition.class)
                        .add(PolicySnapshot.class).add(WeightTensor.class).add(FleetStats.class)
                        .add(DeadLetter.class).add(Control.class).add(InterventionKind.class).build()));
    }

    public static final WireCodec<Step> STEP = new WireCodec<>("Step", Step.getEncoder(), Step.getDecoder());
    public static final WireCodec<Intervention> INTERVENTION =
            new WireCodec<>("Intervention", Intervention.getEncoder(), Intervention.getDecoder());
    public static final WireCodec<Transition> TRANSITION =
            new WireCodec<>("Transition", Transition.getEncoder(), Transition.getDecoder());
    public static final WireCodec<PolicySnapshot> POLICY_SNAPSHOT =
            new WireCodec<>("PolicySnapshot", PolicySnapshot.getEncoder(), PolicySnapshot.getDecoder());
    public static final WireCodec<FleetStats> FLEET_STATS =
            new WireCodec<>("FleetStats", FleetStats.getEncoder(), FleetStats.getDecoder());
    public static final WireCodec<DeadLetter> DEAD_LETTER =
            new WireCodec<>("DeadLetter", DeadLetter.getEncoder(), DeadLetter.getDecoder());

    private static final Map<String, WireCodec<?>> BY_TYPE_NAME = Stream.of(STEP, INTERVENTION, TRANSITION,
            POLICY_SNAPSHOT, FLEET_STATS, DEAD_LETTER).collect(Collectors.toMap(WireCodec::typeName, c -> c));

    static WireCodec<?> byTypeName(String typeName) {
        WireCodec<?> codec = BY_TYPE_NAME.get(typeName);
        if (codec == null) {
            throw new IllegalArgumentException("no codec for record type " + typeName);
        }
        return codec;
    }

    private Codecs() {}
}
