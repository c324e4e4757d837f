package io.takeover.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The dashboards and alert rules in the repository, and the metric names they query. */
final class MonitoringConfig {

    private static final Pattern METRIC = Pattern.compile("\\b(takeover_[a-z0-9_]+|flink_[a-z0-9_]+)");

    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("dashboards")) && Files.isDirectory(dir.resolve("deploy/prometheus"))) {
                return dir;
            }
        }
        throw new IllegalStateException("dashboards/ and deploy/prometheus/ not found above " + Path.of("").toAbsolutePath());
    }

    static Path prometheus() {
        return root().resolve("deploy/prometheus");
    }

    /** Every metric name a dashboard panel or an alert rule queries. */
    static Set<String> queriedMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> dashboards = Files.list(root().resolve("dashboards"))) {
            for (Path p : dashboards.filter(p -> p.toString().endsWith(".json")).toList()) {
                collect(Files.readString(p), names);
            }
        }
        collect(Files.readString(prometheus().resolve("alerts.yml")), names);
        return names;
    }

    /** Metric names in a Prometheus text scrape. */
    static Set<String> scrapedMetrics(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int end = line.indexOf('{');
                names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
            }
        }
        return names;
    }

    private static void collect(String text, Set<String> names) {
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
    }

    private MonitoringConfig() {}
}
