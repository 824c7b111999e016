package io.vaas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vaas.api.HttpRequest;
import io.vaas.api.HttpResponse;
import io.vaas.load.HostExports;
import io.vaas.policy.PolicyLibrary;
import io.vaas.policy.VerifyReport;
import io.vaas.rewrite.RewriteCache;
import io.vaas.rewrite.Rewriter;
import io.vaas.rewrite.Rules;
import io.vaas.run.AppInstance;
import io.vaas.run.Failures;
import io.vaas.run.HostSettings;
import io.vaas.virtual.OutputSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The container: the host's entry point. It deploys apps, each in its own class loader, and calls them.
 *
 * <pre>{@code
 * try (Vaas vaas = Vaas.builder().apps(Path.of("apps")).build()) {
 *     HttpResponse r = vaas.http("hello", HttpRequest.get("/hello/world"));
 *     Object sum = vaas.rpc("hello.add", Map.of("a", 1, "b", 2));
 *     vaas.deploy(AppSpec.of("orders", Path.of("orders.jar")).env("DB", "..."));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Deploying an app under a name already deployed replaces it: new calls go to the new code at once,
 * calls in flight finish on the old code, then the old code is unloaded. {@link #close()} unloads every app.
 */
public final class Vaas implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Vaas.class);
    private static final ObjectMapper HOST_JSON = JsonMapper.builder().build();

    private final HostSettings settings;
    private final VersionSelector versionSelector;
    /** Which host names each app may claim; the gateway's own are refused whatever it says. */
    private final HostClaims hostClaims;
    /** What a request must carry in {@code X-Vaas-Pin-Secret} to reach a version at weight 0; null: none may. */
    private final byte[] pinSecret;
    /** How often apps are checked for idle unload. */
    private static final long IDLE_CHECK_MS = 100;
    private volatile java.util.concurrent.ScheduledExecutorService idleChecker;
    /** Apps deployed in more than one version (or with a weight set), by name: the other versions and weights. */
    private final Map<String, Versions> versions = new java.util.concurrent.ConcurrentHashMap<>();
    /** Apps unloaded for being idle, by name: what loading them again takes, none of their classes. */
    private final Map<String, AppInstance.Recipe> dormant = new java.util.concurrent.ConcurrentHashMap<>();
    /** Dormant apps being loaded again, outside the lock: a call that meets one waits for that load. */
    private final Map<String, java.util.concurrent.CompletableFuture<AppInstance>> waking =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** See {@link #hostIndex()}; null after a change of the registry. */
    private volatile Map<String, String> hostIndex;
    private final ConcurrentHashMap<String, AppInstance> apps = new ConcurrentHashMap<>();
    private final List<AppLoadException> deployFailures = new CopyOnWriteArrayList<>();
    private final Object deployLock = new Object();
    private volatile boolean closed;
    /** Stops the app that allocated most when the old generation stays full; null when the host turned it off. */
    private final io.vaas.guard.HeapGovernor heapGovernor;

    private Vaas(HostSettings settings, VersionSelector versionSelector, double heapGovernorThreshold,
            byte[] pinSecret, HostClaims hostClaims) {
        this.settings = settings;
        this.hostClaims = hostClaims;
        this.versionSelector = versionSelector;
        this.pinSecret = pinSecret;
        settings.router().bind(this::callFromApp);
        this.heapGovernor = heapGovernorThreshold > 0 ? new io.vaas.guard.HeapGovernor(heapGovernorThreshold,
                settings.watchdog(), new GovernedApps()) : null;
    }

    /**
     * The heap governor's view of this container: apps deployed in one version (others are left to their limits),
     * and the way one is stopped: its calls cancelled, the app unloaded as if idle, loaded again by its next call.
     */
    private final class GovernedApps implements io.vaas.guard.HeapGovernor.Apps {
        @Override
        public List<io.vaas.guard.KillSwitch> governed() {
            List<io.vaas.guard.KillSwitch> out = new ArrayList<>();
            for (AppInstance instance : apps.values()) {
                Versions v = versions.get(instance.name());
                if (v == null || v.others().isEmpty()) {
                    out.add(instance.context().killSwitch());
                }
            }
            return out;
        }

        @Override
        public void evict(io.vaas.guard.KillSwitch app, io.vaas.guard.Trip why, String report) {
            AppInstance victim = null;
            synchronized (deployLock) {
                for (AppInstance instance : apps.values()) {
                    if (instance.context().killSwitch() == app) {
                        victim = instance;
                    }
                }
                if (victim == null || closed) {
                    return;
                }
                apps.remove(victim.name());
                dormant.put(victim.name(), victim.recipe());
                hostIndex = null;
            }
            LOG.warn("{}", report);
            settings.watchdog().cancelCalls(app, why);
            victim.retire();
        }
    }

    /** A builder for a container. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Deploys an app, or redeploys it if an app of that name is deployed. The new app is loaded completely
     * (configuration read, route classes defined, instances created) before it replaces the old one; if loading fails
     * the old one keeps serving.
     *
     * @return a handle on the app
     * @throws AppLoadException naming the app and the file at fault; nothing was deployed
     */
    public AppHandle deploy(AppSpec spec) {
        return deploy(spec, true);
    }

    private AppHandle deploy(AppSpec spec, boolean replace) {
        Objects.requireNonNull(spec, "spec");
        ensureOpen();
        long start = System.nanoTime();
        AppInstance loaded;
        try {
            loaded = AppInstance.load(spec.source(), spec.overrides(), spec.services(), settings);
        } catch (AppLoadException e) {
            remember(e);
            throw e;
        }
        deployFailures.removeIf(f -> loaded.name().equals(f.app()) || loaded.location().equals(f.location()));
        AppInstance previous;
        Versions extraRetired;
        synchronized (deployLock) {
            if (closed) {
                loaded.retire();
                throw new IllegalStateException("this Vaas is closed; build a new one");
            }
            AppInstance existing = apps.get(loaded.name());
            AppInstance.Recipe sleeping = dormant.get(loaded.name());
            if (!replace && (existing != null || sleeping != null)) {
                loaded.retire();
                throw new AppLoadException(loaded.name(), spec.source().location(), "an app of this name is already "
                        + "deployed from " + (existing != null ? existing.location() : sleeping.source().location())
                        + "; give one of them another \"name\"");
            }
            checkHostClaims(loaded, spec);
            previous = apps.put(loaded.name(), loaded);
            hostIndex = null;
            dormant.remove(loaded.name());
            watchIdle(loaded);
            extraRetired = versions.remove(loaded.name());
        }
        if (previous != null) {
            previous.retire();
        }
        if (extraRetired != null) {
            extraRetired.others().forEach(v -> v.instance().retire());
        }
        if (LOG.isInfoEnabled()) {
            LOG.info("{} app '{}' {} from {}: {} route(s) in {} ms", previous == null ? "deployed" : "redeployed",
                    loaded.name(), loaded.config().version(), loaded.location(), loaded.routes().all().size(),
                    String.format("%.2f", (System.nanoTime() - start) / 1e6));
        }
        return new AppHandle(this, loaded.name());
    }

    /**
     * Loads another version of an app beside those deployed, and sends it {@code weight} of the traffic (relative to
     * the other versions' weights; the first version deployed of an app has weight 100 unless {@link #weights}
     * says otherwise). A version already deployed under the same version string is replaced (its calls in flight
     * finish). Callers may pin a version: RPC as {@code "app@version.route"}, HTTP with the header
     * {@code X-Vaas-Version} or the cookie {@code vaas-version-<app>} (a version at weight 0 only with the
     * {@link Builder#pinSecret pin secret}). {@link #deploy} replaces all versions with one.
     *
     * @throws AppLoadException if the app cannot be loaded; the versions deployed keep serving
     */
    public AppHandle deployVersion(AppSpec spec, int weight) {
        Objects.requireNonNull(spec, "spec");
        if (weight < 0) {
            throw new IllegalArgumentException("weight must be 0 or more, got " + weight);
        }
        ensureOpen();
        AppInstance loaded = AppInstance.load(spec.source(), spec.overrides(), spec.services(), settings);
        String name = loaded.name();
        String version = loaded.config().version();
        AppInstance replaced = null;
        synchronized (deployLock) {
            if (closed) {
                loaded.retire();
                throw new IllegalStateException("this Vaas is closed; build a new one");
            }
            checkHostClaims(loaded, spec);
            AppInstance primary = apps.get(name);
            if (primary == null && !dormant.containsKey(name)) {
                apps.put(name, loaded);
                hostIndex = null;
                versions.put(name, new Versions(weight, List.of()));
                watchIdle(loaded);
                LOG.info("deployed app '{}' {} with weight {}", name, version, weight);
                return new AppHandle(this, name);
            }
            if (primary == null) {
                primary = wake(name);
            }
            Versions current = versions.getOrDefault(name, new Versions(100, List.of()));
            if (primary.config().version().equals(version)) {
                apps.put(name, loaded);
                hostIndex = null;
                replaced = primary;
                versions.put(name, new Versions(weight, current.others()));
            } else {
                List<Versioned> others = new ArrayList<>();
                for (Versioned v : current.others()) {
                    if (v.instance().config().version().equals(version)) {
                        replaced = v.instance();
                    } else {
                        others.add(v);
                    }
                }
                others.add(new Versioned(loaded, weight));
                versions.put(name, new Versions(current.primaryWeight(), List.copyOf(others)));
            }
        }
        if (replaced != null) {
            replaced.retire();
        }
        LOG.info("deployed app '{}' {} beside its other versions, with weight {}", name, version, weight);
        return new AppHandle(this, name);
    }

    /** Sets the traffic weights of an app's versions, by version string; versions not named keep theirs. */
    public void weights(String app, Map<String, Integer> byVersion) {
        synchronized (deployLock) {
            AppInstance primary = instance(app);
            Versions current = versions.getOrDefault(app, new Versions(100, List.of()));
            int primaryWeight = byVersion.getOrDefault(primary.config().version(), current.primaryWeight());
            List<Versioned> others = new ArrayList<>();
            for (Versioned v : current.others()) {
                others.add(new Versioned(v.instance(), byVersion.getOrDefault(v.instance().config().version(), v.weight())));
            }
            for (Map.Entry<String, Integer> e : byVersion.entrySet()) {
                if (e.getValue() < 0) {
                    throw new IllegalArgumentException("weight of " + app + " " + e.getKey() + " must be 0 or more");
                }
                boolean known = e.getKey().equals(primary.config().version())
                        || current.others().stream().anyMatch(v -> v.instance().config().version().equals(e.getKey()));
                if (!known) {
                    throw new IllegalArgumentException("app '" + app + "' has no version " + e.getKey() + "; it has "
                            + versions(app).keySet());
                }
            }
            versions.put(app, new Versions(primaryWeight, List.copyOf(others)));
        }
    }

    /** The versions of an app deployed now, with their weights. */
    public Map<String, Integer> versions(String app) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        AppInstance primary = apps.get(app);
        Versions v = versions.get(app);
        if (primary != null) {
            out.put(primary.config().version(), v == null ? 100 : v.primaryWeight());
        }
        if (v != null) {
            v.others().forEach(o -> out.put(o.instance().config().version(), o.weight()));
        }
        return out;
    }

    /**
     * Unloads one version of an app (its calls in flight finish); the others keep serving. Undeploying the last
     * version undeploys the app.
     *
     * @return whether that version was deployed
     */
    public boolean undeployVersion(String app, String version) {
        AppInstance gone = null;
        synchronized (deployLock) {
            Versions current = versions.get(app);
            AppInstance primary = apps.get(app);
            if (primary == null) {
                return false;
            }
            if (primary.config().version().equals(version)) {
                if (current == null || current.others().isEmpty()) {
                    return undeploy(app);
                }
                Versioned next = current.others().get(0);
                apps.put(app, next.instance());
                hostIndex = null;
                versions.put(app, new Versions(next.weight(), current.others().subList(1, current.others().size())));
                gone = primary;
            } else if (current != null) {
                List<Versioned> others = new ArrayList<>();
                for (Versioned v : current.others()) {
                    if (v.instance().config().version().equals(version)) {
                        gone = v.instance();
                    } else {
                        others.add(v);
                    }
                }
                versions.put(app, new Versions(current.primaryWeight(), List.copyOf(others)));
            }
        }
        if (gone == null) {
            return false;
        }
        gone.retire();
        LOG.info("undeployed app '{}' version {}", app, version);
        return true;
    }

    /** One extra version of an app and its weight. */
    private record Versioned(AppInstance instance, int weight) {
    }

    /** The weight of an app's primary instance (the one in {@code apps}) and its other versions. */
    private record Versions(int primaryWeight, List<Versioned> others) {
    }

    /**
     * The instance of {@code app} a call goes to: the version pinned, or one chosen by weight; the primary when the
     * app has one version.
     */
    private AppInstance choose(String app, String pinned) {
        return choose(app, pinned, null);
    }

    private AppInstance choose(String app, String pinned, HttpRequest request) {
        AppInstance primary = live(app);
        Versions v = versions.get(app);
        if (pinned == null && versionSelector != null && v != null && !v.others().isEmpty()) {
            pinned = versionSelector.select(app, versions(app), request);
        }
        if (v == null || v.others().isEmpty()) {
            if (pinned != null && !primary.config().version().equals(pinned)) {
                throw Failures.of(app, null, 404, "no_such_version", "app '" + app + "' has no version " + pinned
                        + "; it has " + primary.config().version());
            }
            return primary;
        }
        if (pinned != null) {
            if (primary.config().version().equals(pinned)) {
                return primary;
            }
            for (Versioned o : v.others()) {
                if (o.instance().config().version().equals(pinned)) {
                    return live(app, o);
                }
            }
            throw Failures.of(app, null, 404, "no_such_version", "app '" + app + "' has no version " + pinned
                    + "; it has " + versions(app).keySet());
        }
        int total = v.primaryWeight();
        for (Versioned o : v.others()) {
            total += o.weight();
        }
        if (total <= 0) {
            return primary;
        }
        int pick = java.util.concurrent.ThreadLocalRandom.current().nextInt(total);
        if (pick < v.primaryWeight()) {
            return primary;
        }
        pick -= v.primaryWeight();
        for (Versioned o : v.others()) {
            if (pick < o.weight()) {
                return live(app, o);
            }
            pick -= o.weight();
        }
        return primary;
    }

    /** An extra version to call: restarted first if it called {@code System.exit}, as the primary is. */
    private AppInstance live(String app, Versioned version) {
        AppInstance exited = version.instance();
        if (!exited.exited()) {
            return exited;
        }
        synchronized (deployLock) {
            Versions current = versions.get(app);
            if (current == null || !current.others().contains(version)) {
                return choose(app, null);
            }
            AppInstance fresh;
            try {
                fresh = exited.reload();
            } catch (AppLoadException e) {
                throw new VaasCallException(app, null, 503, "restart_failed", "app '" + app + "' "
                        + exited.config().version() + " exited and could not be restarted: " + e.getMessage(), e);
            }
            List<Versioned> others = new ArrayList<>(current.others());
            others.set(others.indexOf(version), new Versioned(fresh, version.weight()));
            versions.put(app, new Versions(current.primaryWeight(), List.copyOf(others)));
            exited.retire();
            return fresh;
        }
    }

    /**
     * The version for an HTTP or WebSocket request. What the client pins (header {@code X-Vaas-Version}, cookie
     * {@code vaas-version-<app>}) is honoured for versions that take traffic; a version at weight 0 (a rollback
     * kept warm, a build under test) answers a client only when the request carries the host's
     * {@link Builder#pinSecret pin secret}, so a hidden version stays hidden from the public.
     */
    private AppInstance chooseForClient(String app, HttpRequest request) {
        String pinned = pinnedVersion(app, request);
        if (pinned != null && !mayPinHidden(request)) {
            List<String> open = openVersions(app);
            if (!open.isEmpty() && !open.contains(pinned)) {
                throw Failures.of(app, null, 404, "no_such_version", "app '" + app + "' has no version " + pinned
                        + " open to clients; it has " + open + " (a version at weight 0 answers only requests that "
                        + "carry the host's X-Vaas-Pin-Secret)");
            }
        }
        return choose(app, pinned, request);
    }

    /**
     * The versions of {@code app} a client may pin without the pin secret: those that take traffic, or every one when
     * none does; empty when the app is not deployed (the call then fails naming the app).
     */
    private List<String> openVersions(String app) {
        Map<String, Integer> all = versions(app);
        boolean anyTraffic = all.values().stream().anyMatch(w -> w > 0);
        List<String> open = new ArrayList<>();
        all.forEach((version, weight) -> {
            if (weight > 0 || !anyTraffic) {
                open.add(version);
            }
        });
        return open;
    }

    private boolean mayPinHidden(HttpRequest request) {
        String given = request.header("x-vaas-pin-secret");
        return pinSecret != null && given != null
                && java.security.MessageDigest.isEqual(pinSecret, given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The version an HTTP request pins: its {@code X-Vaas-Version} header, or its {@code vaas-version-<app>} cookie.
     * The cookie is named for the app so that pinning one app never pins another on the same address.
     */
    private static String pinnedVersion(String app, HttpRequest request) {
        String header = request.header("x-vaas-version");
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        String cookies = request.header("cookie");
        if (cookies != null) {
            String name = "vaas-version-" + app;
            for (String c : cookies.split(";")) {
                String[] kv = c.trim().split("=", 2);
                if (kv.length == 2 && kv[0].equals(name)) {
                    return kv[1].trim();
                }
            }
        }
        return null;
    }

    /**
     * Checks an app's code against the permissions it would hold here, without deploying it: every reference to a JDK
     * member they do not allow, with class, method, line and the permission that would allow it.
     *
     * @throws AppLoadException if the app's code or configuration cannot be read
     */
    public VerifyReport verify(AppSpec spec) {
        return AppInstance.verify(spec.source(), spec.overrides(), settings);
    }

    /**
     * Undeploys an app: it takes no new calls, its calls in flight finish, then it is unloaded.
     *
     * @return whether an app of that name was deployed
     */
    public boolean undeploy(String name) {
        AppInstance removed;
        boolean wasDormant;
        Versions extra;
        synchronized (deployLock) {
            removed = apps.remove(name);
            wasDormant = dormant.remove(name) != null;
            hostIndex = null;
            extra = versions.remove(name);
        }
        if (extra != null) {
            extra.others().forEach(v -> v.instance().retire());
        }
        if (removed == null) {
            if (wasDormant) {
                LOG.info("undeployed app '{}' (it was unloaded while idle)", name);
            }
            return wasDormant;
        }
        removed.retire();
        LOG.info("undeployed app '{}'", name);
        return true;
    }

    /**
     * The app whose {@code "hosts"} name {@code host} (case-insensitive; a {@code :port} is ignored), among the
     * deployed apps (those unloaded while idle included).
     */
    public Optional<String> appForHost(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        int colon = host.lastIndexOf(':');
        String name = hostKey(colon > 0 && host.indexOf(']') < colon ? host.substring(0, colon) : host);
        return Optional.ofNullable(hostIndex().get(name));
    }

    /**
     * Refuses, before it serves, an app whose {@code "hosts"} claim a gateway's own name or address, a name the host's
     * {@link HostClaims} rule does not give it, or a name another app holds. Called under the deploy lock, so two
     * deploys cannot both take one name.
     */
    private void checkHostClaims(AppInstance loaded, AppSpec spec) {
        String name = loaded.name();
        for (String claimed : loaded.config().hosts()) {
            String host = hostKey(claimed);
            String refusal = null;
            if (HostClaims.reserved(host)) {
                refusal = "\"hosts\" claims '" + claimed + "', a name or address of the gateway itself, which no app "
                        + "may claim; remove it from \"hosts\" (the app is reached at /" + name + "/ on any name)";
            } else if (!hostClaims.mayClaim(name, host)) {
                refusal = "\"hosts\" claims '" + claimed + "', which the host's rule does not give this app "
                        + "(Vaas.Builder.hostClaims); remove it from \"hosts\", or have the host allow it";
            } else {
                String owner = hostIndex().get(host);
                if (owner != null && !owner.equals(name)) {
                    refusal = "\"hosts\" claims '" + claimed + "', which app '" + owner + "' holds already; two apps "
                            + "never share a host name: remove it from the \"hosts\" of app '" + name + "' or of app '"
                            + owner + "'";
                }
            }
            if (refusal != null) {
                loaded.retire();
                AppLoadException e = new AppLoadException(name, spec.source().location(), refusal);
                remember(e);
                throw e;
            }
        }
    }

    /** A host name as the index keys it: lower case, no trailing dot. */
    private static String hostKey(String host) {
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * Host name to app, for every request the gateway routes: rebuilt after the registry changes (each change sets
     * it to null), not scanned per request.
     */
    private Map<String, String> hostIndex() {
        Map<String, String> index = hostIndex;
        if (index == null) {
            Map<String, String> built = new java.util.HashMap<>();
            synchronized (deployLock) {
                for (AppInstance instance : apps.values()) {
                    instance.config().hosts().forEach(h -> built.putIfAbsent(hostKey(h), instance.name()));
                }
                // Apps unloaded while idle keep their hosts: a request for one loads it again.
                for (AppInstance.Recipe recipe : dormant.values()) {
                    recipe.hosts().forEach(h -> built.putIfAbsent(hostKey(h), recipe.name()));
                }
                index = Map.copyOf(built);
                hostIndex = index;
            }
        }
        return index;
    }

    /** Whether app {@code name} is deployed (loaded, or unloaded while idle): a lookup, no copy of the names. */
    public boolean isDeployed(String name) {
        return apps.containsKey(name) || dormant.containsKey(name);
    }

    /**
     * The error response for {@code error} as this container makes them (the host's {@link ErrorFormatter}, or the
     * default JSON body): for gateways that answer for the container.
     */
    public HttpResponse errorResponse(VaasCallException error) {
        return settings.errorResponse(error, false);
    }

    /** The names of the deployed apps, sorted. */
    public Set<String> apps() {
        Set<String> names = new TreeSet<>(apps.keySet());
        names.addAll(dormant.keySet());
        return names;
    }

    /** A handle on the deployed app {@code name}, if there is one. */
    public Optional<AppHandle> app(String name) {
        return apps.containsKey(name) ? Optional.of(new AppHandle(this, name)) : Optional.empty();
    }

    /**
     * Apps that could not be deployed (found by {@link Builder#apps(Path)}, or deployed since), with why: the latest
     * failure per source, until a deploy of that app succeeds.
     */
    public List<AppLoadException> deployFailures() {
        return List.copyOf(deployFailures);
    }

    /**
     * The last failure to load app {@code name} that no deploy of it has made good since, if any. A failure that came
     * before the app's name could be read (a malformed {@code vaas.json}) counts for the name of its folder, or of its
     * jar without {@code .jar}.
     */
    public Optional<AppLoadException> loadFailure(String name) {
        for (AppLoadException f : deployFailures) {
            if (name.equals(f.app())) {
                return Optional.of(f);
            }
        }
        for (AppLoadException f : deployFailures) {
            if (f.app() == null && name.equals(baseName(f.location()))) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The last element of a location, without {@code .jar}; null when there is none. */
    private static String baseName(String location) {
        if (location == null) {
            return null;
        }
        String l = location.replace('\\', '/');
        // The descriptor may be named itself: folder/vaas.json, app.jar!/vaas.json.
        if (l.endsWith("vaas.json")) {
            l = l.substring(0, l.length() - "vaas.json".length());
        }
        while (l.endsWith("/") || l.endsWith("!")) {
            l = l.substring(0, l.length() - 1);
        }
        String last = l.substring(l.lastIndexOf('/') + 1);
        return last.endsWith(".jar") ? last.substring(0, last.length() - 4) : last;
    }

    /** Keeps the latest failure per source, for {@link #deployFailures()} and {@link #loadFailure}. */
    private void remember(AppLoadException e) {
        deployFailures.removeIf(f -> Objects.equals(f.location(), e.location()) || (e.app() != null && e.app().equals(f.app())));
        deployFailures.add(e);
    }

    /**
     * Calls an RPC route: {@code target} is {@code "app.route"}; {@code argument} is a JSON-like value (maps, lists,
     * strings, numbers, booleans, null) bound to the route's parameter type.
     *
     * @return the route's result as JSON-like values (maps, lists, strings, numbers, booleans, null)
     * @throws VaasCallException if the app or route does not exist, the argument does not bind, or the route threw:
     *                           its status and code say which, its message names app and route
     */
    public Object rpc(String target, Object argument) {
        // "app.route", or "app@version.route" with a version that may itself hold dots: the route is after the last.
        int dot = target.indexOf('@') > 0 ? target.lastIndexOf('.') : target.indexOf('.');
        if (dot <= 0 || dot == target.length() - 1) {
            throw new IllegalArgumentException("RPC target '" + target + "' must be \"app.route\"");
        }
        return call(target.substring(0, dot), target.substring(dot + 1), argument);
    }

    /** Calls RPC route {@code route} of app {@code app}. */
    Object call(String target, String route, Object argument) {
        int at = target.indexOf('@');
        String app = at > 0 ? target.substring(0, at) : target;
        String pinned = at > 0 ? target.substring(at + 1) : null;
        return entered(app, () -> choose(app, pinned), instance -> instance.rpc(route, argument));
    }

    /**
     * Runs {@code call} on the instance {@code choose} picks once it has entered it: an instance retired in between
     * (undeployed, redeployed, unloaded while idle) refuses, and the registry already holds its successor, so the
     * choice is made again. The one admission loop of every protocol.
     */
    private <T> T entered(String app, java.util.function.Supplier<AppInstance> choose,
                          java.util.function.Function<AppInstance, T> call) {
        for (int attempt = 0; ; attempt++) {
            AppInstance instance = choose.get();
            if (instance.tryEnter()) {
                try {
                    return call.apply(instance);
                } finally {
                    instance.exit();
                }
            }
            raceLostTooOften(app, attempt);
        }
    }

    /** How deep a chain of calls between apps may go. */
    static final int MAX_CALL_DEPTH = 8;

    /**
     * A call from app {@code caller} to {@code target} ({@code io.vaas.api.Rpc}): checked against the chain of calls
     * it is made from (depth, cycles), run with what is left of the caller's deadline, and failed as the guest API
     * says failures ({@link io.vaas.api.VaasException}).
     */
    private Object callFromApp(String caller, String target, Object argument, Class<?> resultType) {
        int dot = target == null ? -1 : target.indexOf('@') > 0 ? target.lastIndexOf('.') : target.indexOf('.');
        if (dot <= 0 || dot == target.length() - 1) {
            throw new io.vaas.api.VaasException(400, "bad_target", "app '" + caller + "' called '" + target
                    + "': a target is \"app.route\" (or \"app@version.route\")");
        }
        String pinnedApp = target.substring(0, dot);
        String route = target.substring(dot + 1);
        String app = pinnedApp.indexOf('@') > 0 ? pinnedApp.substring(0, pinnedApp.indexOf('@')) : pinnedApp;
        List<String> chain = new ArrayList<>();
        boolean cycle = false;
        for (io.vaas.guard.RunningCall c = io.vaas.guard.RunningCall.current(); c != null; c = c.outer()) {
            chain.add(0, c.app() + "." + c.route());
            cycle |= c.app().equals(app);
        }
        boolean fromOwnThread = chain.isEmpty();
        if (fromOwnThread) {
            // Outside any call: on a thread the caller started (VirtualRpc checked that), so the chain starts there,
            // and the calls it leads to keep it as their outermost: a call back into the caller is a cycle at any
            // depth (the origin has no deadline or budget of its own; each callee has its timeoutMs).
            chain.add(caller + " (thread '" + Thread.currentThread().getName() + "')");
            cycle = caller.equals(app);
        }
        chain.add(target);
        if (cycle) {
            throw new io.vaas.api.VaasException(508, "call_cycle", "app '" + caller + "' called " + target
                    + ", an app already in the chain of calls: " + String.join(" -> ", chain));
        }
        if (chain.size() > MAX_CALL_DEPTH) {
            throw new io.vaas.api.VaasException(508, "too_deep", "app '" + caller + "' called " + target + ": chains "
                    + "of calls between apps stop at " + MAX_CALL_DEPTH + ": " + String.join(" -> ", chain));
        }
        AppInstance from = instance(caller);
        io.vaas.guard.RunningCall origin = fromOwnThread ? io.vaas.guard.RunningCall.begin(from.context().killSwitch(),
                "(thread '" + Thread.currentThread().getName() + "')", 0, 0, 0, null, null) : null;
        try {
            Object result = call(pinnedApp, route, from.toPlain(argument));
            return resultType == null ? result : from.fromPlain(result, resultType);
        } catch (VaasCallException e) {
            throw new io.vaas.api.VaasException(e.status(), e.code(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new io.vaas.api.VaasException(400, "bad_value", "app '" + caller + "' called " + target + ": "
                    + e.getMessage());
        } finally {
            if (origin != null) {
                origin.end();
            }
        }
    }

    /** Calls an RPC route that takes no argument. */
    public Object rpc(String target) {
        return rpc(target, null);
    }

    /** Calls an RPC route and converts its result to {@code type}, a host type. */
    public <T> T rpc(String target, Object argument, Class<T> type) {
        return toHostType(target, rpc(target, argument), type);
    }

    static <T> T toHostType(String target, Object plain, Class<T> type) {
        try {
            return HOST_JSON.convertValue(plain, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the result of " + target + " does not convert to " + type.getName()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Serves an HTTP request with app {@code app}. Never throws for a failed call: an unknown app or route, a body
     * that does not bind, or a route that threw each become an error response (404, 405, 400, the
     * {@code VaasException} status, 500) whose JSON body names app and route.
     */
    public HttpResponse http(String app, HttpRequest request) {
        return http(app, request, null);
    }

    /**
     * As {@link #http(String, HttpRequest)}, sending a streamed result to {@code chunks} as it is produced (see
     * {@link HttpChunks}); when it did, the response returned has the status and type already sent and no body.
     *
     * @param chunks where streamed results go, or null to gather them into the body
     */
    public HttpResponse http(String app, HttpRequest request, HttpChunks chunks) {
        Objects.requireNonNull(request, "request");
        try {
            return entered(app, () -> chooseForClient(app, request),
                    instance -> instance.http(request, chunks));
        } catch (VaasCallException e) {
            return settings.errorResponse(e, false);
        }
    }

    /**
     * A WebSocket connection to app {@code app}: the route whose pattern matches {@code upgrade}'s path, in the
     * version chosen as for an HTTP request (pinned by {@code X-Vaas-Version} or the {@code vaas-version-<app>} cookie,
     * else by weight or the {@link VersionSelector}). Nothing is called until the host reports the connection
     * {@link WebSocketConnection#opened opened}; a host answers the upgrade with an HTTP error when this throws.
     *
     * @param upgrade the request that asks for the upgrade, with the app's path (its body is ignored)
     * @throws VaasCallException 404 when there is no such app, version or WebSocket route (naming the app's
     *                           WebSocket routes)
     */
    public WebSocketConnection webSocket(String app, HttpRequest upgrade) {
        Objects.requireNonNull(upgrade, "upgrade");
        return chooseForClient(app, upgrade).webSocket(upgrade);
    }

    AppConfig config(String name) {
        return instance(name).config();
    }

    List<String> routes(String name) {
        AppInstance instance = instance(name);
        List<String> out = new ArrayList<>();
        instance.routes().rpcNames().forEach(r -> out.add("RPC " + r));
        out.addAll(instance.routes().httpNames());
        out.addAll(instance.routes().webSocketNames());
        return out;
    }

    /** The instance deployed under {@code name}; for tests of this package that inspect loaders. */
    AppInstance instance(String name) {
        AppInstance instance = apps.get(name);
        if (instance == null) {
            return dormant.containsKey(name) ? wake(name) : throwNoSuchApp(name);
        }
        return instance;
    }

    private AppInstance throwNoSuchApp(String name) {
        throw noSuchApp(name);
    }

    /** The instance to call: the deployed one, restarted first if it called {@code System.exit}. */
    private AppInstance live(String name) {
        AppInstance instance = instance(name);
        return instance.exited() ? restart(instance) : instance;
    }

    /** Unloads the apps idle past their {@code idleUnloadMs}; runs every {@link #IDLE_CHECK_MS}. */
    private void unloadIdleApps() {
        List<AppInstance> idle = new ArrayList<>();
        synchronized (deployLock) {
            for (AppInstance instance : apps.values()) {
                Versions v = versions.get(instance.name());
                if ((v == null || v.others().isEmpty()) && instance.retireIfIdle()) {
                    idle.add(instance);
                }
            }
            for (AppInstance instance : idle) {
                apps.remove(instance.name());
                dormant.put(instance.name(), instance.recipe());
                hostIndex = null;
            }
        }
        for (AppInstance instance : idle) {
            try {
                instance.releaseRetired();
                LOG.info("unloaded app '{}' after {} ms without calls; its next call loads it again",
                        instance.name(), instance.config().idleUnloadMs());
            } catch (RuntimeException e) {
                LOG.warn("idle unload of app '{}' failed: {}", instance.name(), e.toString());
            }
        }
    }

    /** Loads an app unloaded for being idle, for a call. */
    private AppInstance wake(String name) {
        // Loading runs the app's initialization: never under the container's lock, which every deploy and the
        // routing of every other app's calls take. Calls that meet the app waking wait for that one load.
        java.util.concurrent.CompletableFuture<AppInstance> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<AppInstance> other = waking.putIfAbsent(name, mine);
        if (other != null) {
            try {
                return other.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            AppInstance woken = loadDormant(name);
            mine.complete(woken);
            return woken;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            waking.remove(name, mine);
        }
    }

    /** Loads dormant app {@code name} outside the lock, and puts it in place unless it changed meanwhile. */
    private AppInstance loadDormant(String name) {
        AppInstance.Recipe recipe;
        synchronized (deployLock) {
            AppInstance current = apps.get(name);
            if (current != null) {
                return current;
            }
            recipe = dormant.get(name);
            if (recipe == null || closed) {
                throw noSuchApp(name);
            }
        }
        AppInstance fresh;
        try {
            fresh = recipe.load(settings);
        } catch (AppLoadException e) {
            throw new VaasCallException(name, null, 503, "reload_failed", "app '" + name + "' was unloaded while "
                    + "idle and could not be loaded again: " + e.getMessage(), e);
        }
        synchronized (deployLock) {
            if (closed || dormant.get(name) != recipe) {
                // Undeployed or redeployed while it loaded: this load is not the app any more.
                fresh.retire();
                AppInstance current = apps.get(name);
                if (current != null) {
                    return current;
                }
                throw noSuchApp(name);
            }
            dormant.remove(name);
            apps.put(name, fresh);
            hostIndex = null;
        }
        LOG.info("loaded app '{}' again for a call after its idle unload", name);
        return fresh;
    }

    /** Whether app {@code name} is deployed but unloaded for being idle (its next call loads it). */
    boolean dormant(String name) {
        return dormant.containsKey(name);
    }

    /** Starts the idle check when the first app that unloads when idle is deployed. */
    private void watchIdle(AppInstance instance) {
        if (instance.config().idleUnloadMs() > 0 && idleChecker == null) {
            synchronized (deployLock) {
                if (idleChecker == null && !closed) {
                    idleChecker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = Thread.ofPlatform().daemon().name("vaas-idle-unload")
                                .inheritInheritableThreadLocals(false).unstarted(r);
                        t.setContextClassLoader(Vaas.class.getClassLoader());
                        return t;
                    });
                    idleChecker.scheduleWithFixedDelay(this::unloadIdleApps, IDLE_CHECK_MS, IDLE_CHECK_MS,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private AppInstance restart(AppInstance exited) {
        synchronized (deployLock) {
            AppInstance current = apps.get(exited.name());
            if (current != exited) {
                if (current == null) {
                    throw noSuchApp(exited.name());
                }
                return current;
            }
            AppInstance fresh;
            try {
                fresh = exited.reload();
            } catch (AppLoadException e) {
                throw new VaasCallException(exited.name(), null, 503, "restart_failed", "app '" + exited.name()
                        + "' exited and could not be restarted: " + e.getMessage(), e);
            }
            apps.put(fresh.name(), fresh);
            hostIndex = null;
            exited.retire();
            LOG.info("restarted app '{}' after it called {}({})", fresh.name(), exited.context().exitCall(),
                    exited.context().exitStatus());
            return fresh;
        }
    }

    private VaasCallException noSuchApp(String name) {
        return Failures.of(name, null, 404, "no_such_app", "no app '" + name + "' is deployed"
                + (apps.isEmpty() ? "" : "; deployed apps: " + apps()));
    }

    /** A call met an instance being retired; the registry already holds its successor, so look again. */
    private void raceLostTooOften(String app, int attempt) {
        if (attempt >= 100) {
            throw Failures.of(app, null, 503, "redeploying", "app '" + app + "' is being redeployed; retry");
        }
        Thread.onSpinWait();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this Vaas is closed; build a new one");
        }
    }

    /** Unloads every app. Calls in flight finish first; new calls find no apps. */
    @Override
    public void close() {
        List<AppInstance> all;
        synchronized (deployLock) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(apps.values());
            apps.clear();
            hostIndex = null;
        }
        if (idleChecker != null) {
            idleChecker.shutdownNow();
        }
        dormant.clear();
        versions.values().forEach(v -> v.others().forEach(o -> o.instance().retire()));
        versions.clear();
        all.forEach(AppInstance::retire);
        if (!all.isEmpty()) {
            LOG.info("closed: unloaded {} app(s)", all.size());
        }
        if (heapGovernor != null) {
            heapGovernor.close();
        }
        settings.watchdog().close();
    }

    /** The heap governor's default threshold: see {@link Builder#heapGovernor(double)}. */
    static final double DEFAULT_HEAP_GOVERNOR = 0.85;

    /** Builds a {@link Vaas}. */
    public static final class Builder {

        private final List<Path> appFolders = new ArrayList<>();
        private final List<AppSpec> specs = new ArrayList<>();
        private final Set<String> passEnv = new LinkedHashSet<>();
        private final Set<String> passProperties = new LinkedHashSet<>();
        private OutputSink output = OutputSink.slf4j();
        private Path rewriteCacheFolder;
        private long rewriteCacheBytes = RewriteCache.DEFAULT_MAX_BYTES;
        private long hookMillis = 5_000;
        private long workerKeepAliveMs = 30_000;
        private long deployTimeoutMs = 30_000;
        private double heapGovernor = DEFAULT_HEAP_GOVERNOR;
        private PolicyLibrary policies = PolicyLibrary.standard();
        private final List<String> defaultPermissions = new ArrayList<>();
        private Path fileRoots;
        private Limits limits;
        private ConfigProvider configProvider;
        private ErrorFormatter errorFormatter;
        private VersionSelector versionSelector;
        private byte[] pinSecret;
        private HostClaims hostClaims = HostClaims.any();
        private boolean strictPolicy;
        private final Map<String, ClassLoader> exportedPackages = new java.util.LinkedHashMap<>();
        private final Map<Class<?>, Object> services = new java.util.LinkedHashMap<>();
        private final Map<java.lang.reflect.Method, java.lang.reflect.Method> substitutions = new java.util.LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Lets apps see these host packages (besides the JDK and {@code io.vaas.api}), loaded from {@code loader}: the
         * interfaces of the services the host hands them, say. Apps then share those types with the host. By default
         * no host package is exported.
         */
        public Builder exportPackages(ClassLoader loader, String... packages) {
            for (String p : packages) {
                exportedPackages.put(p, Objects.requireNonNull(loader, "loader"));
            }
            return this;
        }

        /** As {@link #exportPackages(ClassLoader, String...)}, from the loader that loaded the calling code. */
        public Builder exportPackages(String... packages) {
            ClassLoader caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass()
                    .getClassLoader();
            return exportPackages(caller == null ? ClassLoader.getSystemClassLoader() : caller, packages);
        }

        /**
         * Substitutes, for every app, a method of the host's for {@code original}: guest code that calls it (or
         * refers to it by a method reference or handle) calls {@code replacement} instead. {@code replacement} must
         * be a public static method of an exported package, taking what {@code original} takes (its receiver first,
         * for an instance method) and returning the same type. Reflection on {@code original} is not redirected.
         *
         * @throws IllegalArgumentException if {@code replacement} does not fit
         */
        public Builder substitute(java.lang.reflect.Method original, java.lang.reflect.Method replacement) {
            substitutions.put(Objects.requireNonNull(original, "original"), Objects.requireNonNull(replacement, "replacement"));
            return this;
        }

        /**
         * Substitutes every method of {@code original} for which {@code replacement} has a fitting public static method
         * of the same name (see {@link #substitute(java.lang.reflect.Method, java.lang.reflect.Method)}).
         *
         * @throws IllegalArgumentException if no method of {@code replacement} fits one of {@code original}
         */
        public Builder substitute(Class<?> original, Class<?> replacement) {
            int found = 0;
            for (java.lang.reflect.Method m : original.getMethods()) {
                if (m.getDeclaringClass() != original) {
                    continue;
                }
                Class<?>[] params = java.lang.reflect.Modifier.isStatic(m.getModifiers()) ? m.getParameterTypes()
                        : prepend(original, m.getParameterTypes());
                try {
                    java.lang.reflect.Method r = replacement.getMethod(m.getName(), params);
                    if (java.lang.reflect.Modifier.isStatic(r.getModifiers()) && r.getReturnType() == m.getReturnType()) {
                        substitute(m, r);
                        found++;
                    }
                } catch (NoSuchMethodException e) {
                    // Not every method has to be replaced.
                }
            }
            if (found == 0) {
                throw new IllegalArgumentException(replacement.getName() + " has no public static method that fits a "
                        + "method of " + original.getName());
            }
            return this;
        }

        private static Class<?>[] prepend(Class<?> first, Class<?>[] rest) {
            Class<?>[] all = new Class<?>[rest.length + 1];
            all[0] = first;
            System.arraycopy(rest, 0, all, 1, rest.length);
            return all;
        }

        /**
         * Hands every app a service: {@code type} must be an interface of an exported package. Apps get it with
         * {@code io.vaas.api.Services.get(type)}.
         */
        public <T> Builder service(Class<T> type, T service) {
            services.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(service, "service"));
            return this;
        }

        /**
         * The host's configuration for its apps, merged over each app's {@code vaas.json} when it loads (see
         * {@link ConfigProvider}).
         */
        public Builder configProvider(ConfigProvider provider) {
            this.configProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** The host's choice of version for apps deployed in several versions (see {@link VersionSelector}). */
        public Builder versionSelector(VersionSelector selector) {
            this.versionSelector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /**
         * Which host names each app may claim with {@code "hosts"} in its {@code vaas.json} (see {@link HostClaims});
         * by default {@link HostClaims#any()}. Whatever the rule, the gateway's own names and addresses are refused,
         * and a name another app holds fails the deploy naming both apps.
         */
        public Builder hostClaims(HostClaims rule) {
            this.hostClaims = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * Lets HTTP and WebSocket clients reach versions at weight 0 (pinned by {@code X-Vaas-Version} or the
         * {@code vaas-version-<app>} cookie) when they send this secret in the header {@code X-Vaas-Pin-Secret}.
         * Without it, a client's pin reaches only versions that take traffic; the host's {@link VersionSelector} and
         * RPC pins ({@code app@version.route}) are the host's own choice and reach any version.
         *
         * @param secret at least 16 characters, compared in constant time
         */
        public Builder pinSecret(String secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.strip().length() < 16) {
                throw new IllegalArgumentException("pinSecret must have at least 16 characters (it guards versions "
                        + "at weight 0 from the public); got " + secret.strip().length());
            }
            this.pinSecret = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return this;
        }

        /** How error responses of HTTP calls look (see {@link ErrorFormatter}); by default a JSON body. */
        public Builder errorFormatter(ErrorFormatter formatter) {
            this.errorFormatter = Objects.requireNonNull(formatter, "formatter");
            return this;
        }

        /**
         * The limits of apps whose {@code vaas.json} sets none (field by field: an app's own values win). Unset fields
         * keep the container's defaults, {@link Limits#DEFAULTS}: no CPU or allocation budget per call, 256 threads
         * alive per app, arrays up to 512 MiB.
         */
        public Builder limits(Limits defaults) {
            this.limits = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        /**
         * Gives each app a file root of its own under {@code folder}: {@code folder/<app name>}, created when first
         * used. Apps granted {@code files:read}/{@code files:write} reach files there and nowhere else;
         * {@code AppSpec.files} gives one app another root. Without either, an app has no files: paths are values
         * only, and reaching a file fails naming this setting.
         */
        public Builder fileRoots(Path folder) {
            this.fileRoots = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
            return this;
        }

        /**
         * The permissions an app holds, besides {@code core}, when its {@code vaas.json} asks for none. By default
         * none: such an app may use only what {@code core} allows. {@code "net:connect=host:port,…"} grants
         * connections to those hosts only.
         */
        public Builder defaultPermissions(String... names) {
            defaultPermissions.addAll(List.of(names));
            return this;
        }

        /**
         * Whether an app whose code uses JDK members its permissions do not allow is refused at deploy, with the full
         * report. By default it is deployed, the deploy logs a summary, and each such use throws
         * {@code SecurityException} when reached (libraries often reference APIs they never call).
         */
        public Builder strictPolicy(boolean strict) {
            this.strictPolicy = strict;
            return this;
        }

        /**
         * Adds an allowlist file of the host's (grammar: {@link io.vaas.policy.AllowlistParser}): more members for a
         * standard permission, or permissions of the host's own.
         *
         * @throws io.vaas.policy.AllowlistException naming {@code source} and the line
         */
        public Builder allowlist(String source, String text) {
            policies = policies.with(source, text);
            return this;
        }

        /**
         * Host environment variables every app sees (when the host has them), under the app's own {@code env}.
         * By default apps see no host variable at all.
         */
        public Builder passEnv(String... names) {
            passEnv.addAll(List.of(names));
            return this;
        }

        /**
         * Host system properties every app sees besides the platform's description (Java and OS versions,
         * separators, encodings, locale), which all apps see. By default no other host property reaches apps.
         */
        public Builder passProperties(String... keys) {
            passProperties.addAll(List.of(keys));
            return this;
        }

        /** Where apps' {@code System.out} and {@code System.err} lines go; SLF4J by default. */
        public Builder output(OutputSink sink) {
            this.output = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Keeps rewritten classes in {@code folder} too, so a restarted host skips the rewriting pass for code it has
         * seen. By default they are kept in memory only.
         */
        public Builder rewriteCache(Path folder) {
            this.rewriteCacheFolder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** The memory the rewrite cache may use; 64 MiB by default. */
        public Builder rewriteCacheBytes(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("rewriteCacheBytes must be >= 0, got " + maxBytes);
            }
            this.rewriteCacheBytes = maxBytes;
            return this;
        }

        /**
         * How long an app's idle worker thread (see {@link AppConfig.WorkerThreads}) waits for a call before it ends;
         * 30 seconds by default. The next call after that starts a new one (about a quarter of a millisecond).
         */
        public Builder workerKeepAliveMillis(long millis) {
            if (millis < 1) {
                throw new IllegalArgumentException("workerKeepAliveMillis must be >= 1, got " + millis);
            }
            this.workerKeepAliveMs = millis;
            return this;
        }

        /**
         * How long an app's route classes' static initializers and constructors may run when it is deployed, woken or
         * restarted; 30 seconds by default. They run on a thread of the app's own: past this, a loop is stopped, a
         * thread that still does not end is abandoned (and logged), and the deploy fails naming this setting.
         */
        public Builder deployTimeoutMillis(long millis) {
            if (millis < 1) {
                throw new IllegalArgumentException("deployTimeoutMillis must be >= 1, got " + millis);
            }
            this.deployTimeoutMs = millis;
            return this;
        }

        /**
         * The heap governor: when, after a major collection, the old generation still holds more than
         * {@code oldGenerationShare} of its maximum, the app that allocated most since the last such look (of the
         * apps deployed in one version, and at least 8 MiB) has its calls stopped (503 {@code heap_limit}) and is
         * unloaded, to be loaded again by its next call; the log names it with the figures. 0.85 by default; 0 turns
         * it off.
         */
        public Builder heapGovernor(double oldGenerationShare) {
            if (!(oldGenerationShare == 0 || (oldGenerationShare > 0 && oldGenerationShare < 1))) {
                throw new IllegalArgumentException("heapGovernor must be 0 (off) or between 0 and 1, got "
                        + oldGenerationShare);
            }
            this.heapGovernor = oldGenerationShare;
            return this;
        }

        /** How long unloading an app waits for its shutdown hooks; 5 seconds by default. */
        public Builder shutdownHookTimeoutMillis(long millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("shutdownHookTimeoutMillis must be >= 0, got " + millis);
            }
            this.hookMillis = millis;
            return this;
        }

        /**
         * Deploys every app found in {@code folder} at {@link #build()}: each subfolder holding a {@code vaas.json},
         * and each {@code *.jar}. An app that fails to load is logged and listed in {@link Vaas#deployFailures()};
         * the others are deployed.
         */
        public Builder apps(Path folder) {
            appFolders.add(Objects.requireNonNull(folder, "folder"));
            return this;
        }

        /** Deploys these apps at {@link #build()}; a failure fails the build. */
        public Builder deploy(AppSpec... more) {
            specs.addAll(List.of(more));
            return this;
        }

        /**
         * Creates the container and deploys what was asked.
         *
         * @throws AppLoadException if an app folder given to {@link #apps(Path)} is missing, or an app given to
         *                          {@link #deploy(AppSpec...)} fails; nothing stays deployed then
         */
        public Vaas build() {
            RewriteCache cache;
            try {
                cache = rewriteCacheFolder == null ? RewriteCache.inMemory(rewriteCacheBytes)
                        : RewriteCache.persistent(rewriteCacheBytes, rewriteCacheFolder);
            } catch (java.io.IOException e) {
                throw new UncheckedIOException("cannot create the rewrite cache folder " + rewriteCacheFolder, e);
            }
            for (String p : defaultPermissions) {
                if (policies.permission(io.vaas.policy.NetAllowlist.permissionName(p)) == null) {
                    throw new IllegalArgumentException("defaultPermissions: unknown permission '" + p
                            + "'; known permissions: " + policies.names());
                }
            }
            HostExports exports = HostExports.defaults();
            Map<ClassLoader, List<String>> byLoader = new java.util.LinkedHashMap<>();
            exportedPackages.forEach((p, l) -> byLoader.computeIfAbsent(l, k -> new ArrayList<>()).add(p));
            for (Map.Entry<ClassLoader, List<String>> e : byLoader.entrySet()) {
                exports = exports.with(e.getKey(), e.getValue());
            }
            for (Map.Entry<Class<?>, Object> e : services.entrySet()) {
                HostSettings.checkService(exports, e.getKey(), e.getValue());
            }
            List<io.vaas.rewrite.Rule> substituted = new ArrayList<>();
            for (Map.Entry<java.lang.reflect.Method, java.lang.reflect.Method> e : substitutions.entrySet()) {
                substituted.add(HostSettings.substitution(exports, e.getKey(), e.getValue()));
            }
            HostSettings settings = new HostSettings(exports, new Rewriter(Rules.standard().with(substituted), cache),
                    Set.copyOf(passEnv), HostSettings.standardProperties(passProperties), output, hookMillis,
                    policies, List.copyOf(defaultPermissions), strictPolicy, Map.copyOf(services), fileRoots,
                    Limits.DEFAULTS.overlay(limits), new io.vaas.guard.Watchdog(), new io.vaas.run.AppRouter(),
                    configProvider, errorFormatter, workerKeepAliveMs, deployTimeoutMs);
            Vaas vaas = new Vaas(settings, versionSelector, heapGovernor, pinSecret, hostClaims);
            try {
                for (Path folder : appFolders) {
                    for (Path app : discover(folder)) {
                        try {
                            vaas.deploy(AppSpec.of(app), false);
                        } catch (AppLoadException e) {
                            LOG.error("skipping {}: {}", app, e.getMessage());
                            vaas.remember(e);
                        }
                    }
                }
                for (AppSpec spec : specs) {
                    vaas.deploy(spec);
                }
                return vaas;
            } catch (RuntimeException e) {
                vaas.close();
                throw e;
            }
        }

        /** The app folders and jars directly inside {@code folder}, by name. */
        static List<Path> discover(Path folder) {
            if (!Files.isDirectory(folder)) {
                throw new AppLoadException(null, folder.toAbsolutePath().toString(),
                        "the apps folder does not exist or is not a folder");
            }
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
                for (Path child : children) {
                    boolean appFolder = Files.isDirectory(child) && Files.isRegularFile(child.resolve("vaas.json"));
                    boolean appJar = Files.isRegularFile(child) && child.getFileName().toString().endsWith(".jar");
                    if (appFolder || appJar) {
                        found.add(child);
                    }
                }
            } catch (IOException e) {
                throw new AppLoadException(null, folder.toAbsolutePath().toString(), "cannot list the apps folder: " + e, e);
            }
            found.sort(null);
            return found;
        }
    }

    /** The rewrite cache of this container: its hit and miss counts say how much rewriting redeploys skipped. */
    public RewriteCache rewriteCache() {
        return settings.rewriter().cache();
    }

    @Override
    public String toString() {
        return "Vaas" + apps();
    }
}
