package io.takeover.replay.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.takeover.replay.Transitions;
import io.takeover.replay.table.TableSettings.Removal;
import io.takeover.schemas.Transition;
import org.junit.jupiter.api.Test;

class RemoverTest {

    private static final ItemCodec CODEC = new ItemCodec(3, 1);

    @Test
    void fifoLetsTheOldestGo() {
        assertNull(Remover.of(Removal.FIFO).keep(item(true)));
    }

    @Test
    void keepInterventionsSendsAnInterventionToTheBackUpToItsTurnsAndLetsThePolicysOwnGo() {
        Remover remover = Remover.of(Removal.keepInterventions(2));
        assertNull(remover.keep(item(false)), "the policy's own step goes");
        byte[] once = remover.keep(item(true));
        assertEquals(1, ItemCodec.retained(once));
        byte[] twice = remover.keep(once);
        assertEquals(2, ItemCodec.retained(twice));
        assertNull(remover.keep(twice), "after its turns it goes too");
    }

    private static byte[] item(boolean operator) {
        Transition t = Transitions.range(0, 1).get(0);
        t.setSource(operator ? io.takeover.schemas.Control.OPERATOR : io.takeover.schemas.Control.POLICY);
        t.setTakeover(false);
        return CODEC.encode(t, 0);
    }
}
