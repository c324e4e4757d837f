package io.takeover.console.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.SameSite;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.sse.SseClient;
import io.takeover.console.auth.Role;
import io.takeover.console.auth.Sessions;
import io.takeover.console.auth.UsersFile;
import io.takeover.console.fleet.FleetBoard;
import io.takeover.console.kafka.ConsoleWriter;
import io.takeover.console.learning.LearningBoard;
import io.takeover.console.teleop.TeleopDesk;
import io.takeover.schemas.Release;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.ReleaseBook;
import io.takeover.schemas.release.Releases;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's web server: the page (plain ES modules and uPlot, all from the jar), a JSON API,
 * and a Server-Sent Events stream of the live fleet and of the robot an operator is looking at.
 * Wiring only: the boards know the fleet, the desk the takeover rules, {@link Access} who may.
 */
public final class ConsoleWeb implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleWeb.class);
    /** The page's live picture: the fleet twice a second, the robot in view ten times. */
    private static final long FLEET_EVERY_MS = 500;
    private static final long ROBOT_EVERY_MS = 100;

    /** One robot's row in the fleet view: its line and the release channel it follows. */
    public record FleetRow(FleetBoard.RobotLine line, String channel, String heldAtConsoleBy) {}

    /** One open live stream: whose, about which robot, how far it has been sent, and whether a send is under way. */
    private static final class Viewer {
        final SseClient client;
        final String robot;
        final java.util.function.BooleanSupplier signedIn;
        final java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean();
        long lastSeq;

        Viewer(SseClient client, String robot, java.util.function.BooleanSupplier signedIn) {
            this.client = client;
            this.robot = robot;
            this.signedIn = signedIn;
        }
    }

    /** At most this many passwords are checked at once: each check is deliberately slow. */
    private static final int CONCURRENT_SIGN_INS = 2;

    private final FleetBoard fleet;
    private final LearningBoard learning;
    private final TeleopDesk desk;
    private final ConsoleWriter writer;
    private final UsersFile users;
    private final Sessions sessions;
    private final Access access;
    private final Javalin app;
    private final List<Viewer> viewers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-live");
        t.setDaemon(true);
        return t;
    });
    private long ticks;
    // each stream is written on a thread of its own: a browser that stops reading holds up only itself
    private final java.util.concurrent.ExecutorService senders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "console-live-send");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.Semaphore signIns = new java.util.concurrent.Semaphore(CONCURRENT_SIGN_INS);

    public ConsoleWeb(FleetBoard fleet, LearningBoard learning, TeleopDesk desk, ConsoleWriter writer, UsersFile users,
            Sessions sessions, String bind, int port) {
        this.fleet = fleet;
        this.learning = learning;
        this.desk = desk;
        this.writer = writer;
        this.users = users;
        this.sessions = sessions;
        this.access = new Access(sessions, users);
        this.app = create(bind, port);
        pusher.scheduleAtFixedRate(this::push, ROBOT_EVERY_MS, ROBOT_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** Port in use and the like, said so that a person knows what to change. */
    public static final class CannotListenException extends IllegalStateException {
        CannotListenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Javalin create(String bind, int port) {
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/io/takeover/console/web";
                files.location = Location.CLASSPATH;
            });
            Vendor vendor = new Vendor();
            config.routes.get("/vendor/{file}", vendor::serve);
            config.routes.beforeMatched(access::check);
            config.routes.post("/api/sign-in", this::signIn);
            config.routes.post("/api/sign-out", this::signOut);
            config.routes.get("/api/me", this::me, Role.SIGNED_IN);
            config.routes.get("/api/fleet", ctx -> ctx.json(fleetView()), Role.SIGNED_IN);
            config.routes.get("/api/robots/{robot}", this::robot, Role.SIGNED_IN);
            config.routes.post("/api/robots/{robot}/takeover", this::takeover, Role.OPERATOR);
            config.routes.post("/api/robots/{robot}/drive", this::drive, Role.OPERATOR);
            config.routes.post("/api/robots/{robot}/handback", this::handback, Role.OPERATOR);
            config.routes.get("/api/learning", ctx -> ctx.json(learning.tasks()), Role.SIGNED_IN);
            config.routes.post("/api/releases/{task}/promote", this::promote, Role.MLOPS);
            config.routes.post("/api/releases/{task}/rollback", this::rollback, Role.MLOPS);
            config.routes.get("/api/operators", ctx -> ctx.json(fleet.operators()), Role.SIGNED_IN);
            config.routes.sse("/api/live", this::live, Role.SIGNED_IN);
            config.routes.exception(TeleopDesk.Refused.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            config.routes.exception(ConsoleWriter.KafkaUnavailableException.class,
                    (e, ctx) -> error(ctx, 503, e.getMessage()));
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            config.routes.exception(IllegalStateException.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        });
        try {
            return javalin.start(bind, port);
        } catch (io.javalin.util.JavalinBindException e) {
            throw new CannotListenException("the console cannot listen on " + bind + ":" + port + ": the port is in use "
                    + "(another console?). Choose another port, or 0 for any free one", e);
        }
    }

    public int port() {
        return app.port();
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).json(Map.of("error", message == null ? "error" : message));
    }

    private record SignIn(String user, String password) {}

    private void signIn(Context ctx) {
        SignIn body = ctx.bodyAsClass(SignIn.class);
        if (!signIns.tryAcquire()) {
            throw new HttpResponseException(429, "too many sign-ins at once; try again in a moment");
        }
        UsersFile.User user;
        try {
            user = users.check(body.user(), body.password()).orElseThrow(() ->
                    new HttpResponseException(401, "unknown user or wrong password"));
        } finally {
            signIns.release();
        }
        String id = sessions.open(user);
        ctx.cookie(new io.javalin.http.Cookie(Access.COOKIE, id, "/", (int) sessions.lifetime().toSeconds(),
                ctx.scheme().equals("https"), true, null, SameSite.STRICT));
        LOG.info("{} signed in to the console from {}", user.name(), ctx.ip());
        ctx.json(me(user.name(), user.roles()));
    }

    private void signOut(Context ctx) {
        sessions.close(ctx.cookie(Access.COOKIE));
        ctx.removeCookie(Access.COOKIE, "/");
        ctx.status(204);
    }

    private void me(Context ctx) {
        Sessions.Session s = Access.session(ctx);
        ctx.json(me(s.user(), s.roles()));
    }

    private static Map<String, Object> me(String user, Set<Role> roles) {
        return Map.of("user", user, "roles", roles.stream().map(Role::label).sorted().toList());
    }

    private Map<String, Object> fleetView() {
        Map<String, TeleopDesk.Hold> holds = desk.holds();
        List<FleetRow> rows = new ArrayList<>();
        for (FleetBoard.RobotLine line : fleet.lines()) {
            String channel = line.task() == null ? null : learning.channelOf(line.task(), line.robot())
                    .map(Channel::label).orElse(null);
            TeleopDesk.Hold hold = holds.get(line.robot());
            rows.add(new FleetRow(line, channel, hold == null ? null : hold.operator()));
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("robots", rows);
        view.put("tasks", fleet.tasks().keySet());
        view.put("now", System.currentTimeMillis());
        return view;
    }

    private void robot(Context ctx) {
        long after = ctx.queryParam("after") == null ? 0 : Long.parseLong(ctx.queryParam("after"));
        ctx.json(fleet.robot(ctx.pathParam("robot"), after).orElseThrow(() ->
                new HttpResponseException(404, "no robot " + ctx.pathParam("robot") + " has sent a step lately")));
    }

    private record Reason(String reason) {}

    private record Drive(List<Float> action) {}

    /** The reason a request gives; its body may be empty. */
    private static String reasonIn(Context ctx) {
        return ctx.body().isBlank() ? null : ctx.bodyAsClass(Reason.class).reason();
    }

    private void takeover(Context ctx) {
        String operator = Access.session(ctx).user();
        TeleopDesk.Hold hold = desk.takeover(ctx.pathParam("robot"), operator, reasonIn(ctx));
        LOG.info("{} took over {} at the console", operator, ctx.pathParam("robot"));
        ctx.json(Map.of("robot", ctx.pathParam("robot"), "operator", operator, "drivable", hold.teleop(),
                "at", System.currentTimeMillis()));
    }

    private void drive(Context ctx) {
        Drive body = ctx.bodyAsClass(Drive.class);
        if (body.action() == null) {
            throw new IllegalArgumentException("send {\"action\": [numbers]}");
        }
        desk.drive(ctx.pathParam("robot"), Access.session(ctx).user(), body.action());
        ctx.status(204);
    }

    private void handback(Context ctx) {
        String operator = Access.session(ctx).user();
        desk.handback(ctx.pathParam("robot"), operator, reasonIn(ctx));
        LOG.info("{} handed {} back at the console", operator, ctx.pathParam("robot"));
        ctx.status(204);
    }

    private record Promote(long version, String channel, Double share, String reason) {}

    // two people promoting at once would each compute from the same channels, and the second drop the first
    private synchronized void promote(Context ctx) {
        Promote body = ctx.bodyAsClass(Promote.class);
        Channel channel = Channel.of(body.channel() == null ? "stable" : body.channel());
        ReleaseBook book = learning.book(ctx.pathParam("task"));
        Release release = Releases.promote(book, channel, body.version(), Access.session(ctx).user(),
                reason(body.reason(), "promoted at the console"), body.share() == null ? 0.1 : body.share());
        write(ctx, release);
    }

    private synchronized void rollback(Context ctx) {
        Release release = Releases.rollback(learning.book(ctx.pathParam("task")), Access.session(ctx).user(),
                reason(reasonIn(ctx), "rolled back at the console"));
        write(ctx, release);
    }

    private void write(Context ctx, Release release) {
        writer.release(release);
        learning.put(release);
        LOG.info("{} set {}/{} to v{} at the console: {}", release.getSetBy(), release.getTask(), release.getChannel(),
                release.getVersion(), release.getReason());
        ctx.json(learning.tasks());
    }

    private static String reason(String given, String otherwise) {
        return given == null || given.isBlank() ? otherwise : given;
    }

    private void live(SseClient client) {
        client.keepAlive();
        Viewer viewer = new Viewer(client, client.ctx().queryParam("robot"), access.stillValid(client.ctx()));
        viewers.add(viewer);
        client.onClose(() -> viewers.remove(viewer));
    }

    private void push() {
        try {
            boolean fleetDue = ticks++ % (FLEET_EVERY_MS / ROBOT_EVERY_MS) == 0;
            Map<String, Object> fleetView = fleetDue && !viewers.isEmpty() ? fleetView() : null;
            for (Viewer viewer : viewers) {
                if (viewer.client.terminated() || !viewer.signedIn.getAsBoolean()) {
                    viewers.remove(viewer); // signed out or expired: the stream ends with its session
                    viewer.client.close();
                    continue;
                }
                if (viewer.sending.getAndSet(true)) {
                    continue; // still sending the last frame: this one is skipped
                }
                senders.execute(() -> send(viewer, fleetView));
            }
        } catch (RuntimeException e) {
            LOG.warn("the console's live push failed; it goes on", e);
        }
    }

    private void send(Viewer viewer, Map<String, Object> fleetView) {
        try {
            if (fleetView != null) {
                viewer.client.sendEvent("fleet", fleetView);
            }
            if (viewer.robot != null) {
                fleet.robot(viewer.robot, viewer.lastSeq).ifPresent(detail -> {
                    if (!detail.steps().isEmpty()) {
                        viewer.lastSeq = detail.steps().get(detail.steps().size() - 1).seq();
                    }
                    viewer.client.sendEvent("robot", detail);
                });
            }
        } catch (RuntimeException e) {
            LOG.debug("a live stream failed; it is closed", e);
            viewers.remove(viewer);
            viewer.client.close();
        } finally {
            viewer.sending.set(false);
        }
    }

    @Override
    public void close() {
        pusher.shutdownNow();
        senders.shutdownNow();
        viewers.forEach(v -> v.client.close());
        app.stop();
    }
}
