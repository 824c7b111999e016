package io.vaas;

import io.vaas.policy.Policy;
import io.vaas.policy.PolicyLibrary;
import io.vaas.rewrite.Rule;
import io.vaas.rewrite.Rules;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of the limits block (allocations, direct memory, thread factories) keep or replace calls without asking
 * the policy again: every member they name must be one {@code core} allows, or a rule would open it.
 */
class LimitsRulesTest {

    static final Set<String> TARGETS = Set.of("io/vaas/virtual/VirtualAllocations", "io/vaas/virtual/ArgumentStash",
            "io/vaas/virtual/VirtualThreadFactories");

    static boolean ofTheLimitsBlock(Rule r) {
        return switch (r.action()) {
            case Rule.Redirect red -> TARGETS.contains(red.targetOwner());
            case Rule.Extend ext -> ext.pushes().stream().anyMatch(p -> p instanceof Rule.PushHelper h
                    && TARGETS.contains(h.targetOwner()));
            default -> false;
        };
    }

    @Test
    void everyMemberTheLimitsRulesNameIsOneCoreAllows() {
        Policy core = PolicyLibrary.standard().policy(Set.of("core"));
        List<Rule> rules = Rules.standard().all().stream().filter(LimitsRulesTest::ofTheLimitsBlock).toList();
        assertThat(rules).hasSizeGreaterThan(150);
        for (Rule r : rules) {
            assertThat(core.deniedBy(r.owner(), r.name(), r.desc(), false)).as(r.owner() + "." + r.name() + r.desc())
                    .isNull();
        }
    }
}
