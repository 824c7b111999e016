package io.vaas;

import io.vaas.route.PathPattern;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathPatternTest {

    @Test
    void matchesLiteralsAndParameters() {
        PathPattern p = PathPattern.compile("/users/{id}/orders/{order}");
        assertThat(p.match("/users/7/orders/x%20y")).isEqualTo(Map.of("id", "7", "order", "x y"));
        assertThat(p.match("/users/7/orders/")).isNull();
        assertThat(p.match("/users/7/orders")).isNull();
        assertThat(p.match("/users/7/orders/1/more")).isNull();
        assertThat(PathPattern.compile("/").match("/")).isEqualTo(Map.of());
        assertThat(PathPattern.compile("/a/b").match("/a/b/")).isEqualTo(Map.of());
        assertThat(PathPattern.compile("/a/{x}").match("/a/%E2%82%AC+%zz")).isEqualTo(Map.of("x", "€+%zz"));
    }

    @Test
    void literalsAreComparedOnTheDecodedNormalizedPath() {
        PathPattern cafe = PathPattern.compile("/menu/café/{item}");
        assertThat(cafe.match("/menu/caf%C3%A9/tea")).isEqualTo(Map.of("item", "tea"));
        assertThat(cafe.match("/menu/café/tea")).isEqualTo(Map.of("item", "tea"));
        assertThat(cafe.match("/menu/cafe%CC%81/tea")).isEqualTo(Map.of("item", "tea")); // e + combining acute
        assertThat(cafe.match("/menu/caf%c3%a9/tea")).isEqualTo(Map.of("item", "tea"));
        assertThat(cafe.match("/menu/cafe/tea")).isNull();
        assertThat(PathPattern.compile("/caf%C3%A9").match("/café")).isEqualTo(Map.of());
        assertThat(PathPattern.compile("/a b").match("/a%20b")).isEqualTo(Map.of());
        // A decoded slash stays inside its segment: it never makes two segments out of one.
        assertThat(PathPattern.compile("/a/b").match("/a%2Fb")).isNull();
        assertThat(PathPattern.compile("/menu/café").sameShapeAs(PathPattern.compile("/menu/caf%C3%A9"))).isTrue();
    }

    @Test
    void aTrailingWildcardTakesTheRestOfThePath() {
        PathPattern files = PathPattern.compile("/files/{path*}");
        assertThat(files.match("/files/a/b%20c.txt")).isEqualTo(Map.of("path", "a/b c.txt"));
        assertThat(files.match("/files")).isEqualTo(Map.of("path", ""));
        assertThat(files.match("/other/a")).isNull();
        assertThat(PathPattern.compile("/u/{id}/*").match("/u/7/x/y")).isEqualTo(Map.of("id", "7", "*", "x/y"));
        assertThat(files.wildcard()).isTrue();
        assertThat(files.sameShapeAs(PathPattern.compile("/files/{other*}"))).isTrue();
        assertThat(files.sameShapeAs(PathPattern.compile("/files/{one}"))).isFalse();
        assertThatThrownBy(() -> PathPattern.compile("/a/{rest*}/b")).hasMessageContaining("must be the last segment");
        assertThatThrownBy(() -> PathPattern.compile("/a/{x}/{x*}")).hasMessageContaining("twice");
    }

    @Test
    void shapesDecideClashes() {
        assertThat(PathPattern.compile("/a/{x}").sameShapeAs(PathPattern.compile("/a/{y}"))).isTrue();
        assertThat(PathPattern.compile("/a/{x}").sameShapeAs(PathPattern.compile("/a/b"))).isFalse();
        assertThat(PathPattern.compile("/a/b").literalCount()).isEqualTo(2);
    }

    @Test
    void badPatternsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> PathPattern.compile("nope")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> PathPattern.compile("/a//b")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> PathPattern.compile("/a/{1x}")).hasMessageContaining("Java identifier");
        assertThatThrownBy(() -> PathPattern.compile("/a/{x}/{x}")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PathPattern.compile("/a/x{y}")).hasMessageContaining("whole segment");
    }
}
