package io.vaas.policy.analysis;

import io.vaas.policy.analysis.ClassInfo.FieldInfo;
import io.vaas.policy.analysis.ClassInfo.MethodInfo;
import io.vaas.rewrite.Rule;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The call graph over the JDK's code, built forward from the members an app may call.
 *
 * <p>Nodes:
 * <ul>
 *   <li>{@link Code}: a JDK method running, in a context that says which of its parameters (receiver first) are
 *   the JDK's own objects rather than ones its caller handed in;</li>
 *   <li>{@link AppCall}: an app calling a JDK member: the member's code with every parameter the app's, plus what
 *   the member hands back (JDK objects it returns);</li>
 *   <li>{@link Holds}: an app holding a JDK object of one class, so able to call any of its public methods (except
 *   those the rewriter diverts);</li>
 *   <li>{@link FieldAccess}: an app reading (and, when it is not final, writing) a static field;</li>
 *   <li>{@link StaticWrite}: a write of a static field outside a class initializer: JVM-wide state.</li>
 * </ul>
 *
 * <p>Edges follow the JVM: static, special and private calls go to the resolved method. A virtual or interface call
 * on a JDK object goes to the implementation every class selects that is instantiated in code the graph reaches
 * (rapid type analysis; classes made by static initializers and the JVM's start-up count from the start). A call on
 * an object the app handed in goes to the resolved method only: what the app's object does is the app's own
 * (rewritten) code or a JDK member it could call itself, and JDK objects it can get hold of are followed as
 * {@link Holds}; JDK objects the JDK passes to such an object are handed to the app. Lambdas and method references
 * go to their implementation, method handle constants and bootstrap methods to their targets; service types named
 * as class constants go to their providers (and hand them out); class names in methods that load classes by name go
 * to those classes' constructors. Static initializers and reflection are not followed (see the report's limits).
 */
final class CallGraph {

    sealed interface Node permits Code, AppCall, Holds, FieldAccess, StaticWrite {
    }

    record Code(MethodInfo method, long jdkParams) implements Node {
    }

    record AppCall(MethodInfo method) implements Node {
    }

    record Holds(String cls) implements Node {
    }

    record FieldAccess(FieldInfo field) implements Node {
    }

    record StaticWrite(FieldInfo field) implements Node {
    }

    /** Parameters a lambda gets when it is invoked: whoever invokes it decides, so they count as the JDK's. */
    private static final long ALL = -1L;
    private static final String OBJECT = "java/lang/Object";
    /**
     * Virtual calls on the JDK's own objects whose declared member has more implementations than this in the whole
     * image are followed to the resolved member only, like calls on the app's objects: a call on an
     * {@code Object}, {@code Runnable} or {@code Iterator} would reach every class that implements it, which says
     * nothing about the object the JDK holds there. Objects behind such calls are still followed when an app can
     * get hold of them ({@link Holds}).
     */
    static final int MAX_DISPATCH = Integer.getInteger("vaas.analysis.maxDispatch", 8);
    /**
     * Likewise, a JDK object handed to the app under a static type with more implementations than this is not
     * followed: the type says nothing about which one it is. Service providers and classes the JDK instantiates by
     * name are handed out by class, whatever their static type.
     */
    static final int MAX_HANDOUT = Integer.getInteger("vaas.analysis.maxHandOut", 8);

    /** A virtual call on a JDK object, waiting for more classes to be instantiated. */
    private record Site(int from, MethodInfo caller, MethodInfo resolved, long jdkParams) {
    }

    private final JdkImage image;
    private final Resolver resolver;
    private final Sinks sinks;
    private final TrustedCuts trusted;
    private final ContainerRules rules;

    private final List<Node> nodes = new ArrayList<>();
    private final Map<Node, Integer> ids = new HashMap<>();
    private final List<int[]> out = new ArrayList<>();
    private final List<Integer> outSize = new ArrayList<>();
    private final Deque<Integer> todo = new ArrayDeque<>();
    private int edgeCount;

    /** Classes instantiated in reached code (and at start-up), and, per type, those below it. */
    private final Set<String> live = new HashSet<>();
    private final Map<String, List<String>> liveBelow = new HashMap<>();
    private final Map<String, List<Site>> sitesByOwner = new HashMap<>();
    private final Deque<String> newlyLive = new ArrayDeque<>();
    /** The node whose expansion first added each node, and the node that first made each class live. */
    private final List<Integer> parent = new ArrayList<>();
    private final Map<String, Integer> madeLiveBy = new HashMap<>();
    private int expanding = -1;

    CallGraph(JdkImage image, Resolver resolver, Sinks sinks, TrustedCuts trusted, ContainerRules rules) {
        this.image = image;
        this.resolver = resolver;
        this.sinks = sinks;
        this.trusted = trusted;
        this.rules = rules;
        image.startup.stream().sorted().forEach(this::instantiate);
    }

    /** The node of an app calling {@code m}, added with everything it reaches. */
    int appCall(MethodInfo m) {
        expanding = -1;
        int id = id(new AppCall(m));
        drain();
        return id;
    }

    /** The node of an app reading (and, when it is not final, writing) a static field. */
    int fieldAccess(FieldInfo f) {
        expanding = -1;
        int id = id(new FieldAccess(f));
        drain();
        return id;
    }

    Node node(int id) {
        return nodes.get(id);
    }

    int size() {
        return nodes.size();
    }

    int edges() {
        return edgeCount;
    }

    int liveClasses() {
        return live.size();
    }

    /** How the graph first came to a node: the chain of nodes that added it, from an app's call; for diagnostics. */
    List<Node> origin(int id) {
        List<Node> chain = new ArrayList<>();
        for (int v = id; v >= 0 && chain.size() < 200; v = parent.get(v)) {
            chain.add(nodes.get(v));
        }
        return chain.reversed();
    }

    /** The node whose code first instantiated a class, or -1. */
    int madeLiveBy(String cls) {
        return madeLiveBy.getOrDefault(cls, -2);
    }

    int[] successors(int id) {
        int[] e = out.get(id);
        return e == null ? new int[0] : Arrays.copyOf(e, outSize.get(id));
    }

    /** The sink category of a node, or null. */
    Category sink(Node n) {
        return switch (n) {
            case Code c -> sinks.of(c.method);
            case StaticWrite w -> Category.STATE;
            default -> null;
        };
    }

    private int id(Node n) {
        Integer known = ids.get(n);
        if (known != null) {
            return known;
        }
        int id = nodes.size();
        nodes.add(n);
        ids.put(n, id);
        out.add(null);
        outSize.add(0);
        parent.add(expanding);
        todo.add(id);
        return id;
    }

    private void addEdge(int from, Node to) {
        int t = id(to);
        int[] e = out.get(from);
        int n = outSize.get(from);
        if (e == null) {
            e = new int[4];
        }
        for (int i = 0; i < n; i++) {
            if (e[i] == t) {
                return;
            }
        }
        if (n == e.length) {
            e = Arrays.copyOf(e, n * 2);
        }
        e[n] = t;
        out.set(from, e);
        outSize.set(from, n + 1);
        edgeCount++;
    }

    private void drain() {
        while (!todo.isEmpty() || !newlyLive.isEmpty()) {
            while (!todo.isEmpty()) {
                int id = todo.poll();
                expanding = id;
                expand(id, nodes.get(id));
            }
            while (!newlyLive.isEmpty()) {
                String c = newlyLive.poll();
                for (String t : resolver.supertypes(c)) {
                    for (Site s : sitesByOwner.getOrDefault(t, List.of())) {
                        expanding = s.from;
                        MethodInfo target = resolver.select(c, s.resolved);
                        if (target != null) {
                            edge(s.from, s.caller, target, s.jdkParams);
                        }
                    }
                }
            }
        }
    }

    private void instantiate(String cls) {
        if (image.get(cls) == null || !live.add(cls)) {
            return;
        }
        madeLiveBy.put(cls, expanding);
        for (String t : resolver.supertypes(cls)) {
            liveBelow.computeIfAbsent(t, k -> new ArrayList<>()).add(cls);
        }
        newlyLive.add(cls);
    }

    private void expand(int id, Node n) {
        switch (n) {
            case StaticWrite w -> {
            }
            case FieldAccess a -> {
                if (!a.field.isFinal() && a.field.isStatic() && !sinks.isBenignStatic(a.field)) {
                    addEdge(id, new StaticWrite(a.field));
                }
                handOut(id, Type.getType(a.field.desc()));
            }
            case Holds h -> {
                instantiate(h.cls);
                for (MethodInfo m : resolver.virtualMethods(h.cls)) {
                    // The app's call of a member the class declares is checked as that member; only a call through
                    // a supertype's member (Path.toRealPath on a UnixPath) runs the class's code unchecked.
                    if ((m.access & Opcodes.ACC_PUBLIC) == 0 || !reachableUnchecked(m)) {
                        continue;
                    }
                    if (diverted(h.cls, m)) {
                        continue;
                    }
                    if (!trusted.isCut(m)) {
                        addEdge(id, new AppCall(m));
                    }
                }
            }
            case AppCall a -> {
                MethodInfo m = a.method;
                // A trusted method (the lambda metafactory an app's lambdas bootstrap with) is trusted for the app too.
                if (!trusted.isCut(m)) {
                    addEdge(id, new Code(m, 0));
                }
                // A member that loads service providers itself hands them to the app (ToolProvider.findFirst,
                // javax.tools.ToolProvider.getSystemJavaCompiler, ServiceLoader's own callers).
                for (String service : image.serviceConstants.getOrDefault(m, Set.of())) {
                    for (String provider : image.providers.get(service)) {
                        addEdge(id, new Holds(provider));
                    }
                }
                if (m.isConstructor()) {
                    addEdge(id, new Holds(m.owner.name));
                } else if (m.hasCode()) {
                    Provenance returned = image.facts(m).returned;
                    if (returned != null && returned.type != null) {
                        addEdge(id, new Holds(returned.type));
                    } else if (returned != null && returned.isJdk(0)) {
                        handOut(id, Type.getReturnType(m.desc));
                    }
                }
            }
            case Code c -> expandCode(id, c);
        }
    }

    /**
     * Whether an app can run {@code m} through a supertype's member whose own check lets it: {@code m} overrides a
     * member of a proper supertype that is not itself a sink (a call of {@code Logger.addHandler} is refused as it
     * is, whichever logger runs it).
     */
    private boolean reachableUnchecked(MethodInfo m) {
        for (String t : resolver.supertypes(m.owner.name)) {
            ClassInfo c = image.get(t);
            MethodInfo s = t.equals(m.owner.name) || c == null ? null : c.method(m.key());
            if (s != null && !s.isStatic() && !s.isPrivate() && sinks.of(s) == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the rewriter diverts an app's call of {@code m} on an object of {@code cls}, whichever type the call
     * names: the class, the declaring class or a supertype declaring the member ({@code Thread.Builder.start}).
     */
    private boolean diverted(String cls, MethodInfo m) {
        for (String t : resolver.supertypes(cls)) {
            ClassInfo c = image.get(t);
            if (t.equals(cls) || (c != null && c.method(m.key()) != null)) {
                Rule r = rules.find(t, m.name, m.desc);
                if (r != null && ContainerRules.divertsCall(r)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An app gets a JDK object of static type {@code t}: it holds one of any class the JDK can make of that type. */
    private void handOut(int from, Type t) {
        if (t.getSort() == Type.ARRAY) {
            t = t.getElementType();
        }
        if (t.getSort() != Type.OBJECT || t.getInternalName().equals(OBJECT)) {
            return;
        }
        List<String> classes = resolver.instantiatedSubtypes(t.getInternalName());
        if (classes.size() > MAX_HANDOUT) {
            return;
        }
        for (String c : classes) {
            addEdge(from, new Holds(c));
        }
    }

    private void expandCode(int id, Code c) {
        MethodInfo m = c.method;
        if (sinks.of(m) != null || !m.hasCode()) {
            return;
        }
        MethodFacts f = image.facts(m);
        for (String cls : f.news) {
            instantiate(cls);
        }
        for (MethodFacts.Call call : f.calls) {
            MethodInfo target = resolver.resolve(call.owner(), call.name(), call.desc(),
                    call.itf() || call.opcode() == Opcodes.INVOKEINTERFACE);
            if (target == null) {
                continue;
            }
            long callee = 0;
            for (int i = 0; i < call.args().length; i++) {
                if (call.args()[i].isJdk(c.jdkParams)) {
                    callee |= Provenance.bit(i);
                }
            }
            boolean virtual = call.opcode() == Opcodes.INVOKEVIRTUAL || call.opcode() == Opcodes.INVOKEINTERFACE;
            if (!virtual) {
                edge(id, m, target, callee);
                continue;
            }
            Provenance receiver = call.args()[0];
            if (receiver.type != null) {
                // An object the method made itself: its class is known.
                MethodInfo exact = resolver.select(receiver.type, target);
                if (exact != null) {
                    edge(id, m, exact, callee);
                }
                continue;
            }
            if (receiver.isJdk(c.jdkParams)) {
                dispatch(id, m, call.owner(), target, callee);
                continue;
            }
            edge(id, m, target, callee);
            if ((receiver.params & ~c.jdkParams) != 0 && overridable(target)) {
                // The app's object may be the app's own class: it gets the JDK objects passed to it.
                Type[] params = Type.getArgumentTypes(call.desc());
                for (int i = 1; i < call.args().length; i++) {
                    Provenance arg = call.args()[i];
                    if (arg.type != null) {
                        addEdge(id, new Holds(arg.type));
                    } else if (arg.isJdk(c.jdkParams)) {
                        handOut(id, params[i - 1]);
                    }
                }
            }
        }
        for (MethodFacts.Lambda l : f.lambdas) {
            long callee = ALL;
            for (int i = 0; i < l.captured().length; i++) {
                if (!l.captured()[i].isJdk(c.jdkParams)) {
                    callee &= ~Provenance.bit(i);
                }
            }
            handle(id, m, l.impl(), callee);
        }
        for (Handle h : f.handles) {
            handle(id, m, h, ALL);
        }
        for (MethodFacts.FieldRef w : f.staticWrites) {
            FieldInfo field = resolver.resolveField(w.owner(), w.name());
            if (field != null && !field.isFinal() && !sinks.isBenignStatic(field)) {
                addEdge(id, new StaticWrite(field));
            }
        }
        for (String cls : image.reflectiveNames.getOrDefault(m, Set.of())) {
            instantiate(cls);
            for (MethodInfo ctor : image.get(cls).methods.values()) {
                if (ctor.isConstructor()) {
                    edge(id, m, ctor, ALL);
                }
            }
        }
        for (String service : image.serviceConstants.getOrDefault(m, Set.of())) {
            for (String provider : image.providers.get(service)) {
                MethodInfo factory = providerFactory(provider);
                if (factory != null) {
                    instantiate(provider);
                    edge(id, m, factory, 0);
                }
            }
        }
    }

    /** How ServiceLoader makes a provider: its public static provider() method if it has one, else its constructor. */
    private MethodInfo providerFactory(String provider) {
        ClassInfo p = image.get(provider);
        if (p == null) {
            return null;
        }
        for (MethodInfo pm : p.methods.values()) {
            if (pm.name.equals("provider") && pm.isStatic() && pm.desc.startsWith("()")) {
                return pm;
            }
        }
        return p.method("<init>()V");
    }

    /** Whether an app class could provide the implementation a call on the app's object runs. */
    private static boolean overridable(MethodInfo m) {
        return !m.isStatic() && !m.isPrivate() && (m.access & Opcodes.ACC_FINAL) == 0 && !m.owner.isFinal()
                && !m.isConstructor();
    }

    /** A virtual call on a JDK object: every live class's implementation, now and as more classes come alive. */
    private void dispatch(int from, MethodInfo caller, String owner, MethodInfo resolved, long jdkParams) {
        if (resolved.isPrivate() || resolved.isStatic() || resolver.dispatch(owner, resolved).size() > MAX_DISPATCH) {
            edge(from, caller, resolved, jdkParams);
            return;
        }
        if (!resolved.isAbstract()) {
            edge(from, caller, resolved, jdkParams);
        }
        sitesByOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(new Site(from, caller, resolved, jdkParams));
        for (String c : List.copyOf(liveBelow.getOrDefault(owner, List.of()))) {
            MethodInfo target = resolver.select(c, resolved);
            if (target != null) {
                edge(from, caller, target, jdkParams);
            }
        }
    }

    /** A method handle the code makes: its target runs with whatever arguments its invoker passes. */
    private void handle(int from, MethodInfo caller, Handle h, long jdkParams) {
        switch (h.getTag()) {
            case Opcodes.H_GETFIELD, Opcodes.H_GETSTATIC, Opcodes.H_PUTFIELD -> {
            }
            case Opcodes.H_PUTSTATIC -> {
                FieldInfo field = resolver.resolveField(h.getOwner(), h.getName());
                if (field != null && !field.isFinal() && !sinks.isBenignStatic(field)) {
                    addEdge(from, new StaticWrite(field));
                }
            }
            default -> {
                MethodInfo target = resolver.resolve(h.getOwner(), h.getName(), h.getDesc(), h.isInterface());
                if (target == null) {
                    return;
                }
                if (h.getTag() == Opcodes.H_NEWINVOKESPECIAL) {
                    instantiate(h.getOwner());
                }
                boolean virtual = h.getTag() == Opcodes.H_INVOKEVIRTUAL || h.getTag() == Opcodes.H_INVOKEINTERFACE;
                if (virtual && (jdkParams & 1) != 0) {
                    dispatch(from, caller, h.getOwner(), target, jdkParams);
                } else {
                    edge(from, caller, target, jdkParams);
                }
            }
        }
    }

    private void edge(int from, MethodInfo caller, MethodInfo to, long jdkParams) {
        if (trusted.isCut(to) || trusted.isCut(caller, to)) {
            return;
        }
        if (!to.hasCode() && !to.isNative()) {
            return;
        }
        // Contexts only matter for reference parameters.
        addEdge(from, new Code(to, jdkParams & to.referenceArgs));
    }
}
