package io.takeover.console.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The page's libraries, served from their WebJars under {@code /vendor/} with no version in the
 * path, so the page need not change when a version does. Nothing comes from a CDN: the console
 * works offline.
 */
final class Vendor {

    private static final Map<String, String> TYPES = Map.of("uPlot.esm.js", "text/javascript",
            "uPlot.min.css", "text/css");
    private final String root;

    Vendor() {
        root = "/META-INF/resources/webjars/uplot/" + version("org.webjars.npm", "uplot") + "/dist/";
    }

    void serve(Context ctx) {
        String file = ctx.pathParam("file");
        String type = TYPES.get(file);
        InputStream in = type == null ? null : Vendor.class.getResourceAsStream(root + file);
        if (in == null) {
            throw new NotFoundResponse("no vendor file " + file);
        }
        ctx.contentType(type).header("Cache-Control", "max-age=3600").result(in);
    }

    private static String version(String group, String artifact) {
        String path = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Vendor.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the " + artifact + " WebJar is missing from the classpath (" + path + ")");
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
