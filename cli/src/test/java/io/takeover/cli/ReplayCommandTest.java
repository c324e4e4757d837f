package io.takeover.cli;

import io.takeover.replay.table.TableName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.Control;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {

    private static Transition transition(int i, int obs) {
        List<Float> o = new ArrayList<>();
        for (int k = 0; k < obs; k++) {
            o.add((float) i);
        }
        return Transition.newBuilder().setRobotId("r").setTask("pendulum").setEpisodeId("e").setStep(i)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + i)).setObservation(o)
                .setAction(List.of(0.1f)).setNextObservation(o).setReward(0f).setTerminal(false)
                .setSource(Control.POLICY).setTakeover(false).setPolicyVersion(1).build();
    }

    private static ReplaySettings settings(Path dataDir) {
        return ReplaySettings.defaults(dataDir.resolve("replay").resolve("pendulum"), "pendulum", 3, 1, 1_000_000, 1);
    }

    @Test
    void exportThenImportCarriesEveryTransitionIntoPrior(@TempDir Path dir) {
        List<Transition> ts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ts.add(transition(i, 3));
        }
        try (ReplayStore store = ReplayStore.open(settings(dir.resolve("a")))) {
            store.insert(ts, ts.stream().map(Codecs.TRANSITION::encode).toList(), Map.of());
        }
        Path file = dir.resolve("online.avro");
        assertEquals(0, Takeover.commandLine().execute("replay", "export", file.toString(), "--data-dir",
                dir.resolve("a").toString()));
        assertEquals(0, Takeover.commandLine().execute("replay", "import", file.toString(), "--data-dir",
                dir.resolve("b").toString()));
        try (ReplayStore store = ReplayStore.open(settings(dir.resolve("b")))) {
            assertEquals(300, store.table(TableName.PRIOR).size());
            assertEquals(0, store.table(TableName.ONLINE).size());
        }
    }

    @Test
    void anImportOfTheWrongDimensionsImportsNothingAndSaysWhy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.avro");
        try (var out = new org.apache.avro.file.DataFileWriter<>(
                new org.apache.avro.specific.SpecificDatumWriter<>(Transition.class))) {
            out.create(Transition.getClassSchema(), file.toFile());
            out.append(transition(0, 3));
            out.append(transition(1, 5));
        }
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Takeover.commandLine().execute("replay", "import", file.toString(), "--data-dir",
                    dir.toString());
        } finally {
            System.setErr(err);
        }
        assertEquals(1, exit);
        String message = captured.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("record 2") && message.contains("nothing imported"), message);
        try (ReplayStore store = ReplayStore.open(settings(dir))) {
            assertEquals(0, store.table(TableName.PRIOR).size());
        }
    }
}
