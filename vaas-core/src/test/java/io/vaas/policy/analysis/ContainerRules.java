package io.vaas.policy.analysis;

import io.vaas.rewrite.Rule;
import io.vaas.rewrite.Rules;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rewrite table as the analysis needs it: which JDK members guest code never reaches as they are, because
 * the rewriter sends its calls elsewhere ({@code Redirect}, {@code Factory}, {@code Substitute}), watches them
 * ({@code Observe}) or checks them at run time (the reflection bridges).
 */
final class ContainerRules {

    private final Map<String, Rule> byMember = new HashMap<>();
    private final Map<String, Rule> anyOwner = new HashMap<>();

    ContainerRules(Rules rules) {
        for (Rule r : rules.all()) {
            if (r.owner().equals("*")) {
                anyOwner.put(r.name() + r.desc(), r);
            } else {
                byMember.put(r.owner() + "." + r.name() + r.desc(), r);
            }
        }
    }

    /** The rule an app's reference to {@code owner.name desc} meets, or null. */
    Rule find(String owner, String name, String desc) {
        Rule r = byMember.get(owner + "." + name + desc);
        if (r == null && !name.equals("<init>")) {
            r = anyOwner.get(name + desc);
        }
        return r;
    }

    /** Whether an app's call of the member never runs the JDK's code as it is. */
    static boolean divertsCall(Rule r) {
        return switch (r.action()) {
            case Rule.Redirect x -> true;
            case Rule.Factory x -> true;
            case Rule.Substitute x -> true;
            case Rule.Observe x -> true;
            case Rule.ReflectiveInvoke x -> true;
            case Rule.Checked x -> true;
            case Rule.DefineBridge x -> true;
            case Rule.Extend x -> false;
        };
    }

    /** Whether the app's version still needs the member's own permission (its files, its network). */
    static boolean policed(Rule r) {
        String target = switch (r.action()) {
            case Rule.Redirect x -> x.targetOwner();
            case Rule.Factory x -> x.targetOwner();
            default -> null;
        };
        return target != null && Rules.isPoliced(target);
    }

    /** Where the rule sends the app, for reports: {@code VirtualFiles.newFileInputStream}. */
    static String describe(Rule r) {
        return switch (r.action()) {
            case Rule.Redirect x -> "redirected to " + simple(x.targetOwner()) + "." + x.targetName();
            case Rule.Factory x -> "made by " + simple(x.targetOwner()) + "." + x.targetName();
            case Rule.Substitute x -> "substituted by " + simple(x.targetOwner()) + "." + x.targetName();
            case Rule.Observe x -> "observed by " + simple(x.targetOwner()) + "." + x.targetName();
            case Rule.ReflectiveInvoke x -> "checked by " + simple(x.targetOwner()) + "." + x.targetName();
            case Rule.Checked x -> "checked by " + simple(x.targetOwner()) + "." + x.targetName();
            case Rule.DefineBridge x -> "rewritten by " + simple(x.targetOwner());
            case Rule.Extend x -> "given the app's executor";
        };
    }

    private static String simple(String internal) {
        return internal.substring(internal.lastIndexOf('/') + 1);
    }

    List<Rule> all() {
        return List.copyOf(byMember.values());
    }
}
