package io.takeover.learner.checkpoint;

import io.takeover.learner.Agent;
import io.takeover.learner.Algorithm;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A learner's checkpoint: the algorithm that wrote it, the last version it published and everything its agent trains with,
 * in one file per task, replaced atomically (written beside it, synced, then renamed over it),
 * so a crash at any moment leaves the previous checkpoint or the new one, never half of one.
 */
public final class LearnerCheckpoint {

    private static final int MAGIC = 0x544B4350; // "TKCP"
    private static final int FORMAT = 3; // 3: networks of any depth; 1 and 2 held two hidden layers

    private final long version;
    private final long steps;
    private final float[][] normalisation;
    private final byte[] agent;

    private LearnerCheckpoint(long version, long steps, float[][] normalisation, byte[] agent) {
        this.version = version;
        this.steps = steps;
        this.normalisation = normalisation;
        this.agent = agent;
    }

    public static Path file(Path dir, String task) {
        return dir.resolve(task + ".checkpoint");
    }

    /** Writes the checkpoint of {@code agent}, trained by {@code algorithm}, which has published up to {@code version}. */
    public static void write(Path dir, String task, Algorithm algorithm, long version, Agent agent) throws IOException {
        Files.createDirectories(dir);
        Path target = file(dir, task);
        Path tmp = dir.resolve(task + ".checkpoint.tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                DataOutputStream out = new DataOutputStream(
                        new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(algorithm.id());
            out.writeLong(version);
            out.writeLong(agent.steps());
            writeFloats(out, agent.obsMean());
            writeFloats(out, agent.obsStd());
            agent.save(out);
            out.flush();
            channel.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The task's checkpoint in {@code dir}, or null if there is none.
     *
     * @throws IOException when it exists but cannot be read, or another algorithm wrote it: say so
     *     rather than train from scratch or from the wrong networks
     */
    public static LearnerCheckpoint read(Path dir, String task, Algorithm algorithm) throws IOException {
        Path path = file(dir, task);
        if (!Files.exists(path)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(path);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readInt() == MAGIC ? in.readInt() : -1;
            if (format == 1 || format == 2) {
                throw new IOException(path + " was written by an earlier learner, before the networks' depth was "
                        + "recorded: move it away (or use another data directory) to train afresh");
            }
            if (format != FORMAT) {
                throw new IOException(path + " is not a learner checkpoint of this format; move it away to start "
                        + "afresh");
            }
            String writer = in.readUTF();
            if (!writer.equals(algorithm.id())) {
                throw new IOException(path + " was written by a " + writer + " learner, and this one runs "
                        + algorithm.id() + ": start it with --algorithm " + writer + " to go on from it, or give it "
                        + "another data directory (or move the checkpoint away) to train " + algorithm.id()
                        + " from scratch");
            }
            long version = in.readLong();
            long steps = in.readLong();
            float[] mean = readFloats(in);
            float[] std = readFloats(in);
            return new LearnerCheckpoint(version, steps, new float[][] {mean, std},
                    java.util.Arrays.copyOfRange(bytes, bytes.length - in.available(), bytes.length));
        }
    }

    /** The last version published when the checkpoint was written. */
    public long version() {
        return version;
    }

    /** Gradient steps taken when the checkpoint was written. */
    public long steps() {
        return steps;
    }

    /** {mean, std} of the observations, as the agent was trained with. */
    public float[][] normalisation() {
        return new float[][] {normalisation[0].clone(), normalisation[1].clone()};
    }

    /** Loads the networks, optimiser moments, temperature and step count into {@code agent}. */
    public void restore(Agent agent) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new ByteArrayInputStream(this.agent)))) {
            agent.load(in);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float f : values) {
            out.writeFloat(f);
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        float[] values = new float[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }
}
