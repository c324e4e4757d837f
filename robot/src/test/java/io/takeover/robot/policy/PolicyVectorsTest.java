package io.takeover.robot.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.policy.PolicySignature;
import io.takeover.schemas.policy.PolicyTensors;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.wire.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code schemas/vectors/policy.json}: a policy snapshot of the learner's architecture and the
 * actions {@link MlpPolicy} takes with it, for SDKs in other languages to run and match. Rewrite
 * it after a change to how policies run with {@code -Dtakeover.vectors.write=true}.
 */
class PolicyVectorsTest {

    static final Path FILE = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("..").toAbsolutePath().normalize().toString())).resolve("schemas/vectors/policy.json");

    /** The key of the vectors: seed bytes 0, 1, ..., 31. */
    static final SigningKey KEY = SigningKey.fromSeed(seed());

    private static byte[] seed() {
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) i;
        }
        return seed;
    }

    /** 3 → 16 → 16 → 2 (mean, log-std), seeded, normalised observations; signed by {@link #KEY}. */
    static PolicySnapshot snapshot() {
        return PolicySignature.sign(unsigned(), KEY);
    }

    static PolicySnapshot unsigned() {
        Random rng = new Random(42);
        int[][] shapes = {{16, 3}, {16}, {16, 16}, {16}, {2, 16}, {2}};
        List<WeightTensor> weights = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            int[] shape = shapes[i];
            float[] data = new float[shape.length == 1 ? shape[0] : shape[0] * shape[1]];
            for (int j = 0; j < data.length; j++) {
                data[j] = (float) (rng.nextGaussian() * 0.5);
            }
            weights.add(PolicyTensors.tensor("layer" + i / 2 + (shape.length == 1 ? ".bias" : ".weight"), shape, data));
        }
        return PolicySnapshot.newBuilder().setTask(Pendulum.NAME).setVersion(3).setParentVersion(2)
                .setCreatedAt(Instant.parse("2026-01-02T03:04:05.678Z")).setObsDim(3).setActDim(1)
                .setActionLow(List.of(-2f)).setActionHigh(List.of(2f)).setArchitecture(PolicyTensors.TANH_GAUSSIAN_MLP)
                .setWeights(weights).setObsMean(List.of(0f, 0.5f, -1f)).setObsStd(List.of(1f, 0.5f, 4f))
                .setWeightsSha256(PolicyTensors.sha256(weights)).setLearnerStats(Map.of("gradient_steps", 1000.0))
                .build();
    }

    static String vectors() throws Exception {
        PolicySnapshot snapshot = snapshot();
        MlpPolicy.Actor actor = MlpPolicy.load(snapshot, Pendulum.SPEC).newActor();
        Random rng = new Random(7);
        List<float[]> observations = new ArrayList<>();
        List<float[]> actions = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            float[] obs = {(float) rng.nextGaussian(), (float) rng.nextGaussian(), (float) (rng.nextGaussian() * 4)};
            float[] action = new float[1];
            actor.act(obs, action);
            observations.add(obs);
            actions.add(action);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("task", snapshot.getTask());
        root.put("snapshot", HexFormat.of().formatHex(Codecs.POLICY_SNAPSHOT.encode(snapshot)));
        root.put("signing_public_key", KEY.publicPem());
        root.put("signing_key_id", KEY.keyId());
        root.put("signed_bytes", HexFormat.of().formatHex(PolicySignature.signedBytes(snapshot)));
        root.put("observations", observations);
        root.put("deterministic_actions", actions);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    }

    @Test
    void theCheckedInPolicyVectorsAreWhatMlpPolicyComputes() throws Exception {
        String expected = vectors();
        if (Boolean.getBoolean("takeover.vectors.write")) {
            Files.writeString(FILE, expected);
        }
        String actual = Files.exists(FILE) ? Files.readString(FILE) : "(missing)";
        assertEquals(expected, actual, FILE + " is not what MlpPolicy computes: rewrite it with ./mvnw test -pl robot "
                + "-Dtest=PolicyVectorsTest -Dtakeover.vectors.write=true, and check the other SDKs' tests");
    }
}
