package io.takeover.tools.experiment;

import io.takeover.learner.Algorithm;
import io.takeover.replay.store.BatchMix;
import io.takeover.tools.ScratchDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One lock-step run in a process of its own (each has the PyTorch engine and its random seed to
 * itself, so runs in parallel stay reproducible): {@code LockstepMain <run dir> key=value …}.
 * Appends each evaluation point to {@code points.csv} as it is measured and writes {@code done}
 * at the end, so an interrupted experiment redoes only unfinished runs.
 */
public final class LockstepMain {

    static final String POINTS = "points.csv";
    static final String DONE = "done";
    private static final String HEADER =
            "env_steps,success,success_sampled,takeovers,operator_steps,gradient_steps,episodes,episode_successes,seconds";

    /** The command-line arguments that make a child process run {@code settings} with the operator {@code spec}. */
    static List<String> arguments(Path runDir, LockstepSettings s, OperatorSpec spec) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("task", s.task());
        a.put("algorithm", s.algorithm().id());
        a.put("seed", s.seed());
        a.put("envSteps", s.envSteps());
        a.put("updatesPerEnvStep", s.updatesPerEnvStep());
        a.put("warmupSteps", s.warmupSteps());
        a.put("demonstrations", s.demonstrations());
        a.put("pretrainSteps", s.pretrainSteps());
        a.put("evalEvery", s.evalEvery());
        a.put("evalEpisodes", s.evalEpisodes());
        a.put("refreshEvery", s.refreshEvery());
        a.put("hidden", s.hidden());
        a.put("depth", s.depth());
        a.put("batchSize", s.batchSize());
        a.put("critics", s.critics());
        a.put("utd", s.utd());
        a.put("mix", s.mix().id());
        a.put("quality", spec.quality());
        a.put("errors", spec.errors());
        a.put("takeover", spec.takeover());
        List<String> args = new ArrayList<>(List.of(runDir.toString()));
        a.forEach((k, v) -> args.add(k + "=" + v));
        return args;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            a.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        String task = a.get("task");
        long seed = Long.parseLong(a.get("seed"));
        OperatorSpec spec = new OperatorSpec(Double.parseDouble(a.get("quality")), a.get("errors"), a.get("takeover"));
        LockstepSettings settings = new LockstepSettings(task, Algorithm.of(a.get("algorithm")),
                spec.settings(task, seed), seed, Integer.parseInt(a.get("envSteps")),
                Double.parseDouble(a.get("updatesPerEnvStep")), Integer.parseInt(a.get("warmupSteps")),
                Integer.parseInt(a.get("demonstrations")), Integer.parseInt(a.get("pretrainSteps")),
                Integer.parseInt(a.get("evalEvery")), Integer.parseInt(a.get("evalEpisodes")),
                Integer.parseInt(a.get("refreshEvery")), Integer.parseInt(a.get("hidden")),
                Integer.parseInt(a.get("depth")), Integer.parseInt(a.get("batchSize")),
                Integer.parseInt(a.get("critics")), Integer.parseInt(a.get("utd")), BatchMix.of(a.get("mix")));
        Files.createDirectories(dir);
        Path replay = dir.resolve("replay");
        ScratchDir.deleteTree(replay); // a run starts afresh
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve(POINTS)))) {
            out.println(HEADER);
            out.flush();
            new LockstepRun(settings).run(dir, p -> {
                out.printf(Locale.ROOT, "%d,%s,%s,%d,%d,%d,%d,%d,%.1f%n", p.envSteps(), number(p.success()),
                        number(p.successSampled()), p.takeovers(), p.operatorSteps(), p.gradientSteps(), p.episodes(),
                        p.episodeSuccesses(), p.seconds());
                out.flush();
                System.out.printf(Locale.ROOT, "%d %.3f%n", p.envSteps(), p.success());
                System.out.flush();
            });
        }
        ScratchDir.deleteTree(replay);
        Files.writeString(dir.resolve(DONE), "");
    }

    /** The points a run wrote, finished or not. */
    static List<LockstepRun.Point> read(Path dir) throws IOException {
        List<LockstepRun.Point> points = new ArrayList<>();
        Path file = dir.resolve(POINTS);
        if (!Files.exists(file)) {
            return points;
        }
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("env_steps")) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < 9) {
                continue; // cut off mid-line by a crash
            }
            points.add(new LockstepRun.Point(Long.parseLong(f[0]), parse(f[1]), parse(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
                    Double.parseDouble(f[8])));
        }
        return points;
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static double parse(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    private LockstepMain() {}
}
