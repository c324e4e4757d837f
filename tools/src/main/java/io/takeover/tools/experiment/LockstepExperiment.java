package io.takeover.tools.experiment;

import io.takeover.learner.Algorithm;
import io.takeover.robot.operator.OperatorSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * RLIF against HG-DAgger, in lock-step, over operator qualities and seeds, each run in a process
 * of its own ({@link LockstepMain}), {@code parallel} at a time. Finished runs are kept: running
 * the same experiment into the same directory again redoes only the unfinished ones. Writes the
 * charts, the results table and a manifest of every setting beside the runs.
 */
public final class LockstepExperiment {

    /**
     * @param base      the settings every run shares (algorithm, seed and operator are each run's)
     * @param spec      the operator asked for; its quality is replaced by each of {@code qualities}
     * @param qualities operator qualities
     * @param seeds     seeds 1..seeds
     * @param parallel  runs at a time
     * @param runTimeout the longest one run may take
     */
    public record Settings(LockstepSettings base, OperatorSpec spec, List<Double> qualities, int seeds, int parallel,
            java.time.Duration runTimeout) {}

    /** Where the experiment is: runs finished of all, and the run that last reported. */
    public record Progress(int finished, int runs, String last) {}

    private static final List<Algorithm> ARMS = List.of(Algorithm.RLIF, Algorithm.HG_DAGGER);

    private final Settings settings;
    private final Path dir;

    public LockstepExperiment(Settings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
    }

    public LockstepResults run(Consumer<Progress> progress) throws Exception {
        Files.createDirectories(dir);
        String task = settings.base().task();
        List<LockstepResults.Operator> operators = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        for (double quality : settings.qualities()) {
            OperatorSpec spec = new OperatorSpec(quality, settings.spec().errors(), settings.spec().takeover());
            for (long seed = 1; seed <= settings.seeds(); seed++) {
                OperatorSettings operator = spec.settings(task, seed);
                operators.add(LockstepResults.Operator.measured(task, quality, seed, operator));
                for (Algorithm arm : ARMS) {
                    Path runDir = dir.resolve(String.format(Locale.ROOT, "q%02.0f/%s-seed%d", 100 * quality, arm.id(),
                            seed));
                    planned.add(new Planned(arm.id(), quality, seed, runDir, LockstepMain.arguments(runDir,
                            settings.base().withAlgorithm(arm).withSeed(seed).withOperator(operator), spec)));
                }
            }
        }
        writeManifest(planned.size());
        AtomicInteger finished = new AtomicInteger();
        planned.stream().filter(p -> Files.exists(p.dir().resolve(LockstepMain.DONE))).forEach(p ->
                finished.incrementAndGet());
        progress.accept(new Progress(finished.get(), planned.size(), "kept " + finished.get() + " finished runs"));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.parallel()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Planned p : planned) {
                if (Files.exists(p.dir().resolve(LockstepMain.DONE))) {
                    continue;
                }
                futures.add(pool.submit(() -> {
                    runProcess(p, line -> progress.accept(new Progress(finished.get(), planned.size(),
                            p.name() + ": " + line)));
                    finished.incrementAndGet();
                    progress.accept(new Progress(finished.get(), planned.size(), p.name() + " finished"));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<LockstepResults.Run> runs = new ArrayList<>();
        for (Planned p : planned) {
            runs.add(new LockstepResults.Run(p.arm(), p.quality(), p.seed(), LockstepMain.read(p.dir())));
        }
        LockstepResults results = new LockstepResults(task, settings.base().envSteps(), settings.qualities(), operators,
                runs);
        LockstepReport.write(results, dir);
        return results;
    }

    private record Planned(String arm, double quality, long seed, Path dir, List<String> arguments) {
        String name() {
            return String.format(Locale.ROOT, "%s q%.0f%% seed %d", arm, 100 * quality, seed);
        }
    }

    private void runProcess(Planned p, Consumer<String> lines) throws IOException, InterruptedException {
        Files.createDirectories(p.dir());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx2g", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), LockstepMain.class.getName()));
        command.addAll(p.arguments());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        Path log = p.dir().resolve("run.log");
        try (var reader = process.inputReader(StandardCharsets.UTF_8);
                var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.write(line);
                out.newLine();
                if (line.matches("\\d+ .*")) {
                    lines.accept(line);
                }
            }
        }
        if (!process.waitFor(settings.runTimeout().toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(p.name() + " ran past " + settings.runTimeout() + "; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(p.name() + " failed (exit " + process.exitValue() + "); see " + log);
        }
    }

    /** Every setting and the commit, so that the figures can be reproduced. */
    private void writeManifest(int runs) throws IOException {
        LockstepSettings b = settings.base();
        StringBuilder json = new StringBuilder("{\n");
        field(json, "commit", commit());
        field(json, "mode", "lockstep");
        field(json, "task", b.task());
        field(json, "arms", ARMS.toString());
        field(json, "operator_errors", settings.spec().errors());
        field(json, "operator_takeover", settings.spec().takeover());
        OperatorSettings operator = settings.spec().settings(b.task(), 1);
        field(json, "operator_value_rule", operator.valueRule().toString());
        field(json, "operator_seed1", OperatorSpec.describe(operator));
        field(json, "qualities", settings.qualities().toString());
        field(json, "seeds", settings.seeds());
        field(json, "runs", runs);
        field(json, "env_steps_per_run", b.envSteps());
        field(json, "updates_per_env_step", b.updatesPerEnvStep());
        field(json, "warmup_env_steps", b.warmupSteps());
        field(json, "demonstration_episodes", b.demonstrations());
        field(json, "hg_dagger_pretrain_steps", b.pretrainSteps());
        field(json, "eval_every_env_steps", b.evalEvery());
        field(json, "eval_start_states", b.evalEpisodes());
        field(json, "policy_refresh_every_env_steps", b.refreshEvery());
        field(json, "hidden", b.hidden());
        field(json, "depth", b.depth());
        field(json, "batch_size", b.batchSize());
        field(json, "critics", b.critics());
        field(json, "critic_updates_per_actor_update", b.utd());
        field(json, "rlif_batch_mix", b.mix().id());
        field(json, "entropy_in_backup", false);
        json.append("  \"java\": \"").append(System.getProperty("java.version")).append("\"\n}\n");
        Files.writeString(dir.resolve("manifest.json"), json);
    }

    private static void field(StringBuilder json, String name, Object value) {
        json.append("  \"").append(name).append("\": ");
        if (value instanceof Number || value instanceof Boolean) {
            json.append(value);
        } else {
            json.append('"').append(String.valueOf(value).replace("\"", "'")).append('"');
        }
        json.append(",\n");
    }

    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String dirty = new String(new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
                    .start().getInputStream().readAllBytes(), StandardCharsets.UTF_8).isBlank() ? "" : " (modified)";
            return git.waitFor() == 0 ? out + dirty : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
