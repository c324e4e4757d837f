package io.takeover.replay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.replay.ReplayProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store several times the JVM's heap fills and samples in a process with a 32 MB heap. */
class LargerThanHeapIT {

    @Test
    void aStoreLargerThanTheHeapFillsAndSamples(@TempDir Path dir) throws Exception {
        int items = 800_000;
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-cp", System.getProperty("java.class.path"), ReplayProcess.class.getName(), "fill",
                dir.toString(), String.valueOf(items)).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fill finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        String[] words = out.lines().filter(l -> l.startsWith("filled ")).findFirst().orElseThrow().split(" ");
        long size = Long.parseLong(words[1]);
        long bytes = Long.parseLong(words[2]);
        long heap = Long.parseLong(words[4]);
        assertEquals(items, size);
        assertTrue(bytes > 2 * heap, bytes + " bytes stored with a heap of " + heap);
    }
}
