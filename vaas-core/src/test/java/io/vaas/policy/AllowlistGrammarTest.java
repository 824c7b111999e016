package io.vaas.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The allowlist grammar names classes, never packages; the standard lists are read once per JVM. */
class AllowlistGrammarTest {

    @Test
    void aPackageLineIsRefusedWithTheWayOut() {
        assertThatThrownBy(() -> new AllowlistParser().parse("host/mine.txt", "permission mine\npackage java.util\n"))
                .isInstanceOf(AllowlistException.class)
                .hasMessageContaining("host/mine.txt:2")
                .hasMessageContaining("name classes, not packages")
                .hasMessageContaining("class <name>");
        assertThatThrownBy(() -> new AllowlistParser().parse("host/tree.txt", "permission mine\npackage java.time.**\n"))
                .hasMessageContaining("host/tree.txt:2");
    }

    @Test
    void aClassNotListedIsNotAllowedEvenNextToListedOnes() {
        Permission p = new AllowlistParser().parse("a.txt", """
                permission mine
                class java.util.ArrayList
                class java.util.Map only
                  + get(java.lang.Object)
                """).permissions().get("mine");
        assertThat(p.allows("java/util/ArrayList", "add", "(Ljava/lang/Object;)Z", false)).isTrue();
        assertThat(p.allows("java/util/LinkedList", "add", "(Ljava/lang/Object;)Z", false)).isFalse();
        assertThat(p.allows("java/util/Map", "put", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", false))
                .isFalse();
        assertThat(p.allowsWhole("java/util/ArrayList")).isTrue();
        assertThat(p.allowsWhole("java/util/Map")).isFalse();
    }

    @Test
    void theStandardListsAreParsedOncePerJvmAndNameNoPackages() {
        assertThat(PolicyLibrary.standard()).isSameAs(PolicyLibrary.standard());
        Policy core = PolicyLibrary.standard().policy(List.of());
        assertThat(core.granted()).isEmpty();
        // The derived core allows computation and names its way out for the rest.
        Policy granted = PolicyLibrary.standard().policy(List.of("core"));
        assertThat(granted.deniedBy("java/util/HashMap", "put",
                "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", false)).isNull();
        assertThat(granted.deniedBy("java/util/spi/ToolProvider", "findFirst",
                "(Ljava/lang/String;)Ljava/util/Optional;", false)).isEmpty();
        assertThat(granted.deniedBy("java/lang/ProcessBuilder", "start", "()Ljava/lang/Process;", false))
                .containsExactly("process");
    }

    @Test
    void onlyNamesAnAppSubclassCouldInheritDeniedAreFollowedUpItsHierarchy() {
        Policy core = PolicyLibrary.standard().policy(List.of("core"));
        // ProxySelector is abstract with a public constructor: MyProxySelector.setDefault(...) reaches the JVM's.
        assertThat(core.isSensitiveName("setDefault")).isTrue();
        // URL and SocketPermission are final, ProcessHandle declares equals abstract, URLStreamHandler cannot be
        // extended under core: an app's own equals never resolves to one of theirs, so it stays cacheable by content.
        assertThat(core.isSensitiveName("equals")).isFalse();
        assertThat(core.isSensitiveName("hashCode")).isFalse();
        assertThat(core.isSensitiveName("toString")).isFalse();
    }
}
