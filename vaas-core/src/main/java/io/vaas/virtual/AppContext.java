package io.vaas.virtual;

import io.vaas.files.AppFiles;
import io.vaas.files.RootedFileSystem;
import io.vaas.policy.NetAllowlist;
import io.vaas.policy.Policy;
import io.vaas.rewrite.Rewriter;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;

/**
 * One app instance's own copy of the JDK's global state: what its rewritten code sees when it calls
 * {@code System.getenv}, {@code System.getProperty}, {@code System.out}, {@code Locale.getDefault}, starts threads or
 * registers JDBC drivers. Created for each loaded instance and dropped with it.
 */
public final class AppContext {

    private final String app;
    private final String version;
    private final Map<String, String> env;
    private final Properties initialProperties;
    private Properties properties;
    private final int processors;
    private final OutputSink output;
    private final Policy policy;
    private final Rewriter rewriter;
    private volatile Map<Class<?>, Object> services = Map.of();
    /** Decisions on JDK members the app reached by reflection (JDK classes only: no app class is kept here). */
    private final java.util.concurrent.ConcurrentHashMap<java.lang.reflect.Member, Object> reflection =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile AppStdio stdio;
    private final ShutdownHooks hooks;
    private final AppThreads threads;
    private volatile AppDrivers drivers;
    private volatile AppLogging logging;
    private volatile ClassLoader loader;
    private volatile AppFiles fileRoot;
    private volatile RootedFileSystem fileSystem;
    private final java.util.List<java.nio.file.Path> deleteOnStop = new java.util.ArrayList<>();
    private volatile NetAllowlist netAllowlist = NetAllowlist.ANY;
    private final io.vaas.guard.KillSwitch killSwitch;
    private volatile long maxArrayBytes;
    private final DirectMemory directMemory;
    private final OutputRate outputRate;
    private volatile AppThreadLocals threadLocals;
    private volatile java.security.ProtectionDomain unlocated;
    private volatile VirtualRpc.AppCalls appCalls;
    private volatile io.vaas.guard.MonitorStandIns monitors;
    private volatile AppCleaners cleaners;

    private volatile Locale locale;
    private final Map<Locale.Category, Locale> categoryLocales = new EnumMap<>(Locale.Category.class);
    private volatile TimeZone timeZone;
    private volatile Thread.UncaughtExceptionHandler uncaughtHandler;

    private volatile int exitStatus;
    private volatile String exitHow;

    /**
     * What an app uses of this (streams, drivers, its properties' copy, its time zone) is made on first use: most
     * apps touch little of it, and creating a context is part of every cold start.
     *
     * @param app        the app's name
     * @param version    the app's version
     * @param env        the environment variables granted to the app
     * @param properties the system properties the app starts with; the context keeps this object, the caller must
     *                   not change it afterwards
     * @param processors what {@code Runtime.availableProcessors()} answers the app
     * @param output     where its standard output and error go
     * @param policy     what the app may use of the JDK, checked again when it reaches members by reflection; null
     *                   for no checks
     * @param rewriter   the pass classes the app defines itself go through
     */
    public AppContext(String app, String version, Map<String, String> env, Properties properties, int processors,
                      OutputSink output, Policy policy, Rewriter rewriter) {
        this.app = app;
        this.policy = policy;
        this.rewriter = rewriter;
        this.version = version;
        this.env = Map.copyOf(env);
        this.initialProperties = properties;
        this.processors = processors;
        this.output = output;
        this.hooks = new ShutdownHooks(this);
        this.threads = new AppThreads(this);
        this.killSwitch = new io.vaas.guard.KillSwitch(app, threads::owns);
        this.directMemory = new DirectMemory(app);
        this.outputRate = new OutputRate(app);
        this.locale = Locale.getDefault();
        for (Locale.Category c : Locale.Category.values()) {
            categoryLocales.put(c, Locale.getDefault(c));
        }
    }

    /**
     * The context of the app {@code caller} belongs to.
     *
     * @throws SecurityException if {@code caller} is not a class of an app: the runtime support serves rewritten
     *                           app code only
     */
    static AppContext of(Class<?> caller) {
        for (ClassLoader l = caller == null ? null : caller.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof ContextCarrier carrier) {
                AppContext c = carrier.appContext();
                if (c != null) {
                    return c;
                }
            }
        }
        throw new SecurityException("io.vaas.virtual serves the rewritten code of apps only, not "
                + (caller == null ? "null" : caller.getName()));
    }

    /** Called once by the app's loader when it is created. */
    public void bindLoader(ClassLoader appLoader) {
        if (this.loader != null) {
            throw new IllegalStateException("app '" + app + "' already has a loader");
        }
        this.loader = appLoader;
    }

    /** The app's name. */
    public String app() {
        return app;
    }

    /** The app's version. */
    public String version() {
        return version;
    }

    ClassLoader loader() {
        return loader;
    }

    Policy policy() {
        return policy;
    }

    Rewriter rewriter() {
        return rewriter;
    }

    Map<Class<?>, Object> services() {
        return services;
    }

    /** Sets the services the host hands this app (called once, before the app runs). */
    public void services(Map<Class<?>, Object> provided) {
        this.services = Map.copyOf(provided);
    }

    java.util.concurrent.ConcurrentHashMap<java.lang.reflect.Member, Object> reflectionDecisions() {
        return reflection;
    }

    Map<String, String> env() {
        return env;
    }

    synchronized Properties properties() {
        if (properties == null) {
            properties = copy(initialProperties);
        }
        return properties;
    }

    synchronized void properties(Properties replacement) {
        this.properties = replacement == null ? copy(initialProperties) : replacement;
    }

    int processors() {
        return processors;
    }

    /** The app's standard streams. */
    public AppStdio stdio() {
        AppStdio s = stdio;
        if (s == null) {
            synchronized (this) {
                s = stdio;
                if (s == null) {
                    s = new AppStdio(app, version, output, outputRate);
                    stdio = s;
                }
            }
        }
        return s;
    }

    ShutdownHooks hooks() {
        return hooks;
    }

    /**
     * Where the app's files are: its file root, or none (then paths are values only, and reaching a file fails
     * naming the way out). Set once, before the app runs.
     */
    public void useFiles(AppFiles files) {
        this.fileRoot = files;
    }

    /** The hosts the app may connect to. Set once, before the app runs. */
    public void useNetAllowlist(NetAllowlist allowlist) {
        this.netAllowlist = allowlist;
    }

    /**
     * The app's limits on what one allocation and its threads may take; 0 for none. Set once, before the app runs.
     *
     * @param maxArrayBytes the largest array the app may allocate, in bytes
     * @param maxThreads    how many threads the app may have alive at once
     */
    public void useLimits(long maxArrayBytes, int maxThreads) {
        this.maxArrayBytes = maxArrayBytes;
        threads.maxThreads(maxThreads);
    }

    /**
     * The app's limits on what one allocation, its threads, its direct memory and its output may take; fields 0 or
     * null for none. Set once, before the app runs.
     */
    public void useLimits(io.vaas.Limits limits) {
        useLimits(mib(limits.maxArrayMb()), limits.maxThreads() == null ? 0 : limits.maxThreads());
        directMemory.limit(mib(limits.maxDirectMb()));
        outputRate.limits(limits.maxOutputLinesPerSec() == null ? 0 : limits.maxOutputLinesPerSec(),
                limits.maxOutputKbPerSec() == null ? 0 : limits.maxOutputKbPerSec() * 1024L);
    }

    private static long mib(Long mb) {
        return mb == null ? 0 : mb * 1024L * 1024L;
    }

    /** The largest array the app may allocate, in bytes ({@code limits.maxArrayMb}); 0 or less for no limit. */
    public long maxArrayBytes() {
        return maxArrayBytes;
    }

    /** The app's off-heap budget. */
    public DirectMemory directMemory() {
        return directMemory;
    }

    /** The app's output allowance. */
    public OutputRate outputRate() {
        return outputRate;
    }

    /** How the app's calls to other apps reach them. Set once, before the app runs. */
    public void useAppCalls(VirtualRpc.AppCalls calls) {
        this.appCalls = calls;
    }

    VirtualRpc.AppCalls appCalls() {
        return appCalls;
    }

    /** The app's thread-local values on threads it does not own, made on first use. */
    AppThreadLocals threadLocals() {
        AppThreadLocals t = threadLocals;
        if (t == null) {
            synchronized (this) {
                t = threadLocals;
                if (t == null) {
                    t = new AppThreadLocals();
                    threadLocals = t;
                }
            }
        }
        return t;
    }

    /**
     * Where classes the app may not locate (the guest API's, the host's exports) come from, as the app sees them: no
     * location, and the app's own loader.
     */
    java.security.ProtectionDomain unlocatedDomain() {
        java.security.ProtectionDomain d = unlocated;
        if (d == null) {
            d = new java.security.ProtectionDomain(new java.security.CodeSource(null,
                    (java.security.cert.Certificate[]) null), null, loader, null);
            unlocated = d;
        }
        return d;
    }

    /**
     * The app's own file system when the host gave it a file root, else null: where a {@code Path} or {@code File}
     * handed to the app (a route's argument, a call's result) is made.
     */
    public java.nio.file.FileSystem rootedFiles() {
        return fileRoot == null ? null : files();
    }

    /** The switch that stops the app's code: one of its calls, or all of it. */
    public io.vaas.guard.KillSwitch killSwitch() {
        return killSwitch;
    }

    NetAllowlist netAllowlist() {
        return netAllowlist;
    }

    /** The app's own file system, opened on first use. */
    RootedFileSystem files() {
        RootedFileSystem f = fileSystem;
        if (f == null) {
            synchronized (this) {
                f = fileSystem;
                if (f == null) {
                    // Writes need files:write whatever way they take (FileChannel.open with WRITE included).
                    boolean writes = policy == null || policy.granted().contains("files:write");
                    f = fileRoot == null ? RootedFileSystem.unrooted(app)
                            : writes ? RootedFileSystem.open(app, fileRoot)
                            : RootedFileSystem.openForReading(app, fileRoot, "may only read its files; permission "
                            + "'files:write' allows writing (add it to \"permissions\" in vaas.json)");
                    fileSystem = f;
                }
            }
        }
        return f;
    }

    /** {@code File.deleteOnExit} of the app: deleted when the app stops. */
    void deleteOnStop(java.nio.file.Path path) {
        synchronized (deleteOnStop) {
            deleteOnStop.add(path);
        }
    }

    /**
     * Throws unless the app holds {@code permission}: for the decisions made at run time, where the rewriter could
     * not know what a call reaches (a URL's protocol).
     */
    void requirePermission(String permission, String api) {
        if (policy == null || policy.granted().contains(permission)) {
            return;
        }
        throw new io.vaas.api.PolicyDenial("app '" + app + "' uses " + api + ", which the app's permissions do not allow; "
                + "permission '" + permission + "' allows it (add it to \"permissions\" in vaas.json)");
    }

    /** The threads the app started. */
    public AppThreads threads() {
        return threads;
    }

    /** The app's stand-ins for the monitors of objects it shares with others, made on first use. */
    io.vaas.guard.MonitorStandIns monitors() {
        io.vaas.guard.MonitorStandIns m = monitors;
        if (m == null) {
            synchronized (this) {
                m = monitors;
                if (m == null) {
                    m = new io.vaas.guard.MonitorStandIns(app);
                    monitors = m;
                }
            }
        }
        return m;
    }

    /** The app's cleaners, made on first use. */
    AppCleaners cleaners() {
        AppCleaners c = cleaners;
        if (c == null) {
            synchronized (this) {
                c = cleaners;
                if (c == null) {
                    c = new AppCleaners(this);
                    cleaners = c;
                }
            }
        }
        return c;
    }

    AppDrivers drivers() {
        AppDrivers d = drivers;
        if (d == null) {
            synchronized (this) {
                d = drivers;
                if (d == null) {
                    d = new AppDrivers(this);
                    drivers = d;
                }
            }
        }
        return d;
    }

    /** The app's own {@code java.util.logging} loggers, made on first use. */
    AppLogging logging() {
        AppLogging l = logging;
        if (l == null) {
            synchronized (this) {
                l = logging;
                if (l == null) {
                    l = new AppLogging(app, version, outputRate);
                    logging = l;
                }
            }
        }
        return l;
    }

    Locale locale() {
        return locale;
    }

    Locale locale(Locale.Category category) {
        synchronized (categoryLocales) {
            return categoryLocales.get(category);
        }
    }

    void locale(Locale newDefault) {
        synchronized (categoryLocales) {
            this.locale = newDefault;
            for (Locale.Category c : Locale.Category.values()) {
                categoryLocales.put(c, newDefault);
            }
        }
    }

    void locale(Locale.Category category, Locale newDefault) {
        synchronized (categoryLocales) {
            categoryLocales.put(category, newDefault);
        }
    }

    TimeZone timeZone() {
        TimeZone z = timeZone;
        return z == null ? TimeZone.getDefault() : z;
    }

    void timeZone(TimeZone zone) {
        this.timeZone = zone;
    }

    Thread.UncaughtExceptionHandler uncaughtHandler() {
        return uncaughtHandler;
    }

    void uncaughtHandler(Thread.UncaughtExceptionHandler handler) {
        this.uncaughtHandler = handler;
    }

    /** Records that the app asked to exit, and returns the error that ends its call. */
    AppExitError exit(int status, String how) {
        if (exitHow == null) {
            exitStatus = status;
            exitHow = how;
        }
        return new AppExitError(app, status, how);
    }

    /** Whether the app called {@code System.exit} (or {@code Runtime.exit/halt}). */
    public boolean exited() {
        return exitHow != null;
    }

    /** The status the app exited with; meaningful when {@link #exited()}. */
    public int exitStatus() {
        return exitStatus;
    }

    /** How the app exited, such as {@code "System.exit"}; null when it has not. */
    public String exitCall() {
        return exitHow;
    }

    /**
     * Releases what the app holds of the JVM: runs its shutdown hooks (waiting up to {@code hookMillis}), stops its
     * pools and interrupts its threads, deregisters its JDBC drivers, flushes its output.
     */
    public void close(long hookMillis) {
        hooks.runAll(hookMillis);
        if (drivers != null) {
            // Deregistering runs the app's DriverActions: its code, so before its guards stop everything.
            try {
                drivers.deregisterAll();
            } catch (RuntimeException | Error e) {
                // As DriverManager does not guard against it either, an action's failure ends the deregistering.
            }
        }
        // After the hooks (which are the app's code too): from here on, every thread of the app stops at its next
        // guard, whether it heeds interrupts or not.
        killSwitch.stopApp("it is being unloaded");
        if (cleaners != null) {
            cleaners.stop();
        }
        threads.stop();
        deleteFilesOnStop();
        if (stdio != null) {
            stdio.flush();
        }
        outputRate.flush();
    }

    private void deleteFilesOnStop() {
        java.util.List<java.nio.file.Path> paths;
        synchronized (deleteOnStop) {
            paths = new java.util.ArrayList<>(deleteOnStop);
            deleteOnStop.clear();
        }
        // Last registered, first deleted, as File.deleteOnExit does: a folder's files go before the folder.
        for (int i = paths.size() - 1; i >= 0; i--) {
            try {
                java.nio.file.Files.deleteIfExists(paths.get(i));
            } catch (java.io.IOException | RuntimeException e) {
                // As at JVM exit: a file that cannot be deleted stays.
            }
        }
    }

    private static Properties copy(Properties source) {
        Properties p = new Properties();
        source.forEach(p::put);
        return p;
    }

    @Override
    public String toString() {
        return "app context of '" + app + "' " + version;
    }
}
