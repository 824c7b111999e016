package io.vaas;

import io.vaas.config.AppConfigReader;
import io.vaas.config.ConfigOverrides;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** vaas.json: defaults, overrides, and errors that say file, line and column. */
class ConfigTest {

    static AppConfig read(String json) {
        return AppConfigReader.read(json.getBytes(StandardCharsets.UTF_8), "apps/x/vaas.json", ConfigOverrides.NONE);
    }

    @Test
    void fullDescriptorIsRead() {
        AppConfig c = read("""
                {
                  // comments are allowed
                  "name": "hello", "version": "1.0.0", "entry": "com.example.Hello",
                  "workers": 8, "timeoutMs": 3000, "idleUnloadMs": 60000,
                  "env": { "GREETING": "hi" }, "properties": { "mode": "prod" },
                  "permissions": ["files:read"], "limits": { "cpuMsPerCall": 1000, "allocMbPerCall": 256, "maxThreads": 8 },
                  "hosts": ["hello.example.com"]
                }
                """);
        assertThat(c.name()).isEqualTo("hello");
        assertThat(c.entry()).containsExactly("com.example.Hello");
        assertThat(c.workers()).isEqualTo(8);
        assertThat(c.env()).containsEntry("GREETING", "hi");
        assertThat(c.limits()).isEqualTo(new Limits(1000L, 256L, 8, null));
        assertThat(c.hosts()).containsExactly("hello.example.com");
    }

    @Test
    void absentKeysTakeDefaults() {
        AppConfig c = read("{\"name\": \"tiny\"}");
        assertThat(c.version()).isEqualTo("0.0.0");
        assertThat(c.entry()).isEmpty();
        assertThat(c.workers()).isEqualTo(4);
        assertThat(c.timeoutMs()).isEqualTo(30_000);
        assertThat(c.idleUnloadMs()).isZero();
        assertThat(c.limits()).isEqualTo(Limits.HOST_DEFAULTS);
    }

    @Test
    void unknownKeysAreAllNamedWithTheirPositions() {
        assertThatThrownBy(() -> read("""
                {
                  "name": "hello",
                  "workerz": 4,
                  "limits": { "cpuMs": 5 }
                }
                """))
                .isInstanceOf(AppLoadException.class)
                .hasMessageContaining("apps/x/vaas.json")
                .hasMessageContaining("'workerz' (line 3, column 3)")
                .hasMessageContaining("'limits.cpuMs' (line 4, column 15)")
                .hasMessageContaining("Known keys");
    }

    @Test
    void aMistypedKeyGetsTheKeyItMostLikelyMeant() {
        assertThatThrownBy(() -> read("""
                {"name": "hello", "timeOutMS": 100, "limits": {"maxThread": 4}, "zzzzzzzz": 1}
                """))
                .isInstanceOf(AppLoadException.class)
                .hasMessageContaining("'timeOutMS' (line 1, column 19), did you mean 'timeoutMs'?")
                .hasMessageContaining("'limits.maxThread' (line 1, column 48), did you mean 'maxThreads'?")
                .hasMessageNotContaining("'zzzzzzzz' (line 1, column 64), did you mean");
    }

    @Test
    void malformedJsonSaysLineAndColumn() {
        assertThatThrownBy(() -> read("{\n  \"name\": \"hello\",\n  \"workers\" 4\n}"))
                .isInstanceOf(AppLoadException.class)
                .hasMessageContaining("apps/x/vaas.json")
                .hasMessageContaining("malformed JSON at line 3, column");
        assertThatThrownBy(() -> read("{\"name\": \"a\", \"name\": \"b\"}"))
                .hasMessageContaining("Duplicate field 'name'");
    }

    @Test
    void wrongTypesAndValuesNameTheKey() {
        assertThatThrownBy(() -> read("{\"name\": \"hello\",\n \"workers\": \"four\"}"))
                .hasMessageContaining("line 2").hasMessageContaining("'workers' has the wrong type");
        assertThatThrownBy(() -> read("{\"name\": \"hello\", \"workers\": 0}"))
                .hasMessageContaining("app 'hello'").hasMessageContaining("\"workers\" must be between 1 and 1024");
        assertThatThrownBy(() -> read("{\"name\": \"Hello World\"}"))
                .hasMessageContaining("\"name\" must be");
        assertThatThrownBy(() -> read("{\"version\": \"1\"}"))
                .hasMessageContaining("\"name\" is missing");
        assertThatThrownBy(() -> read("{\"name\": \"a\", \"permissions\": [\"files read\"]}"))
                .hasMessageContaining("permission \"files read\"");
        assertThatThrownBy(() -> read("{\"name\": \"a\", \"limits\": {\"maxThreads\": -1}}"))
                .hasMessageContaining("\"limits.maxThreads\" must be positive");
        assertThatThrownBy(() -> read("[1, 2]")).isInstanceOf(AppLoadException.class);
    }

    @Test
    void hostOverridesApplyOnTop() {
        ConfigOverrides o = new ConfigOverrides("renamed", "{\"workers\": 2, \"env\": {\"B\": \"2\"}}",
                Map.of("C", "3"), Map.of("p", "v"), List.of("net:connect"));
        AppConfig c = AppConfigReader.read("{\"name\": \"x\", \"env\": {\"A\": \"1\"}, \"permissions\": [\"files:read\"]}"
                .getBytes(StandardCharsets.UTF_8), "vaas.json", o);
        assertThat(c.name()).isEqualTo("renamed");
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.env()).isEqualTo(Map.of("A", "1", "B", "2", "C", "3"));
        assertThat(c.properties()).isEqualTo(Map.of("p", "v"));
        assertThat(c.permissions()).containsExactly("files:read", "net:connect");

        assertThatThrownBy(() -> AppConfigReader.read(null, "memory", new ConfigOverrides("x", "{\"wrkrs\": 1}",
                Map.of(), Map.of(), List.of())))
                .hasMessageContaining("the host's config overrides").hasMessageContaining("'wrkrs'");
    }

    @Test
    void noDescriptorNeedsANameFromTheHost() {
        assertThat(AppConfigReader.read(null, "memory", new ConfigOverrides("gen", null, Map.of(), Map.of(), List.of()))
                .name()).isEqualTo("gen");
        assertThatThrownBy(() -> AppConfigReader.read(null, "apps/x/vaas.json", ConfigOverrides.NONE))
                .hasMessageContaining("there is no vaas.json").hasMessageContaining("AppSpec.of(name, path)");
    }
}
