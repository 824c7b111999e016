package io.vaas.rewrite;

import io.vaas.rewrite.Rule.Action;
import io.vaas.rewrite.Rule.Extend;
import io.vaas.rewrite.Rule.Kind;
import io.vaas.rewrite.Rule.Observe;
import io.vaas.rewrite.Rule.Push;
import io.vaas.rewrite.Rule.PushHelper;
import io.vaas.rewrite.Rule.PushNull;
import io.vaas.rewrite.Rule.PushZero;
import io.vaas.rewrite.Rule.Redirect;
import io.vaas.rewrite.Rule.Swap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rewrite rules: which JDK members guest code may not reach directly, and what it reaches instead. One table
 * serves call sites, method references, method handle constants and the reflection shim.
 *
 * <p>{@link #version()} changes whenever the table does, so cached rewrites of an older table are never reused.
 */
public final class Rules {

    /** The runtime-support package the rewritten code calls into, internal form. Guest code may not name it. */
    public static final String SUPPORT_PACKAGE = "io/vaas/virtual/";

    private static final String ENV = SUPPORT_PACKAGE + "VirtualEnvironment";
    private static final String PROCESS = SUPPORT_PACKAGE + "VirtualProcess";
    private static final String STDIO = SUPPORT_PACKAGE + "VirtualStdio";
    private static final String DEFAULTS = SUPPORT_PACKAGE + "VirtualDefaults";
    private static final String THREADS = SUPPORT_PACKAGE + "VirtualThreads";
    private static final String JDBC = SUPPORT_PACKAGE + "VirtualJdbc";
    private static final String REFLECTION = SUPPORT_PACKAGE + "VirtualReflection";

    private static final String FILES = SUPPORT_PACKAGE + "VirtualFiles";
    private static final String NET = SUPPORT_PACKAGE + "VirtualNet";
    private static final String PARALLEL = SUPPORT_PACKAGE + "VirtualParallel";
    private static final String LOGGING = SUPPORT_PACKAGE + "VirtualLogging";

    private static final String CLASS = "Ljava/lang/Class;";
    private static final String EXECUTOR = "Ljava/util/concurrent/Executor;";
    private static final String THREAD_FACTORY = "Ljava/util/concurrent/ThreadFactory;";

    /** Changes whenever the runaway guards the pass adds do, so cached classes with older guards are not reused. */
    private static final String GUARDS_VERSION = "-g2";

    private static final Rules STANDARD = buildStandard();

    private final Map<String, Rule> byKey;
    private final Set<String> owners;
    private final Set<String> inheritableNames;
    private final String version;

    private Rules(List<Rule> rules) {
        Map<String, Rule> map = new HashMap<>();
        for (Rule r : rules) {
            if (map.put(key(r.owner(), r.name(), r.desc()), r) != null) {
                throw new IllegalStateException("two rules for " + r.owner() + "." + r.name() + r.desc());
            }
        }
        this.byKey = Map.copyOf(map);
        this.owners = Set.copyOf(rules.stream().map(Rule::owner).toList());
        this.inheritableNames = Set.copyOf(rules.stream().filter(r -> r.kind() != Kind.CONSTRUCTOR
                && !r.owner().equals("*") && !isFinal(r.owner())).map(Rule::name).toList());
        this.version = digest(rules);
    }

    /** The standard table: virtual JDK globals. */
    public static Rules standard() {
        return STANDARD;
    }

    /**
     * These rules with the host's substitutions on top (a substitution replaces a standard rule for the same member).
     *
     * @param substitutions rules whose action is {@link Rule.Substitute}
     */
    public Rules with(List<Rule> substitutions) {
        if (substitutions.isEmpty()) {
            return this;
        }
        Map<String, Rule> merged = new HashMap<>(byKey);
        for (Rule r : substitutions) {
            if (!(r.action() instanceof Rule.Substitute)) {
                throw new IllegalArgumentException("only substitutions can be added to the rules: " + r);
            }
            merged.put(key(r.owner(), r.name(), r.desc()), r);
        }
        return new Rules(List.copyOf(merged.values()));
    }

    /** The rule for a member, or null. */
    public Rule find(String owner, String name, String desc) {
        // Most references name an owner no rule is about: answer those without building a key.
        return owners.contains(owner) ? byKey.get(key(owner, name, desc)) : null;
    }

    /**
     * Whether a rule is about a member of this name that a class could inherit (its class is not final): a
     * reference qualified by an app class with such a name may land on the ruled member, so the rewriter follows
     * the app's hierarchy ({@code MyThread.setDefaultUncaughtExceptionHandler(h)} is {@code Thread}'s).
     */
    public boolean isInheritableName(String name) {
        return inheritableNames.contains(name);
    }

    private static boolean isFinal(String internalName) {
        try {
            Class<?> c = Class.forName(internalName.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            return java.lang.reflect.Modifier.isFinal(c.getModifiers());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether any rule is about a member of {@code owner}. */
    public boolean hasOwner(String owner) {
        return owners.contains(owner);
    }

    /** Every rule. */
    public List<Rule> all() {
        return List.copyOf(byKey.values());
    }

    /**
     * Whether redirects to {@code targetOwner} still need the permission of the member they replace: the app's own
     * files and network are still files and network. Other virtual globals are part of {@code core}.
     */
    public static boolean isPoliced(String targetOwner) {
        return FILES.equals(targetOwner) || NET.equals(targetOwner);
    }

    /** A digest of the whole table: part of every cache key. */
    public String version() {
        return version;
    }

    private static String key(String owner, String name, String desc) {
        return owner + '.' + name + desc;
    }

    private static String digest(List<Rule> rules) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            rules.stream().map(Rule::toString).sorted().forEach(s -> md.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            md.update(GUARDS_VERSION.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The descriptor of a static method taking what the member takes (receiver first), plus the caller class. */
    static String redirectDesc(Kind kind, String owner, String desc, boolean isStatic) {
        if (kind == Kind.STATIC_FIELD) {
            return "(" + CLASS + ")" + desc;
        }
        String receiver = isStatic ? "" : "L" + owner + ";";
        int close = desc.indexOf(')');
        return "(" + receiver + desc.substring(1, close) + CLASS + desc.substring(close);
    }

    private static Rules buildStandard() {
        Table t = new Table();

        // Environment and system properties: a view of what the host grants, per app.
        t.staticCall("java/lang/System", "getenv", "()Ljava/util/Map;", ENV);
        t.staticCall("java/lang/System", "getenv", "(Ljava/lang/String;)Ljava/lang/String;", ENV);
        t.staticCall("java/lang/System", "getProperty", "(Ljava/lang/String;)Ljava/lang/String;", ENV);
        t.staticCall("java/lang/System", "getProperty", "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", ENV);
        t.staticCall("java/lang/System", "getProperties", "()Ljava/util/Properties;", ENV);
        t.staticCall("java/lang/System", "setProperties", "(Ljava/util/Properties;)V", ENV);
        t.staticCall("java/lang/System", "setProperty", "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", ENV);
        t.staticCall("java/lang/System", "clearProperty", "(Ljava/lang/String;)Ljava/lang/String;", ENV);
        t.staticCall("java/lang/Integer", "getInteger", "(Ljava/lang/String;)Ljava/lang/Integer;", ENV);
        t.staticCall("java/lang/Integer", "getInteger", "(Ljava/lang/String;I)Ljava/lang/Integer;", ENV);
        t.staticCall("java/lang/Integer", "getInteger", "(Ljava/lang/String;Ljava/lang/Integer;)Ljava/lang/Integer;", ENV);
        t.staticCall("java/lang/Long", "getLong", "(Ljava/lang/String;)Ljava/lang/Long;", ENV);
        t.staticCall("java/lang/Long", "getLong", "(Ljava/lang/String;J)Ljava/lang/Long;", ENV);
        t.staticCall("java/lang/Long", "getLong", "(Ljava/lang/String;Ljava/lang/Long;)Ljava/lang/Long;", ENV);
        t.staticCall("java/lang/Boolean", "getBoolean", "(Ljava/lang/String;)Z", ENV);

        // Exit, shutdown hooks, processors: the app's process, not the JVM's.
        t.staticCall("java/lang/System", "exit", "(I)V", PROCESS);
        t.instanceCall("java/lang/Runtime", "exit", "(I)V", PROCESS);
        t.instanceCall("java/lang/Runtime", "halt", "(I)V", PROCESS);
        t.instanceCall("java/lang/Runtime", "addShutdownHook", "(Ljava/lang/Thread;)V", PROCESS);
        t.instanceCall("java/lang/Runtime", "removeShutdownHook", "(Ljava/lang/Thread;)Z", PROCESS);
        t.instanceCall("java/lang/Runtime", "availableProcessors", "()I", PROCESS);
        // A collection or finalization run acts on the whole JVM: management, as Runtime.gc() is.
        t.staticCall("java/lang/System", "gc", "()V", PROCESS);
        t.staticCall("java/lang/System", "runFinalization", "()V", PROCESS);

        // Standard streams.
        t.staticField("java/lang/System", "out", "Ljava/io/PrintStream;", STDIO);
        t.staticField("java/lang/System", "err", "Ljava/io/PrintStream;", STDIO);
        t.staticField("java/lang/System", "in", "Ljava/io/InputStream;", STDIO);
        t.staticCall("java/lang/System", "setOut", "(Ljava/io/PrintStream;)V", STDIO);
        t.staticCall("java/lang/System", "setErr", "(Ljava/io/PrintStream;)V", STDIO);
        t.staticCall("java/lang/System", "setIn", "(Ljava/io/InputStream;)V", STDIO);
        t.staticCall("java/lang/System", "console", "()Ljava/io/Console;", STDIO);
        // java.util.logging and System.Logger: the app's own tree of loggers, not the JVM's.
        String logger = "java/util/logging/Logger";
        String julLogger = "Ljava/util/logging/Logger;";
        t.staticCall(logger, "getLogger", "(Ljava/lang/String;)" + julLogger, LOGGING);
        t.staticCall(logger, "getLogger", "(Ljava/lang/String;Ljava/lang/String;)" + julLogger, LOGGING);
        t.staticCall(logger, "getGlobal", "()" + julLogger, LOGGING);
        t.staticCall(logger, "getAnonymousLogger", "()" + julLogger, LOGGING);
        t.staticCall(logger, "getAnonymousLogger", "(Ljava/lang/String;)" + julLogger, LOGGING);
        t.staticField(logger, "global", julLogger, LOGGING);
        t.staticCall("java/lang/System", "getLogger", "(Ljava/lang/String;)Ljava/lang/System$Logger;", LOGGING,
                "getSystemLogger");
        t.staticCall("java/lang/System", "getLogger", "(Ljava/lang/String;Ljava/util/ResourceBundle;)"
                + "Ljava/lang/System$Logger;", LOGGING, "getSystemLogger");
        t.factoriesIn(LOGGING, "java/util/logging/ConsoleHandler", "()");
        // Deserialization: the app's filter rides on the container's (see VirtualSerialization).
        String ois = "java/io/ObjectInputStream";
        t.instanceCall(ois, "setObjectInputFilter", "(Ljava/io/ObjectInputFilter;)V", SUPPORT_PACKAGE + "VirtualSerialization");
        t.instanceCall(ois, "getObjectInputFilter", "()Ljava/io/ObjectInputFilter;", SUPPORT_PACKAGE + "VirtualSerialization");
        // JDK code that prints reads the JVM's System.err, not the app's: these print to the app's instead.
        t.staticCall("java/lang/Thread", "dumpStack", "()V", STDIO);

        // JVM-wide defaults.
        t.staticCall("java/util/Locale", "getDefault", "()Ljava/util/Locale;", DEFAULTS);
        t.staticCall("java/util/Locale", "getDefault", "(Ljava/util/Locale$Category;)Ljava/util/Locale;", DEFAULTS);
        t.staticCall("java/util/Locale", "setDefault", "(Ljava/util/Locale;)V", DEFAULTS);
        t.staticCall("java/util/Locale", "setDefault", "(Ljava/util/Locale$Category;Ljava/util/Locale;)V", DEFAULTS);
        t.staticCall("java/util/TimeZone", "getDefault", "()Ljava/util/TimeZone;", DEFAULTS, "getDefaultTimeZone");
        t.staticCall("java/util/TimeZone", "setDefault", "(Ljava/util/TimeZone;)V", DEFAULTS);
        t.staticCall("java/lang/Thread", "getDefaultUncaughtExceptionHandler", "()Ljava/lang/Thread$UncaughtExceptionHandler;", DEFAULTS);
        t.staticCall("java/lang/Thread", "setDefaultUncaughtExceptionHandler", "(Ljava/lang/Thread$UncaughtExceptionHandler;)V", DEFAULTS);
        t.staticCall("java/lang/ClassLoader", "getSystemClassLoader", "()Ljava/lang/ClassLoader;", DEFAULTS);
        t.staticCall("java/lang/ClassLoader", "getSystemResource", "(Ljava/lang/String;)Ljava/net/URL;", DEFAULTS);
        t.staticCall("java/lang/ClassLoader", "getSystemResources", "(Ljava/lang/String;)Ljava/util/Enumeration;", DEFAULTS);
        t.staticCall("java/lang/ClassLoader", "getSystemResourceAsStream", "(Ljava/lang/String;)Ljava/io/InputStream;", DEFAULTS);

        // Threads: every thread the app starts, itself or through the JDK, is the app's.
        t.observe("start", "()V", THREADS, "adopt");
        t.staticCall("java/lang/Thread", "startVirtualThread", "(Ljava/lang/Runnable;)Ljava/lang/Thread;", THREADS);
        // What outlives a call on a thread: only on the app's own threads (a call may run on the host's).
        t.instanceCall("java/lang/Thread", "setName", "(Ljava/lang/String;)V", THREADS);
        t.instanceCall("java/lang/Thread", "setPriority", "(I)V", THREADS);
        t.instanceCall("java/lang/Thread", "setDaemon", "(Z)V", THREADS);
        t.instanceCall("java/lang/Thread", "setUncaughtExceptionHandler",
                "(Ljava/lang/Thread$UncaughtExceptionHandler;)V", THREADS);
        for (String builder : List.of("java/lang/Thread$Builder", "java/lang/Thread$Builder$OfPlatform",
                "java/lang/Thread$Builder$OfVirtual")) {
            t.instanceCall(builder, "start", "(Ljava/lang/Runnable;)Ljava/lang/Thread;", THREADS);
            t.instanceCall(builder, "factory", "()" + THREAD_FACTORY, THREADS);
        }
        String executors = "java/util/concurrent/Executors";
        t.staticCall(executors, "newFixedThreadPool", "(I)Ljava/util/concurrent/ExecutorService;", THREADS);
        t.staticCall(executors, "newCachedThreadPool", "()Ljava/util/concurrent/ExecutorService;", THREADS);
        t.staticCall(executors, "newSingleThreadExecutor", "()Ljava/util/concurrent/ExecutorService;", THREADS);
        t.staticCall(executors, "newScheduledThreadPool", "(I)Ljava/util/concurrent/ScheduledExecutorService;", THREADS);
        t.staticCall(executors, "newSingleThreadScheduledExecutor", "()Ljava/util/concurrent/ScheduledExecutorService;", THREADS);
        t.staticCall(executors, "newWorkStealingPool", "()Ljava/util/concurrent/ExecutorService;", THREADS);
        t.staticCall(executors, "newWorkStealingPool", "(I)Ljava/util/concurrent/ExecutorService;", THREADS);
        t.staticCall(executors, "newVirtualThreadPerTaskExecutor", "()Ljava/util/concurrent/ExecutorService;", THREADS);
        t.staticCall(executors, "defaultThreadFactory", "()" + THREAD_FACTORY, THREADS);
        t.staticCall(executors, "privilegedThreadFactory", "()" + THREAD_FACTORY, THREADS);
        t.staticCall("java/util/concurrent/ForkJoinPool", "commonPool", "()Ljava/util/concurrent/ForkJoinPool;", THREADS);

        PushHelper factory = new PushHelper(THREADS, "threadFactory", "(" + CLASS + ")" + THREAD_FACTORY);
        PushHelper pool = new PushHelper(THREADS, "asyncPool", "(" + CLASS + ")" + EXECUTOR);
        PushHelper fjFactory = new PushHelper(THREADS, "forkJoinFactory",
                "(" + CLASS + ")Ljava/util/concurrent/ForkJoinPool$ForkJoinWorkerThreadFactory;");
        PushHelper parallelism = new PushHelper(THREADS, "parallelism", "(" + CLASS + ")I");
        String tpe = "java/util/concurrent/ThreadPoolExecutor";
        String queue = "IIJLjava/util/concurrent/TimeUnit;Ljava/util/concurrent/BlockingQueue;";
        String handler = "Ljava/util/concurrent/RejectedExecutionHandler;";
        t.extendConstructor(tpe, "(" + queue + ")V", "(" + queue + THREAD_FACTORY + ")V", factory);
        t.extendConstructor(tpe, "(" + queue + handler + ")V", "(" + queue + THREAD_FACTORY + handler + ")V",
                factory, new Swap());
        String stpe = "java/util/concurrent/ScheduledThreadPoolExecutor";
        t.extendConstructor(stpe, "(I)V", "(I" + THREAD_FACTORY + ")V", factory);
        t.extendConstructor(stpe, "(I" + handler + ")V", "(I" + THREAD_FACTORY + handler + ")V", factory, new Swap());
        String fjp = "java/util/concurrent/ForkJoinPool";
        String fjpFull = "(ILjava/util/concurrent/ForkJoinPool$ForkJoinWorkerThreadFactory;"
                + "Ljava/lang/Thread$UncaughtExceptionHandler;Z)V";
        t.extendConstructor(fjp, "()V", fjpFull, parallelism, fjFactory, new PushNull(), new PushZero());
        t.extendConstructor(fjp, "(I)V", fjpFull, fjFactory, new PushNull(), new PushZero());
        PushHelper timerName = new PushHelper(THREADS, "timerName", "(" + CLASS + ")Ljava/lang/String;");
        PushHelper renameTimer = new PushHelper(THREADS, "timerName", "(Ljava/lang/String;" + CLASS + ")Ljava/lang/String;");
        t.extendConstructor("java/util/Timer", "()V", "(Ljava/lang/String;)V", timerName);
        t.extendConstructor("java/util/Timer", "(Z)V", "(Ljava/lang/String;Z)V", timerName, new Swap());
        t.replaceConstructorArg("java/util/Timer", "(Ljava/lang/String;)V", renameTimer, false);
        t.replaceConstructorArg("java/util/Timer", "(Ljava/lang/String;Z)V", renameTimer, true);

        // CompletableFuture's async defaults: the app's pool instead of the JVM's common pool.
        String cf = "java/util/concurrent/CompletableFuture";
        String stage = "java/util/concurrent/CompletionStage";
        t.extendMethod(cf, "supplyAsync", "(Ljava/util/function/Supplier;)L" + cf + ";", pool);
        t.extendMethod(cf, "runAsync", "(Ljava/lang/Runnable;)L" + cf + ";", pool);
        t.extendMethod(cf, "completeAsync", "(Ljava/util/function/Supplier;)L" + cf + ";", pool);
        t.extendMethod(cf, "delayedExecutor", "(JLjava/util/concurrent/TimeUnit;)" + EXECUTOR, pool);
        String[][] asyncs = {
                {"thenApplyAsync", "Ljava/util/function/Function;"},
                {"thenAcceptAsync", "Ljava/util/function/Consumer;"},
                {"thenRunAsync", "Ljava/lang/Runnable;"},
                {"thenCombineAsync", "L" + stage + ";Ljava/util/function/BiFunction;"},
                {"thenAcceptBothAsync", "L" + stage + ";Ljava/util/function/BiConsumer;"},
                {"runAfterBothAsync", "L" + stage + ";Ljava/lang/Runnable;"},
                {"applyToEitherAsync", "L" + stage + ";Ljava/util/function/Function;"},
                {"acceptEitherAsync", "L" + stage + ";Ljava/util/function/Consumer;"},
                {"runAfterEitherAsync", "L" + stage + ";Ljava/lang/Runnable;"},
                {"thenComposeAsync", "Ljava/util/function/Function;"},
                {"whenCompleteAsync", "Ljava/util/function/BiConsumer;"},
                {"handleAsync", "Ljava/util/function/BiFunction;"},
                {"exceptionallyAsync", "Ljava/util/function/Function;"},
                {"exceptionallyComposeAsync", "Ljava/util/function/Function;"},
        };
        for (String[] a : asyncs) {
            t.extendMethod(cf, a[0], "(" + a[1] + ")L" + cf + ";", pool);
            t.extendMethod(stage, a[0], "(" + a[1] + ")L" + stage + ";", pool);
        }

        // JDBC drivers registered by an app are the app's, and deregistered with it.
        String dm = "java/sql/DriverManager";
        t.staticCall(dm, "registerDriver", "(Ljava/sql/Driver;)V", JDBC);
        t.staticCall(dm, "registerDriver", "(Ljava/sql/Driver;Ljava/sql/DriverAction;)V", JDBC);
        t.staticCall(dm, "deregisterDriver", "(Ljava/sql/Driver;)V", JDBC);
        t.staticCall(dm, "getDriver", "(Ljava/lang/String;)Ljava/sql/Driver;", JDBC);
        t.staticCall(dm, "getDrivers", "()Ljava/util/Enumeration;", JDBC);
        t.staticCall(dm, "drivers", "()Ljava/util/stream/Stream;", JDBC);
        t.staticCall(dm, "getConnection", "(Ljava/lang/String;)Ljava/sql/Connection;", JDBC);
        t.staticCall(dm, "getConnection", "(Ljava/lang/String;Ljava/util/Properties;)Ljava/sql/Connection;", JDBC);
        t.staticCall(dm, "getConnection", "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)Ljava/sql/Connection;", JDBC);
        // DriverManager's settings are the JVM's: each app gets its own.
        t.staticCall(dm, "setLoginTimeout", "(I)V", JDBC);
        t.staticCall(dm, "getLoginTimeout", "()I", JDBC);
        t.staticCall(dm, "setLogWriter", "(Ljava/io/PrintWriter;)V", JDBC);
        t.staticCall(dm, "getLogWriter", "()Ljava/io/PrintWriter;", JDBC);
        t.staticCall(dm, "setLogStream", "(Ljava/io/PrintStream;)V", JDBC);
        t.staticCall(dm, "getLogStream", "()Ljava/io/PrintStream;", JDBC);
        t.staticCall(dm, "println", "(Ljava/lang/String;)V", JDBC);

        // Thread locals on threads the app does not own are kept by the app, and go with it.
        String locals = SUPPORT_PACKAGE + "VirtualThreadLocals";
        for (String owner : List.of("java/lang/ThreadLocal", "java/lang/InheritableThreadLocal")) {
            t.instanceCallAs(owner, "java/lang/ThreadLocal", "get", "()Ljava/lang/Object;", locals);
            t.instanceCallAs(owner, "java/lang/ThreadLocal", "set", "(Ljava/lang/Object;)V", locals);
            t.instanceCallAs(owner, "java/lang/ThreadLocal", "remove", "()V", locals);
        }
        t.staticCall("java/lang/ThreadLocal", "withInitial", "(Ljava/util/function/Supplier;)Ljava/lang/ThreadLocal;",
                locals);

        fileRules(t);
        netRules(t);
        parallelRules(t);

        // Regular expressions: the JDK's engine has no guards, so the input it reads checks the kill switch.
        String regex = SUPPORT_PACKAGE + "VirtualRegex";
        String str = "Ljava/lang/String;";
        String seq = "Ljava/lang/CharSequence;";
        String pattern = "java/util/regex/Pattern";
        String matcher = "Ljava/util/regex/Matcher;";
        t.instanceCall(pattern, "matcher", "(" + seq + ")" + matcher, regex);
        t.staticCall(pattern, "matches", "(" + str + seq + ")Z", regex);
        t.instanceCall(pattern, "split", "(" + seq + ")[" + str, regex);
        t.instanceCall(pattern, "split", "(" + seq + "I)[" + str, regex);
        t.instanceCall(pattern, "splitWithDelimiters", "(" + seq + "I)[" + str, regex);
        t.instanceCall(pattern, "splitAsStream", "(" + seq + ")Ljava/util/stream/Stream;", regex);
        t.instanceCall("java/util/regex/Matcher", "reset", "(" + seq + ")" + matcher, regex);
        t.instanceCall("java/lang/String", "matches", "(" + str + ")Z", regex);
        t.instanceCall("java/lang/String", "replaceAll", "(" + str + str + ")" + str, regex);
        t.instanceCall("java/lang/String", "replaceFirst", "(" + str + str + ")" + str, regex);
        t.instanceCall("java/lang/String", "split", "(" + str + ")[" + str, regex);
        t.instanceCall("java/lang/String", "split", "(" + str + "I)[" + str, regex);
        t.instanceCall("java/lang/String", "splitWithDelimiters", "(" + str + "I)[" + str, regex);

        // Classes an app defines itself go through the same rewriting and policy.
        String classLoading = SUPPORT_PACKAGE + "VirtualClassLoading";
        for (String desc : List.of("(Ljava/lang/String;[BII)Ljava/lang/Class;",
                "(Ljava/lang/String;[BIILjava/security/ProtectionDomain;)Ljava/lang/Class;",
                "(Ljava/lang/String;Ljava/nio/ByteBuffer;Ljava/security/ProtectionDomain;)Ljava/lang/Class;")) {
            t.rules.add(new Rule("*", "defineClass", desc, Kind.METHOD, new Rule.DefineBridge(classLoading)));
        }
        t.instanceCall("java/lang/invoke/MethodHandles$Lookup", "defineClass", "([B)Ljava/lang/Class;", classLoading);
        t.instanceCall("java/lang/invoke/MethodHandles$Lookup", "defineHiddenClass",
                "([BZ[Ljava/lang/invoke/MethodHandles$Lookup$ClassOption;)Ljava/lang/invoke/MethodHandles$Lookup;",
                classLoading);

        // The host's class loaders stay out of reach: asking a host class for its loader gives the app's own.
        t.instanceCall("java/lang/Class", "getClassLoader", "()Ljava/lang/ClassLoader;", REFLECTION);
        t.instanceCall("java/security/ProtectionDomain", "getClassLoader", "()Ljava/lang/ClassLoader;", REFLECTION);
        t.instanceCall("java/lang/invoke/MethodHandles$Lookup", "findClass", "(Ljava/lang/String;)Ljava/lang/Class;",
                REFLECTION);

        // Reflection on the members above reaches their virtual versions too.
        String mh = "Ljava/lang/invoke/MethodHandle;";
        String lookup = "java/lang/invoke/MethodHandles$Lookup";
        t.rules.add(new Rule("java/lang/reflect/Method", "invoke", "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;",
                Kind.METHOD, new Rule.ReflectiveInvoke(REFLECTION, "plan")));
        t.instanceCall("java/lang/reflect/Field", "get", "(Ljava/lang/Object;)Ljava/lang/Object;", REFLECTION);
        String field = "java/lang/reflect/Field";
        for (String[] m : new String[][] {
                {"getBoolean", "(Ljava/lang/Object;)Z"}, {"getByte", "(Ljava/lang/Object;)B"},
                {"getChar", "(Ljava/lang/Object;)C"}, {"getShort", "(Ljava/lang/Object;)S"},
                {"getInt", "(Ljava/lang/Object;)I"}, {"getLong", "(Ljava/lang/Object;)J"},
                {"getFloat", "(Ljava/lang/Object;)F"}, {"getDouble", "(Ljava/lang/Object;)D"},
                {"set", "(Ljava/lang/Object;Ljava/lang/Object;)V"}, {"setBoolean", "(Ljava/lang/Object;Z)V"},
                {"setByte", "(Ljava/lang/Object;B)V"}, {"setChar", "(Ljava/lang/Object;C)V"},
                {"setShort", "(Ljava/lang/Object;S)V"}, {"setInt", "(Ljava/lang/Object;I)V"},
                {"setLong", "(Ljava/lang/Object;J)V"}, {"setFloat", "(Ljava/lang/Object;F)V"},
                {"setDouble", "(Ljava/lang/Object;D)V"}}) {
            t.checked(field, m[0], m[1], "checkMember");
        }
        t.checked("java/lang/reflect/Constructor", "newInstance", "([Ljava/lang/Object;)Ljava/lang/Object;", "checkMember");
        for (String owner : List.of("java/lang/reflect/AccessibleObject", "java/lang/reflect/Method",
                "java/lang/reflect/Field", "java/lang/reflect/Constructor", "java/lang/reflect/Executable")) {
            t.checked(owner, "setAccessible", "(Z)V", "checkAccessible");
            t.checked(owner, "trySetAccessible", "()Z", "checkAccessible");
        }
        t.instanceCall(lookup, "findConstructor", "(Ljava/lang/Class;Ljava/lang/invoke/MethodType;)" + mh, REFLECTION);
        t.instanceCall(lookup, "findSpecial", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/Class;)" + mh, REFLECTION);
        t.instanceCall(lookup, "findGetter", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)" + mh, REFLECTION);
        t.instanceCall(lookup, "findSetter", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)" + mh, REFLECTION);
        t.instanceCall(lookup, "findStaticSetter", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)" + mh, REFLECTION);
        t.instanceCall(lookup, "unreflectConstructor", "(Ljava/lang/reflect/Constructor;)" + mh, REFLECTION);
        t.instanceCall(lookup, "unreflectSetter", "(Ljava/lang/reflect/Field;)" + mh, REFLECTION);
        t.instanceCall(lookup, "unreflectSpecial", "(Ljava/lang/reflect/Method;Ljava/lang/Class;)" + mh, REFLECTION);
        t.instanceCall(lookup, "findStatic", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)" + mh, REFLECTION);
        t.instanceCall(lookup, "findVirtual", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)" + mh, REFLECTION);
        t.instanceCall(lookup, "findStaticGetter", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)" + mh, REFLECTION);
        t.instanceCall(lookup, "unreflect", "(Ljava/lang/reflect/Method;)" + mh, REFLECTION);
        t.instanceCall(lookup, "unreflectGetter", "(Ljava/lang/reflect/Field;)" + mh, REFLECTION);
        t.instanceCall(lookup, "bind", "(Ljava/lang/Object;Ljava/lang/String;Ljava/lang/invoke/MethodType;)" + mh,
                REFLECTION);
        String vh = "Ljava/lang/invoke/VarHandle;";
        t.instanceCall(lookup, "findVarHandle", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)" + vh, REFLECTION);
        t.instanceCall(lookup, "findStaticVarHandle", "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Class;)" + vh,
                REFLECTION);
        t.instanceCall(lookup, "unreflectVarHandle", "(Ljava/lang/reflect/Field;)" + vh, REFLECTION);
        t.checked("java/lang/Class", "newInstance", "()Ljava/lang/Object;", "checkNewInstance");
        // Bootstrap methods are plain static methods too: as a dynamic constant's bootstrap or called directly,
        // these read or hand out any static field.
        String constants = "java/lang/invoke/ConstantBootstraps";
        String lookupDesc = "Ljava/lang/invoke/MethodHandles$Lookup;";
        t.staticCall(constants, "getStaticFinal", "(" + lookupDesc + "Ljava/lang/String;Ljava/lang/Class;Ljava/lang/Class;)"
                + "Ljava/lang/Object;", REFLECTION);
        t.staticCall(constants, "getStaticFinal", "(" + lookupDesc + "Ljava/lang/String;Ljava/lang/Class;)"
                + "Ljava/lang/Object;", REFLECTION);
        t.staticCall(constants, "staticFieldVarHandle", "(" + lookupDesc + "Ljava/lang/String;Ljava/lang/Class;"
                + "Ljava/lang/Class;Ljava/lang/Class;)" + vh, REFLECTION);
        t.staticCall(constants, "fieldVarHandle", "(" + lookupDesc + "Ljava/lang/String;Ljava/lang/Class;"
                + "Ljava/lang/Class;Ljava/lang/Class;)" + vh, REFLECTION);

        loaderRules(t);
        monitorAndCleanerRules(t);

        int before = t.rules.size();
        allocationRules(t);
        threadFactoryRules(t);
        requireLimitsTargets(t.rules.subList(before, t.rules.size()));

        return new Rules(t.rules);
    }

    // ---- Monitors and cleaners (VirtualMonitors, VirtualCleaners) -------------------------------------------------
    // Kept in this block of their own: what an app locks and what it leaves to be cleaned stay on its side.

    private static final String MONITORS = SUPPORT_PACKAGE + "VirtualMonitors";
    private static final String CLEANERS = SUPPORT_PACKAGE + "VirtualCleaners";

    /**
     * {@code wait}/{@code notify} on any object act on the monitor the app locked for it: its stand-in when the object
     * is one the host or other apps share (MONITORENTER and MONITOREXIT are mapped by the rewriter itself). The
     * cleaners an app makes run its cleaning actions on a thread of its own, never on a JDK thread.
     */
    private static void monitorAndCleanerRules(Table t) {
        for (String[] m : new String[][] {{"wait", "()V"}, {"wait", "(J)V"}, {"wait", "(JI)V"}, {"notify", "()V"},
                {"notifyAll", "()V"}}) {
            t.rules.add(new Rule("*", m[0], m[1], Kind.METHOD,
                    new Redirect(MONITORS, m[0], redirectDesc(Kind.METHOD, "java/lang/Object", m[1], false))));
        }
        String cleaner = "java/lang/ref/Cleaner";
        t.staticCall(cleaner, "create", "()Ljava/lang/ref/Cleaner;", CLEANERS);
        t.staticCall(cleaner, "create", "(" + THREAD_FACTORY + ")Ljava/lang/ref/Cleaner;", CLEANERS);
        t.instanceCall(cleaner, "register", "(Ljava/lang/Object;Ljava/lang/Runnable;)Ljava/lang/ref/Cleaner$Cleanable;",
                CLEANERS);
    }

    // ---- Loaders, code sources and stack traces (VirtualLoaders, VirtualStackTraces) ------------------------------
    // Kept in this block of their own: no loader but the app's answers it, and no host frame or path reaches it.

    private static final String LOADERS = SUPPORT_PACKAGE + "VirtualLoaders";
    private static final String STACKS = SUPPORT_PACKAGE + "VirtualStackTraces";

    /**
     * Every way an app names a class loader, explicitly or by default (the thread's context loader, the system
     * loader behind {@code ServiceLoader.load(type, null)}, the caller's behind {@code ResourceBundle.getBundle}), and
     * every way it reads where classes come from or what called it.
     */
    private static void loaderRules(Table t) {
        String loader = "Ljava/lang/ClassLoader;";
        String str = "Ljava/lang/String;";
        String locale = "Ljava/util/Locale;";
        String module = "Ljava/lang/Module;";
        String control = "Ljava/util/ResourceBundle$Control;";
        String bundle = "Ljava/util/ResourceBundle;";
        String frames = "[Ljava/lang/StackTraceElement;";
        // Thread subclasses name themselves as owner: the JDK's get rules of their own (reflection finds them by the
        // class asked), and any other owner is matched by name (an app's own subclass, or not a thread at all).
        for (String thread : List.of("java/lang/Thread", "java/util/concurrent/ForkJoinWorkerThread")) {
            t.instanceCallAs(thread, "java/lang/Thread", "getContextClassLoader", "()" + loader, LOADERS);
            t.instanceCallAs(thread, "java/lang/Thread", "setContextClassLoader", "(" + loader + ")V", LOADERS);
            t.instanceCallAs(thread, "java/lang/Thread", "getStackTrace", "()" + frames, STACKS);
        }
        anyOwner(t, "getContextClassLoader", "()" + loader, LOADERS);
        anyOwner(t, "setContextClassLoader", "(" + loader + ")V", LOADERS);

        String sl = "java/util/ServiceLoader";
        t.staticCall(sl, "load", "(" + CLASS + ")L" + sl + ";", LOADERS);
        t.staticCall(sl, "load", "(" + CLASS + loader + ")L" + sl + ";", LOADERS);
        t.staticCall(sl, "loadInstalled", "(" + CLASS + ")L" + sl + ";", LOADERS);

        String rb = "java/util/ResourceBundle";
        for (String args : List.of(str, str + locale, str + control, str + locale + control, str + locale + loader,
                str + locale + loader + control, str + module, str + locale + module)) {
            t.staticCall(rb, "getBundle", "(" + args + ")" + bundle, LOADERS);
        }
        t.staticCall(rb, "clearCache", "()V", LOADERS);
        t.staticCall(rb, "clearCache", "(" + loader + ")V", LOADERS);

        t.staticCall("java/lang/Class", "forName", "(" + str + "Z" + loader + ")" + CLASS, LOADERS);
        t.staticCall("java/lang/Class", "forName", "(" + module + str + ")" + CLASS, LOADERS);
        t.instanceCall("java/lang/Class", "getProtectionDomain", "()Ljava/security/ProtectionDomain;", LOADERS);
        t.instanceCall("java/lang/Class", "getResource", "(" + str + ")Ljava/net/URL;", LOADERS);
        t.instanceCall("java/lang/Class", "getResourceAsStream", "(" + str + ")Ljava/io/InputStream;", LOADERS);

        t.instanceCall("java/lang/Throwable", "getStackTrace", "()" + frames, STACKS);
        anyOwner(t, "getStackTrace", "()" + frames, STACKS);
        for (String args : List.of("", "Ljava/io/PrintStream;", "Ljava/io/PrintWriter;")) {
            t.instanceCall("java/lang/Throwable", "printStackTrace", "(" + args + ")V", STACKS);
            anyOwner(t, "printStackTrace", "(" + args + ")V", STACKS);
        }
    }

    /**
     * An instance method matched by name and descriptor whatever its owner (when no rule names the owner): the
     * target takes the receiver as an {@code Object}, and tells the objects it is about from any other.
     */
    private static void anyOwner(Table t, String name, String desc, String target) {
        t.rules.add(new Rule("*", name, desc, Kind.METHOD,
                new Redirect(target, name, redirectDesc(Kind.METHOD, "java/lang/Object", desc, false))));
    }
    // ---- end of loaders, code sources and stack traces ------------------------------------------------------------

    // ---- Allocations the JDK makes by a size the app passes; threads its factories make (limits) ------------------
    // Kept in this block of their own: VirtualAllocations, DirectMemory (through it), ArgumentStash,
    // VirtualThreadFactories. Every member named here is one `core` allows (LimitsRulesTest), so no rule opens one.

    private static final String ALLOC = SUPPORT_PACKAGE + "VirtualAllocations";
    private static final String STASH = SUPPORT_PACKAGE + "ArgumentStash";
    private static final String FACTORIES = SUPPORT_PACKAGE + "VirtualThreadFactories";

    /**
     * JDK members that allocate one array by a number the app passes (a count, a capacity, a new length, a width, an
     * exponent) or by the size a collection of the app's claims: checked against {@code limits.maxArrayMb} first.
     * Constructors keep their call (so an app's subclass calling {@code super(n)} is checked too): the size passes
     * through a helper pushed before it, reached under the other arguments by {@link Swap} or {@code ArgumentStash}.
     */
    private static void allocationRules(Table t) {
        String str = "Ljava/lang/String;";
        String objs = "[Ljava/lang/Object;";
        String locale = "Ljava/util/Locale;";
        t.instanceCall("java/lang/String", "repeat", "(I)" + str, ALLOC);
        t.instanceCall("java/lang/String", "indent", "(I)" + str, ALLOC);
        t.staticCall("java/lang/String", "format", "(" + str + objs + ")" + str, ALLOC);
        t.staticCall("java/lang/String", "format", "(" + locale + str + objs + ")" + str, ALLOC);
        t.instanceCall("java/lang/String", "formatted", "(" + objs + ")" + str, ALLOC);
        for (String printer : List.of("java/io/PrintStream", "java/io/PrintWriter", "java/util/Formatter")) {
            String self = "L" + printer + ";";
            for (String name : printer.endsWith("Formatter") ? List.of("format") : List.of("printf", "format")) {
                t.instanceCall(printer, name, "(" + str + objs + ")" + self, ALLOC);
                t.instanceCall(printer, name, "(" + locale + str + objs + ")" + self, ALLOC);
            }
        }

        // String builders: capacities, and growth at every append that would pass the limit.
        for (String builder : List.of("java/lang/StringBuilder", "java/lang/StringBuffer")) {
            String self = "L" + builder + ";";
            capacityConstructor(t, builder, "(I)V", "builderCapacity");
            for (java.lang.reflect.Method m : methodsOf(ALLOC)) {
                if (m.getParameterCount() > 1 && m.getParameterTypes()[0].getName().equals(builder.replace('/', '.'))) {
                    String desc = net.bytebuddy.jar.asm.Type.getMethodDescriptor(m);
                    t.instanceCall(builder, m.getName(), jdkDesc(desc, self), ALLOC);
                }
            }
        }

        // Arrays.copyOf and copyOfRange, every overload.
        for (java.lang.reflect.Method m : methodsOf(ALLOC)) {
            if ((m.getName().equals("copyOf") || m.getName().equals("copyOfRange")) && m.getParameterTypes()[0].isArray()) {
                String desc = net.bytebuddy.jar.asm.Type.getMethodDescriptor(m);
                t.staticCall("java/util/Arrays", m.getName(), jdkDesc(desc, ""), ALLOC);
            }
        }

        // Buffers: on the heap against maxArrayMb, direct ones against maxDirectMb.
        t.staticCall("java/nio/ByteBuffer", "allocate", "(I)Ljava/nio/ByteBuffer;", ALLOC);
        t.staticCall("java/nio/ByteBuffer", "allocateDirect", "(I)Ljava/nio/ByteBuffer;", ALLOC);
        for (String kind : List.of("Char", "Short", "Int", "Float", "Long", "Double")) {
            String owner = "java/nio/" + kind + "Buffer";
            t.staticCall(owner, "allocate", "(I)L" + owner + ";", ALLOC, "allocate" + kind + "s");
        }

        // Collections with a capacity: one array of that many slots, now or at the first insertion.
        String collection = "Ljava/util/Collection;";
        String map = "Ljava/util/Map;";
        for (String owner : List.of("java/util/ArrayList", "java/util/Vector", "java/util/ArrayDeque",
                "java/util/PriorityQueue", "java/util/concurrent/PriorityBlockingQueue",
                "java/util/concurrent/ArrayBlockingQueue", "java/util/HashMap", "java/util/LinkedHashMap",
                "java/util/HashSet", "java/util/LinkedHashSet", "java/util/Hashtable", "java/util/WeakHashMap",
                "java/util/IdentityHashMap", "java/util/concurrent/ConcurrentHashMap")) {
            capacityConstructor(t, owner, "(I)V", "capacity");
        }
        for (String owner : List.of("java/util/HashMap", "java/util/LinkedHashMap", "java/util/HashSet",
                "java/util/LinkedHashSet", "java/util/Hashtable", "java/util/WeakHashMap",
                "java/util/concurrent/ConcurrentHashMap")) {
            capacityConstructor(t, owner, "(IF)V", "capacity");
        }
        t.extendConstructor("java/util/Vector", "(II)V", "(II)V", new Swap(),
                new PushHelper(ALLOC, "capacity", "(I" + CLASS + ")I"), new Swap());
        capacityConstructor(t, "java/util/PriorityQueue", "(ILjava/util/Comparator;)V", "capacity");
        capacityConstructor(t, "java/util/concurrent/PriorityBlockingQueue", "(ILjava/util/Comparator;)V", "capacity");
        capacityConstructor(t, "java/util/concurrent/ArrayBlockingQueue", "(IZ)V", "capacity");
        capacityConstructor(t, "java/util/BitSet", "(I)V", "bits");
        stashedCapacity(t, "java/util/LinkedHashMap", "(IFZ)V", "(FZ" + CLASS + ")V", "popFloat", "popBoolean");
        stashedCapacity(t, "java/util/concurrent/ConcurrentHashMap", "(IFI)V", "(FI" + CLASS + ")V", "popFloat", "popInt");
        stashedCapacity(t, "java/util/concurrent/ArrayBlockingQueue", "(IZ" + collection + ")V",
                "(Z" + collection + CLASS + ")V", "popBoolean", "popCollection");
        for (String[] f : new String[][] {{"HashMap", "newHashMap"}, {"LinkedHashMap", "newLinkedHashMap"},
                {"HashSet", "newHashSet"}, {"LinkedHashSet", "newLinkedHashSet"}, {"WeakHashMap", "newWeakHashMap"}}) {
            t.staticCall("java/util/" + f[0], f[1], "(I)Ljava/util/" + f[0] + ";", ALLOC);
        }
        t.staticCall("java/util/Collections", "nCopies", "(ILjava/lang/Object;)Ljava/util/List;", ALLOC);
        t.instanceCall("java/util/ArrayList", "ensureCapacity", "(I)V", ALLOC);
        t.instanceCall("java/util/Vector", "ensureCapacity", "(I)V", ALLOC);
        t.instanceCall("java/util/Vector", "setSize", "(I)V", ALLOC);

        // Copies of a collection or map of the app's, which may claim any size: one array (or table) of that size.
        for (String owner : List.of("java/util/ArrayList", "java/util/Vector", "java/util/ArrayDeque",
                "java/util/PriorityQueue", "java/util/concurrent/PriorityBlockingQueue",
                "java/util/concurrent/CopyOnWriteArrayList", "java/util/HashSet", "java/util/LinkedHashSet")) {
            sizedConstructor(t, owner, collection, "sized");
        }
        for (String owner : List.of("java/util/HashMap", "java/util/LinkedHashMap", "java/util/Hashtable",
                "java/util/WeakHashMap", "java/util/IdentityHashMap", "java/util/concurrent/ConcurrentHashMap")) {
            sizedConstructor(t, owner, map, "sizedMap");
        }
        t.staticCall("java/util/List", "copyOf", "(" + collection + ")Ljava/util/List;", ALLOC);
        t.staticCall("java/util/Set", "copyOf", "(" + collection + ")Ljava/util/Set;", ALLOC, "copyOfSet");
        t.staticCall("java/util/Map", "copyOf", "(" + map + ")" + map, ALLOC, "copyOfMap");
        // toArray and addAll of the JDK's collections, as each declares them.
        for (String owner : List.of("java/util/Collection", "java/util/List", "java/util/Set", "java/util/Deque",
                "java/util/AbstractCollection", "java/util/AbstractList", "java/util/ArrayList", "java/util/LinkedList",
                "java/util/Vector", "java/util/ArrayDeque", "java/util/PriorityQueue", "java/util/HashSet",
                "java/util/TreeSet", "java/util/concurrent/CopyOnWriteArrayList",
                "java/util/concurrent/ConcurrentLinkedQueue", "java/util/concurrent/ConcurrentLinkedDeque",
                "java/util/concurrent/ArrayBlockingQueue", "java/util/concurrent/LinkedBlockingQueue",
                "java/util/concurrent/LinkedBlockingDeque", "java/util/concurrent/PriorityBlockingQueue")) {
            for (java.lang.reflect.Method m : jdkClass(owner).getDeclaredMethods()) {
                if (!java.lang.reflect.Modifier.isPublic(m.getModifiers()) || m.isBridge()
                        || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                String desc = net.bytebuddy.jar.asm.Type.getMethodDescriptor(m);
                if (m.getName().equals("toArray")) {
                    t.instanceCallAs(owner, "java/util/Collection", "toArray", desc, ALLOC);
                } else if (m.getName().equals("addAll") && desc.equals("(" + collection + ")Z")) {
                    t.instanceCallAs(owner, "java/util/Collection", "addAll", desc, ALLOC);
                } else if (m.getName().equals("addAll") && desc.equals("(I" + collection + ")Z")) {
                    t.instanceCallAs(owner, "java/util/List", "addAll", desc, ALLOC);
                }
            }
        }

        // Streams' own buffers.
        String in = "Ljava/io/InputStream;";
        String out = "Ljava/io/OutputStream;";
        capacityConstructor(t, "java/io/ByteArrayOutputStream", "(I)V", "bufferBytes");
        capacityConstructor(t, "java/io/CharArrayWriter", "(I)V", "bufferChars");
        capacityConstructor(t, "java/io/StringWriter", "(I)V", "builderCapacity");
        capacityConstructor(t, "java/io/BufferedInputStream", "(" + in + "I)V", "bufferBytes");
        capacityConstructor(t, "java/io/BufferedOutputStream", "(" + out + "I)V", "bufferBytes");
        capacityConstructor(t, "java/io/PushbackInputStream", "(" + in + "I)V", "bufferBytes");
        capacityConstructor(t, "java/io/PipedInputStream", "(I)V", "bufferBytes");
        capacityConstructor(t, "java/io/PipedInputStream", "(Ljava/io/PipedOutputStream;I)V", "bufferBytes");
        capacityConstructor(t, "java/io/BufferedReader", "(Ljava/io/Reader;I)V", "bufferChars");
        capacityConstructor(t, "java/io/LineNumberReader", "(Ljava/io/Reader;I)V", "bufferChars");
        capacityConstructor(t, "java/io/PushbackReader", "(Ljava/io/Reader;I)V", "bufferChars");
        capacityConstructor(t, "java/io/BufferedWriter", "(Ljava/io/Writer;I)V", "bufferChars");
        capacityConstructor(t, "java/util/zip/GZIPInputStream", "(" + in + "I)V", "bufferBytes");
        capacityConstructor(t, "java/util/zip/GZIPOutputStream", "(" + out + "I)V", "bufferBytes");
        capacityConstructor(t, "java/util/zip/GZIPOutputStream", "(" + out + "IZ)V", "bufferBytes");
        capacityConstructor(t, "java/util/zip/InflaterInputStream", "(" + in + "Ljava/util/zip/Inflater;I)V", "bufferBytes");
        capacityConstructor(t, "java/util/zip/DeflaterOutputStream", "(" + out + "Ljava/util/zip/Deflater;I)V", "bufferBytes");
        capacityConstructor(t, "java/util/zip/DeflaterOutputStream", "(" + out + "Ljava/util/zip/Deflater;IZ)V", "bufferBytes");

        // Big numbers whose magnitude follows an exponent, a bit index or a scale.
        String bi = "java/math/BigInteger";
        String bd = "java/math/BigDecimal";
        t.instanceCall(bi, "shiftLeft", "(I)L" + bi + ";", ALLOC);
        t.instanceCall(bi, "setBit", "(I)L" + bi + ";", ALLOC);
        t.instanceCall(bi, "flipBit", "(I)L" + bi + ";", ALLOC);
        t.instanceCall(bi, "pow", "(I)L" + bi + ";", ALLOC);
        t.instanceCall(bd, "setScale", "(I)L" + bd + ";", ALLOC);
        t.instanceCall(bd, "setScale", "(ILjava/math/RoundingMode;)L" + bd + ";", ALLOC);
        t.instanceCall(bd, "setScale", "(II)L" + bd + ";", ALLOC);
        t.instanceCall(bd, "toBigInteger", "()L" + bi + ";", ALLOC);
        t.instanceCall(bd, "toBigIntegerExact", "()L" + bi + ";", ALLOC);
        t.instanceCall(bd, "toPlainString", "()Ljava/lang/String;", ALLOC);
    }

    /**
     * Threads made by a factory the app hands the JDK are started by the JDK, out of reach of the {@code start()}
     * rule: the factory is wrapped so each thread it makes is the app's, counted against {@code limits.maxThreads}.
     */
    private static void threadFactoryRules(Table t) {
        String factory = THREAD_FACTORY;
        String fjFactory = "Ljava/util/concurrent/ForkJoinPool$ForkJoinWorkerThreadFactory;";
        String es = "Ljava/util/concurrent/ExecutorService;";
        String ses = "Ljava/util/concurrent/ScheduledExecutorService;";
        String executors = "java/util/concurrent/Executors";
        t.staticCall(executors, "newFixedThreadPool", "(I" + factory + ")" + es, FACTORIES);
        t.staticCall(executors, "newCachedThreadPool", "(" + factory + ")" + es, FACTORIES);
        t.staticCall(executors, "newSingleThreadExecutor", "(" + factory + ")" + es, FACTORIES);
        t.staticCall(executors, "newScheduledThreadPool", "(I" + factory + ")" + ses, FACTORIES);
        t.staticCall(executors, "newSingleThreadScheduledExecutor", "(" + factory + ")" + ses, FACTORIES);
        t.staticCall(executors, "newThreadPerTaskExecutor", "(" + factory + ")" + es, FACTORIES);
        t.instanceCall("java/util/concurrent/ThreadPoolExecutor", "setThreadFactory", "(" + factory + ")V", FACTORIES);
        t.instanceCallAs("java/util/concurrent/ScheduledThreadPoolExecutor", "java/util/concurrent/ThreadPoolExecutor",
                "setThreadFactory", "(" + factory + ")V", FACTORIES);

        PushHelper wrap = new PushHelper(FACTORIES, "adopting", "(" + factory + CLASS + ")" + factory);
        PushHelper wrapFj = new PushHelper(FACTORIES, "adoptingForkJoin", "(" + fjFactory + CLASS + ")" + fjFactory);
        String queue = "IIJLjava/util/concurrent/TimeUnit;Ljava/util/concurrent/BlockingQueue;";
        String handler = "Ljava/util/concurrent/RejectedExecutionHandler;";
        for (String owner : List.of("java/util/concurrent/ThreadPoolExecutor")) {
            String last = "(" + queue + factory + ")V";
            t.extendConstructor(owner, last, last, wrap);
            String under = "(" + queue + factory + handler + ")V";
            t.extendConstructor(owner, under, under, new Swap(), wrap, new Swap());
        }
        String stpe = "java/util/concurrent/ScheduledThreadPoolExecutor";
        t.extendConstructor(stpe, "(I" + factory + ")V", "(I" + factory + ")V", wrap);
        t.extendConstructor(stpe, "(I" + factory + handler + ")V", "(I" + factory + handler + ")V",
                new Swap(), wrap, new Swap());
        String ueh = "Ljava/lang/Thread$UncaughtExceptionHandler;";
        String fjp = "java/util/concurrent/ForkJoinPool";
        String four = "(I" + fjFactory + ueh + "Z)V";
        t.extendConstructor(fjp, four, four, stashHelper("(" + ueh + "Z" + CLASS + ")V"), wrapFj,
                pop("popHandler", ueh), pop("popBoolean", "Z"));
        String tail = ueh + "ZIIILjava/util/function/Predicate;JLjava/util/concurrent/TimeUnit;";
        String full = "(I" + fjFactory + tail + ")V";
        t.extendConstructor(fjp, full, full, stashHelper("(" + tail + CLASS + ")V"), wrapFj,
                pop("popHandler", ueh), pop("popBoolean", "Z"), pop("popInt", "I"), pop("popInt", "I"),
                pop("popInt", "I"), pop("popPredicate", "Ljava/util/function/Predicate;"), pop("popLong", "J"),
                pop("popTimeUnit", "Ljava/util/concurrent/TimeUnit;"));
    }

    /** A constructor whose int capacity is its last argument (an int last), or last but a one-slot one. */
    private static void capacityConstructor(Table t, String owner, String desc, String helper) {
        PushHelper check = new PushHelper(ALLOC, helper, "(I" + CLASS + ")I");
        char last = desc.charAt(desc.length() - 3);
        boolean intLast = desc.endsWith("I)V");
        Push[] pushes = intLast ? new Push[] {check} : new Push[] {new Swap(), check, new Swap()};
        if (!intLast && (last == 'J' || last == 'D')) {
            throw new IllegalStateException("a two-slot argument above the capacity of " + owner + desc);
        }
        t.extendConstructor(owner, desc, desc, pushes);
    }

    /** A constructor whose int capacity is first, under the arguments {@code stashDesc} sets aside. */
    private static void stashedCapacity(Table t, String owner, String desc, String stashDesc, String... pops) {
        List<Push> pushes = new ArrayList<>();
        pushes.add(stashHelper(stashDesc));
        pushes.add(new PushHelper(STASH, "capacity", "(I" + CLASS + ")I"));
        String args = stashDesc.substring(1, stashDesc.indexOf(CLASS));
        net.bytebuddy.jar.asm.Type[] types = net.bytebuddy.jar.asm.Type.getArgumentTypes("(" + args + ")V");
        for (int i = 0; i < pops.length; i++) {
            pushes.add(pop(pops[i], types[i].getDescriptor()));
        }
        t.extendConstructor(owner, desc, desc, pushes.toArray(Push[]::new));
    }

    private static PushHelper stashHelper(String desc) {
        return new PushHelper(STASH, "stash", desc);
    }

    private static PushHelper pop(String name, String type) {
        return new PushHelper(STASH, name, "(" + CLASS + ")" + type);
    }

    /** A constructor that copies a collection (or map) of the app's: the argument passes through {@code helper}. */
    private static void sizedConstructor(Table t, String owner, String type, String helper) {
        String desc = "(" + type + ")V";
        t.extendConstructor(owner, desc, desc, new PushHelper(ALLOC, helper, "(" + type + CLASS + ")" + type));
    }

    /** The JDK member's descriptor of a target method's: without the receiver ({@code self}, if any) and the caller. */
    private static String jdkDesc(String targetDesc, String self) {
        String args = targetDesc.substring(1 + self.length(), targetDesc.indexOf(CLASS + ")"));
        return "(" + args + targetDesc.substring(targetDesc.indexOf(')'));
    }

    private static List<java.lang.reflect.Method> methodsOf(String internalName) {
        try {
            List<java.lang.reflect.Method> out = new ArrayList<>();
            for (java.lang.reflect.Method m : Class.forName(internalName.replace('/', '.'), false,
                    Rules.class.getClassLoader()).getDeclaredMethods()) {
                if (java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                    out.add(m);
                }
            }
            out.sort(java.util.Comparator.comparing(m -> m.getName() + net.bytebuddy.jar.asm.Type.getMethodDescriptor(m)));
            return out;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> jdkClass(String internalName) {
        try {
            return Class.forName(internalName.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Fails the table when a rule of this block names a member this JDK does not have, or a target the runtime
     * support does not: a rule that matches nothing, or one that would fail at run time.
     */
    private static void requireLimitsTargets(List<Rule> rules) {
        for (Rule r : rules) {
            String target = switch (r.action()) {
                case Redirect red -> red.targetOwner();
                default -> null;
            };
            if (target != null && (target.equals(ALLOC) || target.equals(FACTORIES))) {
                Redirect red = (Redirect) r.action();
                boolean found = methodsOf(target).stream().anyMatch(m -> m.getName().equals(red.targetName())
                        && net.bytebuddy.jar.asm.Type.getMethodDescriptor(m).equals(red.targetDesc()));
                if (!found) {
                    throw new IllegalStateException("rule " + r.owner() + "." + r.name() + r.desc() + " redirects to "
                            + red.targetName() + red.targetDesc() + ", which " + target + " does not have");
                }
            }
            if (r.action() instanceof Extend ext) {
                for (Push p : ext.pushes()) {
                    if (p instanceof PushHelper h && (h.targetOwner().equals(ALLOC) || h.targetOwner().equals(STASH)
                            || h.targetOwner().equals(FACTORIES))
                            && methodsOf(h.targetOwner()).stream().noneMatch(m -> m.getName().equals(h.targetName())
                            && net.bytebuddy.jar.asm.Type.getMethodDescriptor(m).equals(h.targetDesc()))) {
                        throw new IllegalStateException("rule " + r.owner() + ".<init>" + r.desc() + " pushes "
                                + h.targetName() + h.targetDesc() + ", which " + h.targetOwner() + " does not have");
                    }
                }
            }
        }
    }
    // ---- end of allocations and thread factories ------------------------------------------------------------------

    /**
     * Parallel work the JDK would run on the JVM's common pool: each public method of {@code VirtualParallel} stands
     * for the JDK member of its name and parameters (the receiver first for instance members, the caller last).
     */
    private static void parallelRules(Table t) {
        Class<?> target;
        try {
            target = Class.forName(PARALLEL.replace('/', '.'), false, Rules.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        List<java.lang.reflect.Method> methods = new ArrayList<>(List.of(target.getDeclaredMethods()));
        methods.sort(java.util.Comparator.comparing(m -> m.getName() + net.bytebuddy.jar.asm.Type.getMethodDescriptor(m)));
        for (java.lang.reflect.Method m : methods) {
            if (!java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            Class<?>[] params = m.getParameterTypes();
            Class<?> first = params.length > 1 ? params[0] : null;
            String owner;
            boolean isStatic;
            switch (m.getName()) {
                case "parallelSort", "parallelPrefix", "parallelSetAll" -> {
                    owner = "java/util/Arrays";
                    isStatic = true;
                }
                case "stream", "intStream", "longStream", "doubleStream" -> {
                    owner = "java/util/stream/StreamSupport";
                    isStatic = true;
                }
                case "invokeAll" -> {
                    owner = "java/util/concurrent/ForkJoinTask";
                    isStatic = true;
                }
                case "parallelStream" -> {
                    owner = "java/util/Collection";
                    isStatic = false;
                }
                case "fork", "invoke" -> {
                    owner = "java/util/concurrent/ForkJoinTask";
                    isStatic = false;
                }
                default -> {
                    owner = net.bytebuddy.jar.asm.Type.getInternalName(first);
                    isStatic = false;
                }
            }
            StringBuilder desc = new StringBuilder("(");
            for (int i = isStatic ? 0 : 1; i < params.length - 1; i++) {
                desc.append(net.bytebuddy.jar.asm.Type.getDescriptor(params[i]));
            }
            desc.append(')').append(net.bytebuddy.jar.asm.Type.getDescriptor(m.getReturnType()));
            requireJdkMethod(owner, m.getName(), desc.toString(), isStatic);
            t.rules.add(new Rule(owner, m.getName(), desc.toString(), Kind.METHOD,
                    new Redirect(PARALLEL, m.getName(), net.bytebuddy.jar.asm.Type.getMethodDescriptor(m))));
        }
    }

    /** Fails the table when a rule names a JDK method this JDK does not have: a rule that matches nothing. */
    private static void requireJdkMethod(String owner, String name, String desc, boolean isStatic) {
        try {
            Class<?> c = Class.forName(owner.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && net.bytebuddy.jar.asm.Type.getMethodDescriptor(m).equals(desc)
                        && java.lang.reflect.Modifier.isStatic(m.getModifiers()) == isStatic) {
                    return;
                }
            }
        } catch (ClassNotFoundException e) {
            // Reported below.
        }
        throw new IllegalStateException("a rule names " + owner + "." + name + desc + ", which this JDK does not have");
    }

    /**
     * Files: paths name the app's own file root. {@code java.nio.file} paths come from the app's file system, so
     * {@code Files.*} needs no rule; {@code java.io.File}'s file-system methods and the constructors that open a
     * file by name go through {@code VirtualFiles}.
     */
    private static void fileRules(Table t) {
        String str = "Ljava/lang/String;";
        String path = "Ljava/nio/file/Path;";
        String uri = "Ljava/net/URI;";
        String attrs = "[Ljava/nio/file/attribute/FileAttribute;";
        t.staticCall("java/nio/file/Path", "of", "(" + str + "[" + str + ")" + path, FILES);
        t.staticCall("java/nio/file/Path", "of", "(" + uri + ")" + path, FILES);
        t.staticCall("java/nio/file/Paths", "get", "(" + str + "[" + str + ")" + path, FILES);
        t.staticCall("java/nio/file/Paths", "get", "(" + uri + ")" + path, FILES);
        t.staticCall("java/nio/file/FileSystems", "getDefault", "()Ljava/nio/file/FileSystem;", FILES);
        t.staticCall("java/nio/file/Files", "createTempFile", "(" + str + str + attrs + ")" + path, FILES);
        t.staticCall("java/nio/file/Files", "createTempDirectory", "(" + str + attrs + ")" + path, FILES);

        String file = "java/io/File";
        String fileDesc = "Ljava/io/File;";
        t.staticCall(file, "createTempFile", "(" + str + str + ")" + fileDesc, FILES);
        t.staticCall(file, "createTempFile", "(" + str + str + fileDesc + ")" + fileDesc, FILES);
        t.staticCall(file, "listRoots", "()[" + fileDesc, FILES);
        for (String[] m : new String[][] {
                {"exists", "()Z"}, {"isFile", "()Z"}, {"isDirectory", "()Z"}, {"isHidden", "()Z"},
                {"canRead", "()Z"}, {"canWrite", "()Z"}, {"canExecute", "()Z"}, {"length", "()J"},
                {"lastModified", "()J"}, {"list", "()[" + str}, {"list", "(Ljava/io/FilenameFilter;)[" + str},
                {"listFiles", "()[" + fileDesc}, {"listFiles", "(Ljava/io/FilenameFilter;)[" + fileDesc},
                {"listFiles", "(Ljava/io/FileFilter;)[" + fileDesc}, {"delete", "()Z"}, {"deleteOnExit", "()V"},
                {"mkdir", "()Z"}, {"mkdirs", "()Z"}, {"createNewFile", "()Z"}, {"renameTo", "(" + fileDesc + ")Z"},
                {"setReadOnly", "()Z"}, {"setWritable", "(ZZ)Z"}, {"setWritable", "(Z)Z"},
                {"setReadable", "(ZZ)Z"}, {"setReadable", "(Z)Z"}, {"setExecutable", "(ZZ)Z"},
                {"setExecutable", "(Z)Z"}, {"setLastModified", "(J)Z"}, {"getTotalSpace", "()J"},
                {"getFreeSpace", "()J"}, {"getUsableSpace", "()J"}, {"getCanonicalPath", "()" + str},
                {"getCanonicalFile", "()" + fileDesc}, {"getAbsolutePath", "()" + str},
                {"getAbsoluteFile", "()" + fileDesc}, {"toPath", "()" + path}, {"toURI", "()" + uri},
                {"toURL", "()Ljava/net/URL;"}}) {
            t.instanceCall(file, m[0], m[1], FILES);
        }

        String cs = "Ljava/nio/charset/Charset;";
        String locale = "Ljava/util/Locale;";
        t.factories("java/io/FileInputStream", "(" + str + ")", "(" + fileDesc + ")");
        t.factories("java/io/FileOutputStream", "(" + str + ")", "(" + str + "Z)", "(" + fileDesc + ")", "(" + fileDesc + "Z)");
        t.factories("java/io/FileReader", "(" + str + ")", "(" + fileDesc + ")", "(" + str + cs + ")", "(" + fileDesc + cs + ")");
        t.factories("java/io/FileWriter", "(" + str + ")", "(" + str + "Z)", "(" + fileDesc + ")", "(" + fileDesc + "Z)",
                "(" + str + cs + ")", "(" + str + cs + "Z)", "(" + fileDesc + cs + ")", "(" + fileDesc + cs + "Z)");
        for (String printer : List.of("java/io/PrintStream", "java/io/PrintWriter")) {
            t.factories(printer, "(" + str + ")", "(" + str + str + ")", "(" + str + cs + ")",
                    "(" + fileDesc + ")", "(" + fileDesc + str + ")", "(" + fileDesc + cs + ")");
        }
        t.factories("java/util/Formatter", "(" + str + ")", "(" + str + str + ")", "(" + str + str + locale + ")",
                "(" + str + cs + locale + ")", "(" + fileDesc + ")", "(" + fileDesc + str + ")",
                "(" + fileDesc + str + locale + ")", "(" + fileDesc + cs + locale + ")");
        t.factories("java/util/Scanner", "(" + fileDesc + ")", "(" + fileDesc + str + ")", "(" + fileDesc + cs + ")");
        t.factories("java/io/RandomAccessFile", "(" + str + str + ")", "(" + fileDesc + str + ")");
        t.factories("java/util/zip/ZipFile", "(" + str + ")", "(" + fileDesc + ")", "(" + fileDesc + "I)",
                "(" + str + cs + ")", "(" + fileDesc + cs + ")", "(" + fileDesc + "I" + cs + ")");
        t.factories("java/util/jar/JarFile", "(" + str + ")", "(" + str + "Z)", "(" + fileDesc + ")",
                "(" + fileDesc + "Z)", "(" + fileDesc + "ZI)", "(" + fileDesc + "ZILjava/lang/Runtime$Version;)");
    }

    /**
     * The network: where each outgoing connection goes is checked against the app's {@code net:connect} allowlist
     * just before it is made; URLs are opened by what their protocol reaches.
     */
    private static void netRules(Table t) {
        // URLs the app makes never look host names up (URL.equals/hashCode, called by JDK code for the app).
        String url = "java/net/URL";
        String urls = SUPPORT_PACKAGE + "VirtualUrls";
        String handlerDesc = "Ljava/net/URLStreamHandler;";
        t.factoriesIn(urls, url, "(Ljava/lang/String;)", "(Ljava/net/URL;Ljava/lang/String;)",
                "(Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)",
                "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)",
                "(Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;" + handlerDesc + ")",
                "(Ljava/net/URL;Ljava/lang/String;" + handlerDesc + ")");
        t.instanceCall("java/net/URI", "toURL", "()Ljava/net/URL;", urls);
        t.staticCall(url, "of", "(Ljava/net/URI;" + handlerDesc + ")Ljava/net/URL;", urls);
        String str = "Ljava/lang/String;";
        String inet = "Ljava/net/InetAddress;";
        String addr = "Ljava/net/SocketAddress;";
        t.factoriesIn(NET, "java/net/Socket", "(" + str + "I)", "(" + inet + "I)", "(" + str + "I" + inet + "I)",
                "(" + inet + "I" + inet + "I)", "(Ljava/net/Proxy;)");
        // Name lookups: only of names the allowlist holds (a lookup reaches the network too).
        for (String owner : List.of("java/net/InetAddress", "java/net/Inet4Address", "java/net/Inet6Address")) {
            t.staticCall(owner, "getByName", "(" + str + ")" + inet, NET);
            t.staticCall(owner, "getAllByName", "(" + str + ")[" + inet, NET);
            // A probe (ICMP echo, else TCP port 7) goes out to the address too.
            t.instanceCallAs(owner, "java/net/InetAddress", "isReachable", "(I)Z", NET);
            t.instanceCallAs(owner, "java/net/InetAddress", "isReachable", "(Ljava/net/NetworkInterface;II)Z", NET);
        }
        // The JDK's logging handler that connects by itself.
        t.factoriesIn(NET, "java/util/logging/SocketHandler", "()", "(" + str + "I)");
        t.factoriesIn(NET, "java/net/InetSocketAddress", "(" + str + "I)");
        // Subclasses' calls name the subclass: each gets the rule of the class that declares the method.
        for (String socket : List.of("java/net/Socket", "javax/net/ssl/SSLSocket")) {
            t.instanceCallAs(socket, "java/net/Socket", "connect", "(" + addr + ")V", NET);
            t.instanceCallAs(socket, "java/net/Socket", "connect", "(" + addr + "I)V", NET);
        }
        for (String factory : List.of("javax/net/SocketFactory", "javax/net/ssl/SSLSocketFactory")) {
            for (String args : List.of("(" + str + "I)", "(" + inet + "I)", "(" + str + "I" + inet + "I)",
                    "(" + inet + "I" + inet + "I)")) {
                t.instanceCallAs(factory, "javax/net/SocketFactory", "createSocket", args + "Ljava/net/Socket;", NET);
            }
        }
        t.staticCall("java/nio/channels/SocketChannel", "open", "(" + addr + ")Ljava/nio/channels/SocketChannel;", NET);
        t.instanceCall("java/nio/channels/SocketChannel", "connect", "(" + addr + ")Z", NET);
        String async = "java/nio/channels/AsynchronousSocketChannel";
        t.instanceCall(async, "connect", "(" + addr + ")Ljava/util/concurrent/Future;", NET);
        t.instanceCall(async, "connect", "(" + addr + "Ljava/lang/Object;Ljava/nio/channels/CompletionHandler;)V", NET);
        // Unix domain sockets: paths under the app's root (net:unix), for connecting, binding and reading back.
        t.staticCall("java/net/UnixDomainSocketAddress", "of", "(Ljava/nio/file/Path;)Ljava/net/UnixDomainSocketAddress;", NET);
        for (String channel : List.of("java/nio/channels/SocketChannel", "java/nio/channels/ServerSocketChannel",
                "java/nio/channels/NetworkChannel")) {
            String self = channel.endsWith("NetworkChannel") ? "Ljava/nio/channels/NetworkChannel;" : "L" + channel + ";";
            t.instanceCall(channel, "bind", "(" + addr + ")" + self, NET);
            t.instanceCall(channel, "getLocalAddress", "()" + addr, NET);
        }
        t.instanceCall("java/nio/channels/ServerSocketChannel", "bind", "(" + addr + "I)Ljava/nio/channels/ServerSocketChannel;", NET);
        t.instanceCall("java/nio/channels/SocketChannel", "getRemoteAddress", "()" + addr, NET);
        t.instanceCall("java/nio/channels/DatagramChannel", "connect", "(" + addr + ")Ljava/nio/channels/DatagramChannel;", NET);
        t.instanceCall("java/nio/channels/DatagramChannel", "send", "(Ljava/nio/ByteBuffer;" + addr + ")I", NET);
        for (String datagram : List.of("java/net/DatagramSocket", "java/net/MulticastSocket")) {
            t.instanceCallAs(datagram, "java/net/DatagramSocket", "connect", "(" + addr + ")V", NET);
            t.instanceCallAs(datagram, "java/net/DatagramSocket", "connect", "(" + inet + "I)V", NET);
            t.instanceCallAs(datagram, "java/net/DatagramSocket", "send", "(Ljava/net/DatagramPacket;)V", NET);
        }
        String client = "java/net/http/HttpClient";
        String handler = "Ljava/net/http/HttpResponse$BodyHandler;";
        t.instanceCall(client, "send", "(Ljava/net/http/HttpRequest;" + handler + ")Ljava/net/http/HttpResponse;", NET);
        t.instanceCall(client, "sendAsync", "(Ljava/net/http/HttpRequest;" + handler + ")Ljava/util/concurrent/CompletableFuture;", NET);
        t.instanceCall(client, "sendAsync", "(Ljava/net/http/HttpRequest;" + handler
                + "Ljava/net/http/HttpResponse$PushPromiseHandler;)Ljava/util/concurrent/CompletableFuture;", NET);
        for (String http : List.of("java/net/HttpURLConnection", "javax/net/ssl/HttpsURLConnection")) {
            t.instanceCallAs(http, "java/net/HttpURLConnection", "setInstanceFollowRedirects", "(Z)V", NET);
        }
        t.instanceCall(client, "newWebSocketBuilder", "()Ljava/net/http/WebSocket$Builder;", NET);
        t.instanceCall("java/net/http/WebSocket$Builder", "buildAsync",
                "(Ljava/net/URI;Ljava/net/http/WebSocket$Listener;)Ljava/util/concurrent/CompletableFuture;", NET);

        t.instanceCall("java/net/URL", "openConnection", "()Ljava/net/URLConnection;", urls);
        t.instanceCall("java/net/URL", "openConnection", "(Ljava/net/Proxy;)Ljava/net/URLConnection;", urls);
        t.instanceCall("java/net/URL", "openStream", "()Ljava/io/InputStream;", urls);
        t.instanceCall("java/net/URL", "getContent", "()Ljava/lang/Object;", urls);
        t.instanceCall("java/net/URL", "getContent", "([Ljava/lang/Class;)Ljava/lang/Object;", urls);
    }

    /** Collects rules with the descriptors they imply. */
    private static final class Table {
        final List<Rule> rules = new ArrayList<>();

        void staticCall(String owner, String name, String desc, String target) {
            staticCall(owner, name, desc, target, name);
        }

        void staticCall(String owner, String name, String desc, String target, String targetName) {
            rules.add(new Rule(owner, name, desc, Kind.METHOD,
                    new Redirect(target, targetName, redirectDesc(Kind.METHOD, owner, desc, true))));
        }

        void instanceCall(String owner, String name, String desc, String target) {
            rules.add(new Rule(owner, name, desc, Kind.METHOD,
                    new Redirect(target, name, redirectDesc(Kind.METHOD, owner, desc, false))));
        }

        /** An instance method called on {@code owner}, redirected as if on its superclass {@code declaring}. */
        void instanceCallAs(String owner, String declaring, String name, String desc, String target) {
            rules.add(new Rule(owner, name, desc, Kind.METHOD,
                    new Redirect(target, name, redirectDesc(Kind.METHOD, declaring, desc, false))));
        }

        void staticField(String owner, String name, String desc, String target) {
            rules.add(new Rule(owner, name, desc, Kind.STATIC_FIELD,
                    new Redirect(target, name, redirectDesc(Kind.STATIC_FIELD, owner, desc, true))));
        }

        /** Any owner: matched by name and descriptor, see {@link Rewriter}. */
        void observe(String name, String desc, String target, String targetName) {
            rules.add(new Rule("*", name, desc, Kind.METHOD, new Observe(target, targetName)));
        }

        /**
         * Constructors (argument lists, as {@code "(Ljava/lang/String;Z)"}) of {@code owner} made by
         * {@code VirtualFiles.new<SimpleName>(arguments…, caller)}.
         */
        void factories(String owner, String... argLists) {
            factoriesIn(FILES, owner, argLists);
        }

        void factoriesIn(String target, String owner, String... argLists) {
            String simple = owner.substring(owner.lastIndexOf('/') + 1);
            for (String args : argLists) {
                rules.add(new Rule(owner, "<init>", args + "V", Kind.CONSTRUCTOR, new Rule.Factory(target, "new" + simple,
                        args.substring(0, args.length() - 1) + CLASS + ")L" + owner + ";")));
            }
        }

        void checked(String owner, String name, String desc, String check) {
            rules.add(new Rule(owner, name, desc, Kind.METHOD, new Rule.Checked(REFLECTION, check)));
        }

        void extendMethod(String owner, String name, String desc, Push... pushes) {
            int close = desc.indexOf(')');
            String newDesc = desc.substring(0, close) + EXECUTOR + desc.substring(close);
            rules.add(new Rule(owner, name, desc, Kind.METHOD, new Extend(newDesc, List.of(pushes))));
        }

        void extendConstructor(String owner, String desc, String newDesc, Push... pushes) {
            rules.add(new Rule(owner, "<init>", desc, Kind.CONSTRUCTOR, new Extend(newDesc, List.of(pushes))));
        }

        /** Passes the constructor's String argument (last, or under a one-slot last one) through a helper. */
        void replaceConstructorArg(String owner, String desc, PushHelper helper, boolean underLast) {
            List<Push> pushes = underLast ? List.of(new Swap(), helper, new Swap()) : List.of(helper);
            rules.add(new Rule(owner, "<init>", desc, Kind.CONSTRUCTOR, new Extend(desc, pushes)));
        }
    }
}
