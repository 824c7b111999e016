package io.vaas.run;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.vaas.AppConfig;
import io.vaas.AppLoadException;
import io.vaas.VaasCallException;
import io.vaas.api.HttpParams;
import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import io.vaas.config.AppConfigReader;
import io.vaas.config.ConfigOverrides;
import io.vaas.load.AppClassLoader;
import io.vaas.load.AppSource;
import io.vaas.load.AppTypes;
import io.vaas.policy.Policy;
import io.vaas.policy.VerifyReport;
import io.vaas.virtual.AppContext;
import io.vaas.route.JsonCodec;
import io.vaas.route.Route;
import io.vaas.route.RouteScanner;
import io.vaas.route.RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import io.vaas.guard.RunningCall;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded app: its configuration, loader, routes and codec, and the calls running in it.
 *
 * <p>Calls {@link #tryEnter enter} and {@link #exit exit}; {@link #retire} (undeploy, redeploy) lets the calls in
 * flight finish and releases the app when the last one leaves. After that nothing here refers to the app's classes,
 * and once the container drops the instance its loader can be collected.
 */
public final class AppInstance {

    private static final Logger LOG = LoggerFactory.getLogger(AppInstance.class);
    private static final int RETIRED = 1 << 30;

    private final AppConfig config;
    private final CallGate gate;
    /** The call budgets, the app's own over the host's defaults; 0 for none. */
    private final long cpuMsPerCall;
    private final long allocMbPerCall;
    /** WebSocket connections the app may have open at once. */
    private final int maxWebSockets;
    private final AppSource source;
    private final ConfigOverrides overrides;
    private final Map<Class<?>, Object> appServices;
    private final HostSettings settings;
    private final AppContext context;
    private final AppClassLoader loader;
    private final RouteTable routes;
    private final JsonCodec codec;
    /** The app's worker threads; null when its calls always run on the caller's thread. */
    /** The app's worker threads: made at load when its settings may use them, else on first need. */
    private volatile WorkerPool workers;
    private boolean released;
    /** Calls in flight, plus {@link #RETIRED} once retired. */
    private final AtomicInteger state = new AtomicInteger();
    private volatile long lastCallEnded = System.nanoTime();
    /** The WebSocket connections open to this instance; closed when it retires. */
    private final java.util.Set<AppWebSocket> sockets = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private AppInstance(AppConfig config, AppSource source, ConfigOverrides overrides, Map<Class<?>, Object> appServices,
                        HostSettings settings, AppContext context, AppClassLoader loader, RouteTable routes) {
        this.config = config;
        this.gate = new CallGate(config.name(), config.workers(), config.queue());
        io.vaas.Limits limits = settings.limits().overlay(config.limits());
        this.cpuMsPerCall = limits.cpuMsPerCall();
        this.allocMbPerCall = limits.allocMbPerCall();
        this.maxWebSockets = limits.maxWebSockets() == null || limits.maxWebSockets() == 0 ? Integer.MAX_VALUE
                : limits.maxWebSockets();
        this.source = source;
        this.overrides = overrides;
        this.appServices = appServices;
        this.settings = settings;
        this.context = context;
        this.loader = loader;
        this.routes = routes;
        this.codec = new JsonCodec(new io.vaas.route.AppWorld(config.name(), loader, context::rootedFiles));
        boolean mayUseWorkers = config.workerThreads() == AppConfig.WorkerThreads.ALWAYS || config.prewarm() > 0
                || (config.workerThreads() == AppConfig.WorkerThreads.AUTO && cpuMsPerCall > 0);
        this.workers = mayUseWorkers
                ? new WorkerPool(config.name(), config.workers(), loader, settings.workerKeepAliveMs() * 1_000_000L)
                : null;
    }

    /**
     * Loads an app completely: reads its source and configuration, defines its route classes, creates their
     * instances. Either all of that succeeds, or nothing is kept and the error names the app and the file.
     *
     * @throws AppLoadException on any failure
     */
    public static AppInstance load(AppSource source, ConfigOverrides overrides, Map<Class<?>, Object> appServices,
                                   HostSettings settings) {
        AppSource.Opened opened = source.open(overrides.name());
        AppClassLoader loader;
        AppContext context = null;
        String name = overrides.name();
        try {
            AppConfig config = AppConfigReader.read(opened.descriptor(), opened.descriptorLocation(), overrides,
                    settings.configProvider());
            name = config.name();
            Policy policy = policyFor(config, settings, opened);
            io.vaas.rewrite.Rewriter rewriter = rewriterFor(name, overrides, settings, source);
            AppTypes types = new AppTypes(opened.classPath());
            AppVerification.Result verified = AppVerification.run(name, source.location(), opened.classPath(), types,
                    rewriter, policy);
            VerifyReport report = verified.report();
            if (!report.clean()) {
                if (settings.strictPolicy()) {
                    throw new AppLoadException(name, source.location(), "the policy is strict and the app's code "
                            + "uses JDK members its permissions do not allow:\n" + report.toText());
                }
                // Libraries reference much they never call: say so, or a plain app's deploy reads like an alarm.
                LOG.warn("{}. The app runs; only code that reaches one of them fails. Libraries often reference APIs "
                        + "they never call. To list each reference with class, method and line: Vaas.verify(spec), "
                        + "or the Verify tool in the guest guide", report.summary());
            }
            int processors = Math.min(Runtime.getRuntime().availableProcessors(), config.workers());
            context = new AppContext(name, config.version(), settings.envFor(config.env()),
                    settings.propertiesFor(config.properties()), processors, settings.output(), policy,
                    rewriter);
            Map<Class<?>, Object> services = new java.util.HashMap<>(settings.services());
            for (Map.Entry<Class<?>, Object> e : appServices.entrySet()) {
                try {
                    HostSettings.checkService(settings.exports(), e.getKey(), e.getValue());
                } catch (IllegalArgumentException bad) {
                    throw new AppLoadException(name, source.location(), bad.getMessage());
                }
                services.put(e.getKey(), e.getValue());
            }
            context.services(services);
            context.useFiles(overrides.files() != null ? overrides.files() : settings.defaultFiles(name));
            context.useAppCalls(settings.router());
            context.useNetAllowlist(io.vaas.policy.NetAllowlist.of(granted(config, settings)));
            io.vaas.Limits limits = settings.limits().overlay(config.limits());
            context.useLimits(limits);
            loader = new AppClassLoader(name, opened.classPath(), settings.exports(), rewriter, policy,
                    context, verified.ready(), types);
            // Static initializers and constructors are the app's code: where a route class has any, it is made on
            // a thread of the container's, under a deadline, so the deploying thread is released whatever they do.
            AppClassLoader routeLoader = loader;
            AppContext appContext = context;
            String appName = name;
            RouteTable routes = new RouteScanner(config.name(), loader, opened.classPath().own(), (c, make) ->
                    InitCode.runs(c, routeLoader, verified.initCode())
                            ? InitThread.run(appName, source.location(), appContext, routeLoader, settings.watchdog(),
                            settings.deployTimeoutMs(), make)
                            : make.get()).scan(config.entry());
            AppInstance instance = new AppInstance(config, source, overrides, appServices, settings, context, loader,
                    routes);
            if (instance.workers != null) {
                instance.workers.prewarm(config.prewarm());
            }
            return instance;
        } catch (AppLoadException e) {
            closeQuietly(opened, context);
            throw e.app() != null || name == null ? e : new AppLoadException(name, e.location(), e.reason(), e.getCause());
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(opened, context);
            throw new AppLoadException(name, source.location(), "loading failed: " + e, e);
        }
    }

    /** The policy of an app: {@code core}, plus its {@code permissions}, or the host's default when it asks for none. */
    static Policy policyFor(AppConfig config, HostSettings settings, AppSource.Opened opened) {
        java.util.Set<String> granted = new java.util.TreeSet<>();
        for (String p : granted(config, settings)) {
            granted.add(io.vaas.policy.NetAllowlist.permissionName(p));
        }
        granted.add("core");
        try {
            return settings.policies().policy(granted);
        } catch (IllegalArgumentException e) {
            throw new AppLoadException(config.name(), opened.descriptorLocation(), "\"permissions\": " + e.getMessage());
        }
    }

    /** The host's rewriter, with the substitutions the host made for this app on top. */
    private static io.vaas.rewrite.Rewriter rewriterFor(String name, ConfigOverrides overrides, HostSettings settings,
                                                        AppSource source) {
        List<io.vaas.rewrite.Rule> rules = new java.util.ArrayList<>();
        for (Map.Entry<java.lang.reflect.Method, java.lang.reflect.Method> e : overrides.substitutions().entrySet()) {
            try {
                rules.add(HostSettings.substitution(settings.exports(), e.getKey(), e.getValue()));
            } catch (IllegalArgumentException bad) {
                throw new AppLoadException(name, source.location(), "substitute: " + bad.getMessage());
            }
        }
        return settings.rewriter().with(rules);
    }

    /** The permissions as written (with their arguments): the app's, or the host's default when it asks for none. */
    private static List<String> granted(AppConfig config, HostSettings settings) {
        return config.permissions().isEmpty() ? settings.defaultPermissions() : config.permissions();
    }

    /**
     * Checks an app's code against its policy without loading it.
     *
     * @throws AppLoadException if the source or its configuration cannot be read
     */
    public static VerifyReport verify(AppSource source, ConfigOverrides overrides, HostSettings settings) {
        AppSource.Opened opened = source.open(overrides.name());
        try {
            AppConfig config = AppConfigReader.read(opened.descriptor(), opened.descriptorLocation(), overrides,
                    settings.configProvider());
            return AppVerification.verify(config.name(), source.location(), opened.classPath(),
                    rewriterFor(config.name(), overrides, settings, source),
                    policyFor(config, settings, opened));
        } finally {
            closeQuietly(opened, null);
        }
    }

    /** Loads this app again from the same source and settings: how an app that exited is restarted. */
    public AppInstance reload() {
        return load(source, overrides, appServices, settings);
    }

    private static void closeQuietly(AppSource.Opened opened, AppContext context) {
        if (context != null) {
            // A constructor or static initializer may already have started threads or registered hooks.
            context.close(0);
        }
        try {
            opened.classPath().close();
        } catch (IOException e) {
            LOG.warn("closing the archives of {} failed: {}", opened.classPath(), e.toString());
        }
    }

    /** {@code value}, one of the app's objects, as JSON-like values (its own Jackson rules). */
    public Object toPlain(Object value) {
        return codec.toPlain(value);
    }

    /** JSON-like {@code value} as an object of the app's {@code type}. */
    public Object fromPlain(Object value, Class<?> type) {
        return codec.convert(value, type);
    }

    /** The app's resolved configuration. */
    public AppConfig config() {
        return config;
    }

    /** The app's name. */
    public String name() {
        return config.name();
    }

    /** Where the app's code came from. */
    public String location() {
        return source.location();
    }

    /** The app's own JDK globals. */
    public AppContext context() {
        return context;
    }

    /** Whether the app called {@code System.exit}: it takes no more calls and must be restarted. */
    public boolean exited() {
        return context.exited();
    }

    /** The app's routes. */
    public RouteTable routes() {
        return routes;
    }

    /** The app's class loader. Hosts should not keep it: holding it keeps the whole app in memory. */
    public AppClassLoader loader() {
        return loader;
    }

    /** Admits a call; false once the instance is retired (the caller then looks up the app again). */
    public boolean tryEnter() {
        while (true) {
            int s = state.get();
            if (s >= RETIRED) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends a call admitted by {@link #tryEnter}. */
    public void exit() {
        lastCallEnded = System.nanoTime();
        if (state.decrementAndGet() == RETIRED) {
            release();
        }
    }

    /**
     * Stops admitting calls if the app has had none for its {@code idleUnloadMs} and none is in flight; then
     * {@link #release} it. The container keeps its {@link #recipe()} to load it again on its next call.
     *
     * @return whether it was retired
     */
    public boolean retireIfIdle() {
        long idleMs = config.idleUnloadMs();
        if (idleMs <= 0 || System.nanoTime() - lastCallEnded < idleMs * 1_000_000L || !sockets.isEmpty()) {
            return false;
        }
        return state.compareAndSet(0, RETIRED);
    }

    /** Unloads an instance {@link #retireIfIdle} retired. */
    public void releaseRetired() {
        release();
    }

    /**
     * What loading this app again takes, and nothing of the loaded app: how the container remembers an app it
     * unloaded for being idle without keeping its classes.
     */
    public record Recipe(AppSource source, ConfigOverrides overrides, Map<Class<?>, Object> services, String name,
                         List<String> hosts) {

        /** Loads the app from its recipe. */
        public AppInstance load(HostSettings settings) {
            return AppInstance.load(source, overrides, services, settings);
        }
    }

    /** See {@link Recipe}. */
    public Recipe recipe() {
        return new Recipe(source, overrides, appServices, name(), config.hosts());
    }


    /** Stops admitting calls; the app is released when the calls in flight have finished. */
    public void retire() {
        while (true) {
            int s = state.get();
            if (s >= RETIRED) {
                return;
            }
            if (state.compareAndSet(s, s + RETIRED)) {
                closeSockets();
                if (s == 0) {
                    release();
                }
                return;
            }
        }
    }

    private void closeSockets() {
        for (AppWebSocket socket : sockets) {
            sockets.remove(socket);
            socket.goAway();
        }
    }

    private void release() {
        closeSockets();
        WorkerPool pool;
        synchronized (this) {
            released = true;
            pool = workers;
        }
        if (pool != null) {
            pool.close();
        }
        try {
            context.close(settings.hookMillis());
        } catch (RuntimeException e) {
            LOG.warn("app '{}': releasing its threads, hooks and drivers failed: {}", name(), e.toString());
        }
        try {
            loader.classPath().close();
        } catch (IOException e) {
            LOG.warn("app '{}': closing its archives failed: {}", name(), e.toString());
        }
    }

    /**
     * Calls RPC route {@code routeName} with a JSON-like argument; the caller has {@link #tryEnter entered}.
     *
     * @return the result as plain JSON-like values
     * @throws VaasCallException if the route is unknown, the argument does not bind or the guest throws
     */
    public Object rpc(String routeName, Object argument) {
        Route route = routes.rpc(routeName);
        if (route == null) {
            throw Failures.of(name(), routeName, 404, "no_such_route", "app '" + name() + "' has no RPC route '"
                    + routeName + "'; its RPC routes are " + routes.rpcNames());
        }
        return admitted(route, call -> rpcHere(route, argument, call));
    }

    /**
     * Runs one call of {@code route} once the app's concurrency gate admits it: the one way every protocol's call
     * goes from here (the gate, then a worker or this thread, see {@link #run}).
     *
     * @throws VaasCallException 503 {@code overloaded} or 504 when the gate does not admit it, or the call's failure
     */
    private <T> T admitted(Route route, java.util.function.Function<RunningCall, T> body) {
        RunningCall outer = RunningCall.current();
        // The immediate caller: another app's call (or a thread of that app) when this is its RPC, else the host.
        String caller = outer == null ? null : outer.app();
        gate.enter(route.name(), config.timeoutMs(), caller);
        try {
            return run(route, body);
        } finally {
            gate.exit(caller);
        }
    }

    private Object rpcHere(Route route, Object argument, RunningCall call) {
        Object arg = bindRpcArgument(route, argument);
        Object result = invoke(route, arg);
        try {
            return codec.toPlain(result);
        } catch (Throwable e) {
            // Converting runs the app's getters on this thread: whatever they throw is the app's failure.
            if (context.exited()) {
                throw exitFailure(route);
            }
            if (call.cancelled() != null) {
                throw cancelled(route, call);
            }
            throw Failures.badResponse(name(), route.name(), e);
        }
    }

    /** Calls the guest method: what it throws, or an exit it made, becomes the call's failure. */
    private Object invoke(Route route, Object arg) {
        Object result;
        try {
            result = route.invoke(arg);
        } catch (Throwable t) {
            throw failure(route, t);
        }
        if (context.exited()) {
            throw exitFailure(route);
        }
        return result;
    }

    /**
     * Runs the body of an admitted call of {@code route}: on one of the app's worker threads when it should (see
     * {@link AppConfig.WorkerThreads}), else here; either way with the app's context loader and as a
     * {@link RunningCall} made from the caller's call, if any.
     */
    private <T> T run(Route route, java.util.function.Function<RunningCall, T> body) {
        RunningCall outer = RunningCall.current();
        boolean guestThread = isGuestThread(Thread.currentThread());
        if (!guestThread && (workers == null || !onWorker())) {
            return runHere(route, outer, body);
        }
        WorkerPool pool = workers();
        HandedCall handed = new HandedCall();
        return pool.call(route.name(), () -> runHere(route, outer, call -> {
            handed.started(call);
            return body.apply(call);
        }), handed::abandon);
    }

    /**
     * Whether {@code t} is an object of a class an app defined (a {@code Thread} subclass of the app's). Running a
     * call there would hand this app's loader to that app's overrides of {@code getContextClassLoader} and
     * {@code setContextClassLoader}: such calls go to this app's own worker threads instead.
     */
    private static boolean isGuestThread(Thread t) {
        ClassLoader l = t.getClass().getClassLoader();
        return l instanceof io.vaas.virtual.ContextCarrier;
    }

    /** The app's worker pool, made now if its settings did not ask for one at load. */
    private WorkerPool workers() {
        WorkerPool pool = workers;
        if (pool != null) {
            return pool;
        }
        synchronized (this) {
            if (workers == null) {
                if (released) {
                    throw new VaasCallException(name(), "", 503, "app_stopping", "app '" + name()
                            + "' is being unloaded", null);
                }
                workers = new WorkerPool(config.name(), config.workers(), loader,
                        settings.workerKeepAliveMs() * 1_000_000L);
            }
            return workers;
        }
    }

    private boolean onWorker() {
        return switch (config.workerThreads()) {
            case ALWAYS -> true;
            case AUTO -> cpuMsPerCall > 0 && Thread.currentThread().isVirtual();
            case NEVER -> false;
        };
    }

    private <T> T runHere(Route route, RunningCall outer, java.util.function.Function<RunningCall, T> body) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        RunningCall call = RunningCall.begin(context.killSwitch(), route.name(), config.timeoutMs(), cpuMsPerCall,
                allocMbPerCall, settings.watchdog(), outer);
        try {
            return body.apply(call);
        } finally {
            end(call);
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * A call handed to a worker, seen from the caller's side: when the caller's thread is interrupted while it
     * waits (its own call was cancelled, or the host gave up), the worker's call is cancelled too.
     */
    private static final class HandedCall {
        private RunningCall call;
        private boolean abandoned;

        synchronized void started(RunningCall c) {
            call = c;
            if (abandoned) {
                cancel();
            }
        }

        synchronized void abandon() {
            abandoned = true;
            if (call != null) {
                cancel();
            }
        }

        private void cancel() {
            call.cancel(new io.vaas.guard.Trip("abandoned", null, "the thread that called it was interrupted", ""));
        }
    }

    private static void end(RunningCall call) {
        call.end();
        if (call.cancelled() != null) {
            // The watchdog interrupted the thread to wake the call; the caller's thread goes on uninterrupted.
            Thread.interrupted();
        }
    }

    private VaasCallException cancelled(Route route, RunningCall call) {
        io.vaas.guard.Trip trip = call.cancelled();
        int status = trip.code().equals("timeout") ? 504 : 503;
        return Failures.of(name(), route.name(), status, trip.code(), "app '" + name() + "' route '" + route.name()
                + "' was stopped: " + trip.describe());
    }

    private VaasCallException failure(Route route, Throwable t) {
        RunningCall call = RunningCall.current();
        if (call != null && call.killSwitch() == context.killSwitch() && call.cancelled() != null) {
            return cancelled(route, call);
        }
        return context.exited() ? exitFailure(route) : Failures.fromGuest(name(), route.name(), t);
    }

    private VaasCallException exitFailure(Route route) {
        return Failures.of(name(), route.name(), 500, "app_exited", "app '" + name() + "' route '" + route.name()
                + "' called " + context.exitCall() + "(" + context.exitStatus() + "); the call ends here and the app "
                + "restarts on its next call (the JVM goes on)");
    }

    private Object bindRpcArgument(Route route, Object argument) {
        if (route.input() == Route.Input.NONE) {
            return null;
        }
        try {
            return codec.convert(argument, route.inputType());
        } catch (IllegalArgumentException e) {
            throw Failures.of(name(), route.name(), 400, "bad_argument", "app '" + name() + "' route '" + route.name()
                    + "': the argument does not bind to " + route.inputType().getTypeName() + ": " + e.getMessage());
        } catch (Throwable t) {
            // Binding runs the app's constructors and setters on this thread.
            throw failure(route, t);
        }
    }

    /**
     * Serves an HTTP request; the caller has {@link #tryEnter entered}. Never throws for a failed call: every
     * failure becomes an error response that names the app and route.
     */
    public HttpResponse http(HttpRequest request) {
        return http(request, null);
    }

    /** As {@link #http(HttpRequest)}, streaming a streamed result to {@code chunks} when there are any. */
    public HttpResponse http(HttpRequest request, io.vaas.HttpChunks chunks) {
        RouteTable.HttpMatch match = routes.match(request.method(), request.path());
        if (match instanceof RouteTable.MethodNotAllowed(var allowed)) {
            return settings.errorResponse(Failures.of(name(), null, 405, "method_not_allowed", "app '" + name()
                    + "' has no " + request.method() + " route for " + request.path() + "; allowed: " + allowed), false)
                    .withHeader("Allow", String.join(", ", allowed));
        }
        if (!(match instanceof RouteTable.Found(Route route, var params))) {
            return settings.errorResponse(Failures.of(name(), null, 404, "no_such_route", "app '" + name()
                    + "' has no route for " + request.method() + " " + request.path() + "; its HTTP routes are "
                    + routes.httpNames()), false);
        }
        try {
            return admitted(route, call -> httpHere(route, params.isEmpty() ? request : request.withParams(params),
                    chunks, call));
        } catch (VaasCallException refused) {
            // Not admitted, or no worker to run it: HTTP callers get every failure as a response.
            return settings.errorResponse(refused, false);
        }
    }

    private HttpResponse httpHere(Route route, HttpRequest bound, io.vaas.HttpChunks chunks, RunningCall call) {
        Object result;
        try {
            result = invoke(route, bindHttpArgument(route, bound));
            return toResponse(result, chunks);
        } catch (VaasCallException e) {
            return settings.errorResponse(e, config.showErrorStack());
        } catch (Throwable e) {
            // Binding and converting run the app's setters and getters on this thread: theirs is the failure.
            return settings.errorResponse(call.cancelled() != null ? cancelled(route, call)
                    : context.exited() ? exitFailure(route) : Failures.badResponse(name(), route.name(), e),
                    config.showErrorStack());
        }
    }

    /**
     * A WebSocket connection to the route that matches {@code request}'s path; it is not open until the host calls
     * {@link io.vaas.WebSocketConnection#opened}.
     *
     * @throws VaasCallException 404 {@code no_such_route} naming the app's WebSocket routes
     */
    public io.vaas.WebSocketConnection webSocket(HttpRequest request) {
        if (!(routes.matchWebSocket(request.path()) instanceof RouteTable.Found(Route route, var params))) {
            throw Failures.of(name(), null, 404, "no_such_route", "app '" + name() + "' has no WebSocket route for "
                    + request.path() + "; its WebSocket routes are " + routes.webSocketNames());
        }
        // A friendly early answer; register() holds the limit exactly when the connection opens.
        if (sockets.size() >= maxWebSockets) {
            throw Failures.of(name(), route.name(), 503, "too_many_websockets", tooManyWebSockets());
        }
        return new AppWebSocket(this, route, params.isEmpty() ? request : request.withParams(params));
    }

    /** What became of a connection the host reports opened. */
    enum Registration { OPEN, RETIRED, FULL }

    /**
     * Adds an open connection. The upgrade's check lets handshakes in flight together pass it together; this one is
     * exact, so the app never holds more than {@code limits.maxWebSockets} connections.
     */
    Registration register(AppWebSocket socket) {
        synchronized (sockets) {
            if (sockets.size() >= maxWebSockets) {
                return Registration.FULL;
            }
            sockets.add(socket);
        }
        if (state.get() >= RETIRED) {
            // Retired meanwhile: closeSockets may have run before the add.
            sockets.remove(socket);
            return Registration.RETIRED;
        }
        return Registration.OPEN;
    }

    /** Why a connection past the app's limit is refused, and the way out. */
    String tooManyWebSockets() {
        return "app '" + name() + "' has " + sockets.size() + " WebSocket connections open, its limits.maxWebSockets "
                + "of " + maxWebSockets + "; try again later, or raise limits.maxWebSockets";
    }

    void deregister(AppWebSocket socket) {
        sockets.remove(socket);
    }

    /**
     * Calls WebSocket route {@code route} with one event of a connection; the caller has {@link #tryEnter entered}.
     *
     * @return what to send back: a {@code String} (text, JSON included) or a {@code byte[]}; null for nothing
     * @throws VaasCallException when the call fails
     */
    Object webSocketCall(Route route, io.vaas.api.WebSocketMessage message) {
        return admitted(route, call -> webSocketHere(route, message, call));
    }

    private Object webSocketHere(Route route, io.vaas.api.WebSocketMessage message, RunningCall call) {
        Object arg;
        try {
            arg = switch (route.input()) {
                case WEBSOCKET_MESSAGE -> message;
                case TEXT -> message.text();
                case BYTES -> message.bytes();
                case JSON -> readJson(route, message.bytes());
                default -> null;
            };
        } catch (VaasCallException e) {
            throw e;
        } catch (Throwable t) {
            // Binding runs the app's constructors and setters on this thread.
            throw failure(route, t);
        }
        Object result = invoke(route, arg);
        if (result == null || result instanceof String || result instanceof byte[]) {
            return result;
        }
        try {
            // Converting runs the app's getters: inside the call, under its deadline.
            return toJsonText(result);
        } catch (Throwable e) {
            if (call.cancelled() != null) {
                throw cancelled(route, call);
            }
            throw Failures.badResponse(name(), route.name(), e);
        }
    }

    /** {@code value} as JSON text, with the app's own Jackson rules. */
    String toJsonText(Object value) {
        return new String(codec.toJson(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The error body a failed call answers with, as text. */
    String errorText(VaasCallException e) {
        return settings.errorResponse(e, config.showErrorStack()).bodyText();
    }

    /** An HTTP body or a WebSocket text message bound to the route's parameter type. */
    private Object readJson(Route route, byte[] json) {
        String what = route.type() == io.vaas.api.ServerType.WEBSOCKET ? "message" : "body";
        try {
            return codec.read(json, route.inputType());
        } catch (JsonMappingException e) {
            throw Failures.of(name(), route.name(), 400, "bad_body", "app '" + name() + "' route '" + route.name()
                    + "': the " + what + " does not bind to " + route.inputType().getTypeName() + ": "
                    + JsonCodec.describe(e));
        } catch (IOException e) {
            throw Failures.of(name(), route.name(), 400, "bad_body", "app '" + name() + "' route '" + route.name()
                    + "': the " + what + " is not valid JSON: " + JsonCodec.describeSyntax(e));
        }
    }

    private Object bindHttpArgument(Route route, HttpRequest request) {
        return switch (route.input()) {
            case NONE -> null;
            case HTTP_PARAMS -> new HttpParams(request);
            case HTTP_REQUEST -> request;
            case JSON -> {
                if (!request.hasBody()) {
                    throw Failures.of(name(), route.name(), 400, "missing_body", "app '" + name() + "' route '"
                            + route.name() + "' needs a JSON body (" + route.inputType().getTypeName() + ")");
                }
                yield readJson(route, request.body());
            }
            case PARAMETER -> bindParameter(route, request);
            case WEBSOCKET_MESSAGE, TEXT, BYTES -> throw new IllegalStateException(route + " is not an HTTP route");
        };
    }

    /** A route's one simple value: its path variable, else its query parameter, converted to the parameter's type. */
    private Object bindParameter(Route route, HttpRequest request) {
        String name = route.parameterName();
        String text = request.params().get(name);
        if (text == null) {
            text = request.queryParam(name);
        }
        Class<?> type = (Class<?>) route.inputType();
        if (text == null) {
            if (!type.isPrimitive()) {
                return null;
            }
            throw Failures.of(name(), route.name(), 400, "missing_parameter", "app '" + name() + "' route '"
                    + route.name() + "' needs '" + name + "' (" + type.getSimpleName() + ") in its path or query");
        }
        try {
            return codec.convert(text, type);
        } catch (IllegalArgumentException e) {
            throw Failures.of(name(), route.name(), 400, "bad_parameter", "app '" + name() + "' route '"
                    + route.name() + "': '" + name + "' is '" + text + "', which is no " + type.getSimpleName());
        }
    }

    private HttpResponse toResponse(Object result, io.vaas.HttpChunks chunks) {
        if (result instanceof java.util.Iterator<?> || result instanceof java.util.stream.BaseStream<?, ?>
                || result instanceof java.util.concurrent.Flow.Publisher<?>) {
            return new StreamedResult(codec, chunks).send(result);
        }
        if (result instanceof HttpResponse r) {
            return r;
        }
        if (result == null) {
            return HttpResponse.status(204);
        }
        if (result instanceof String s) {
            return HttpResponse.text(200, s);
        }
        if (result instanceof byte[] b) {
            return HttpResponse.of(200, HttpResponse.BYTES, b);
        }
        if (result instanceof java.io.InputStream in) {
            // Read here, inside the call: the stream may be the app's own code, under its deadline. The body is one
            // byte array, so the app's array limit bounds it: a stream that never ends does not fill the heap.
            long max = context.maxArrayBytes() > 0 ? context.maxArrayBytes() : Integer.MAX_VALUE - 8;
            int limit = (int) Math.min(max, Integer.MAX_VALUE - 9);
            try (in) {
                byte[] body = in.readNBytes(limit + 1);
                if (body.length > limit) {
                    throw Failures.of(name(), "", 502, "response_too_large", "app '" + name() + "' returned a stream "
                            + "longer than " + limit + " bytes, the largest array it may make (limits.maxArrayMb in "
                            + "vaas.json); stream a long result as an Iterator or Stream of chunks instead");
                }
                return HttpResponse.of(200, HttpResponse.BYTES, body);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("reading the stream the route returned failed", e);
            }
        }
        return HttpResponse.of(200, HttpResponse.JSON, codec.toJson(result));
    }

    @Override
    public String toString() {
        return "app '" + name() + "' " + config.version() + " from " + location();
    }
}
