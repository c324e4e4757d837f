package io.takeover.schemas.wire;

import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One codec per record of the contract. */
public final class Codecs {

    static {
        ContractTrust.ensure();
    }

    public static final WireCodec<Step> STEP = new WireCodec<>("Step", Step.class, Step.getDecoder());
    public static final WireCodec<Intervention> INTERVENTION =
            new WireCodec<>("Intervention", Intervention.class, Intervention.getDecoder());
    public static final WireCodec<Transition> TRANSITION =
            new WireCodec<>("Transition", Transition.class, Transition.getDecoder());
    public static final WireCodec<PolicySnapshot> POLICY_SNAPSHOT =
            new WireCodec<>("PolicySnapshot", PolicySnapshot.class, PolicySnapshot.getDecoder());
    public static final WireCodec<FleetStats> FLEET_STATS =
            new WireCodec<>("FleetStats", FleetStats.class, FleetStats.getDecoder());
    public static final WireCodec<DeadLetter> DEAD_LETTER =
            new WireCodec<>("DeadLetter", DeadLetter.class, DeadLetter.getDecoder());

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
