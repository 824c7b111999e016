package io.vaas;

import io.vaas.hostapi.Greeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Host services: objects the host hands apps, typed by interfaces of packages it exports, and nothing more. */
class HostServicesTest {

    static final GuestApp CLIENT = GuestApp.named("client").source("c.Client", """
            package c;
            import io.vaas.api.*;
            import io.vaas.hostapi.Greeter;
            public class Client {
                @VaasServer(type = ServerType.RPC) public String greet(String name) {
                    return Services.get(Greeter.class).greet(name);
                }
                @VaasServer(type = ServerType.RPC) public boolean has() {
                    return Services.find(Greeter.class).isPresent();
                }
                @VaasServer(type = ServerType.RPC) public String internal() {
                    try {
                        Class.forName("io.vaas.hostapi.internal.Internal");
                        return "loaded";
                    } catch (ClassNotFoundException e) {
                        return "CNFE";
                    }
                }
            }
            """);

    @Test
    void appsGetTheServicesTheHostHandsThem(@TempDir Path dir) {
        Path jar = CLIENT.writeJar(dir.resolve("client.jar"));
        Greeter hostWide = name -> "hello " + name;
        Greeter special = name -> "welcome back, " + name;
        try (Vaas vaas = Vaas.builder().exportPackages("io.vaas.hostapi").service(Greeter.class, hostWide).build()) {
            vaas.deploy(AppSpec.of(jar));
            vaas.deploy(AppSpec.of("vip", jar).service(Greeter.class, special));
            assertThat(vaas.rpc("client.greet", "ann")).isEqualTo("hello ann");
            assertThat(vaas.rpc("vip.greet", "bob")).isEqualTo("welcome back, bob");
            // Only the exported package is visible, not its neighbours.
            assertThat(vaas.rpc("client.internal")).isEqualTo("CNFE");
        }
    }

    @Test
    void anAppWithoutTheServiceGetsAClearError(@TempDir Path dir) {
        Path jar = CLIENT.writeJar(dir.resolve("client.jar"));
        try (Vaas vaas = Vaas.builder().exportPackages("io.vaas.hostapi").build()) {
            vaas.deploy(AppSpec.of(jar));
            assertThat(vaas.rpc("client.has")).isEqualTo(false);
            assertThatThrownBy(() -> vaas.rpc("client.greet", "ann"))
                    .hasMessageContaining("app 'client' asked for service io.vaas.hostapi.Greeter")
                    .hasMessageContaining("provides none");
        }
        // Without the export the app cannot even resolve the type.
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(jar));
            assertThatThrownBy(() -> vaas.rpc("client.greet", "ann"))
                    .isInstanceOf(VaasCallException.class).hasMessageContaining("NoClassDefFoundError")
                    .hasMessageContaining("io/vaas/hostapi/Greeter");
        }
    }

    static final GuestApp CLOCKED = GuestApp.named("clocked").source("t.T", """
            package t;
            import io.vaas.api.*;
            import java.util.*;
            import java.util.function.*;
            public class T {
                @VaasServer(type = ServerType.RPC) public List<Long> now() {
                    LongSupplier ref = System::currentTimeMillis;
                    return List.of(System.currentTimeMillis(), ref.getAsLong(), (long) new Random().nextInt());
                }
            }
            """);

    @Test
    void hostsSubstituteMembersForTheirApps(@TempDir Path dir) throws Exception {
        Path jar = CLOCKED.writeJar(dir.resolve("clocked.jar"));
        try (Vaas vaas = Vaas.builder().exportPackages("io.vaas.hostapi")
                .substitute(System.class.getMethod("currentTimeMillis"),
                        io.vaas.hostapi.FixedTime.class.getMethod("currentTimeMillis"))
                .substitute(java.util.Random.class, io.vaas.hostapi.FixedTime.class)
                .build()) {
            vaas.deploy(AppSpec.of(jar));
            assertThat(vaas.rpc("clocked.now")).isEqualTo(java.util.List.of(42L, 42L, 4L));
            assertThat(System.currentTimeMillis()).isGreaterThan(42L);
        }
        try (Vaas vaas = Vaas.builder().build()) {
            vaas.deploy(AppSpec.of(jar));
            assertThat((java.util.List<?>) vaas.rpc("clocked.now")).first().isNotEqualTo(42L);
        }
        assertThatThrownBy(() -> Vaas.builder().substitute(System.class.getMethod("currentTimeMillis"),
                io.vaas.hostapi.FixedTime.class.getMethod("currentTimeMillis")).build())
                .hasMessageContaining("not exported to apps");
        assertThatThrownBy(() -> Vaas.builder().exportPackages("io.vaas.hostapi")
                .substitute(System.class.getMethod("nanoTime"), io.vaas.hostapi.FixedTime.class.getMethod("nextInt",
                        java.util.Random.class)).build())
                .hasMessageContaining("must take []");
    }

    @Test
    void aSubstitutionCanBeForOneAppOnly(@TempDir Path dir) throws Exception {
        Path jar = CLOCKED.writeJar(dir.resolve("clocked.jar"));
        try (Vaas vaas = Vaas.builder().exportPackages("io.vaas.hostapi").build()) {
            vaas.deploy(AppSpec.of("frozen", jar).substitute(System.class.getMethod("currentTimeMillis"),
                    io.vaas.hostapi.FixedTime.class.getMethod("currentTimeMillis")));
            vaas.deploy(AppSpec.of(jar));
            assertThat(((java.util.List<?>) vaas.rpc("frozen.now")).subList(0, 2)).isEqualTo(java.util.List.of(42L, 42L));
            assertThat((java.util.List<?>) vaas.rpc("clocked.now")).first().isNotEqualTo(42L);
            // Checked at deploy, naming the app.
            assertThatThrownBy(() -> vaas.deploy(AppSpec.of("odd", jar).substitute(System.class.getMethod("nanoTime"),
                    io.vaas.hostapi.FixedTime.class.getMethod("nextInt", java.util.Random.class))))
                    .isInstanceOf(AppLoadException.class).hasMessageContaining("app 'odd'")
                    .hasMessageContaining("substitute: ");
        }
    }

    @Test
    void servicesMustBeExportedInterfaces() {
        Greeter g = name -> name;
        assertThatThrownBy(() -> Vaas.builder().service(Greeter.class, g).build())
                .hasMessageContaining("not exported to apps").hasMessageContaining("exportPackages(\"io.vaas.hostapi\")");
        assertThatThrownBy(() -> Vaas.builder().exportPackages("io.vaas").service(Runnable.class, () -> { }).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Vaas.builder().exportPackages("java.util").build())
                .hasMessageContaining("is the JDK's");
    }
}
