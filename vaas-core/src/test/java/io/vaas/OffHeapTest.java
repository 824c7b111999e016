package io.vaas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Direct buffers count against the app's off-heap budget ({@code limits.maxDirectMb}, 64 MiB by default), however the
 * app reaches {@code allocateDirect}; buffers it drops return to the budget once collected; foreign memory stays
 * denied ({@code native}). The neighbour is served throughout.
 */
class OffHeapTest {

    static final GuestApp OFF_HEAP = GuestApp.named("offheap").source("o.OffHeap", """
            package o;
            import io.vaas.api.*;
            import java.nio.ByteBuffer;
            import java.util.*;
            import java.util.function.IntFunction;
            public class OffHeap {
                static final List<ByteBuffer> held = new ArrayList<>();
                static String attempt(java.util.concurrent.Callable<Object> a) {
                    try {
                        Object r = a.call();
                        return "allocated: " + (r instanceof ByteBuffer b ? b.capacity() : r);
                    } catch (OutOfMemoryError e) {
                        return "refused: " + e.getMessage();
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        return "refused: " + e.getCause().getMessage();
                    } catch (SecurityException e) {
                        return "denied: " + e.getMessage();
                    } catch (Throwable t) {
                        return "failed: " + t;
                    }
                }
                @VaasServer(type = ServerType.RPC) public String hold(int mb) {
                    return attempt(() -> { ByteBuffer b = ByteBuffer.allocateDirect(mb << 20); held.add(b); return b; });
                }
                @VaasServer(type = ServerType.RPC) public int drop() {
                    int n = held.size();
                    held.clear();
                    return n;
                }
                @VaasServer(type = ServerType.RPC) public String attack(String how) {
                    return switch (how) {
                        case "direct" -> attempt(() -> ByteBuffer.allocateDirect(100 << 20));
                        case "reflection" -> attempt(() -> ByteBuffer.class.getMethod("allocateDirect", int.class)
                                .invoke(null, 100 << 20));
                        case "methodReference" -> attempt(() -> {
                            IntFunction<ByteBuffer> make = ByteBuffer::allocateDirect;
                            return make.apply(100 << 20);
                        });
                        case "manySmall" -> attempt(() -> {
                            List<ByteBuffer> mine = new ArrayList<>();
                            while (true) { mine.add(ByteBuffer.allocateDirect(1 << 20)); held.add(mine.getLast()); }
                        });
                        case "foreign" -> attempt(() -> java.lang.foreign.Arena.global().allocate(100 << 20));
                        default -> "unknown " + how;
                    };
                }
            }
            """);

    static Vaas deploy(Path dir, String config) {
        return Vaas.builder().deploy(AppSpec.of(OFF_HEAP.writeJar(dir.resolve("offheap.jar"))).config(config),
                AppSpec.of(BadInputTest.NEIGHBOUR.writeJar(dir.resolve("neighbour.jar")))).build();
    }

    @Test
    void directBuffersOverTheBudgetAreRefusedHoweverTheyAreReached(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{\"limits\": {\"maxDirectMb\": 32}}")) {
            for (String how : new String[] {"direct", "reflection", "methodReference", "manySmall"}) {
                assertThat(vaas.rpc("offheap.attack", how)).as(how).asString()
                        .startsWith("refused: app 'offheap' route 'attack': ByteBuffer.allocateDirect(")
                        .contains("over its limits.maxDirectMb of 32 MiB");
                assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
            }
            assertThat(vaas.instance("offheap").context().directMemory().used()).isLessThanOrEqualTo(32L << 20);
        }
    }

    @Test
    void buffersTheAppDropsReturnToItsBudget(@TempDir Path dir) throws Exception {
        try (Vaas vaas = deploy(dir, "{\"limits\": {\"maxDirectMb\": 32}}")) {
            assertThat(vaas.rpc("offheap.hold", 20)).isEqualTo("allocated: " + (20 << 20));
            assertThat(vaas.rpc("offheap.hold", 20)).asString().contains("would take its direct memory to 40 MiB, "
                    + "over its limits.maxDirectMb of 32 MiB (it holds 20 MiB");
            assertThat(vaas.rpc("offheap.drop")).isEqualTo(1);
            long deadline = System.nanoTime() + 20_000_000_000L;
            Object again;
            do {
                System.gc();
                Thread.sleep(50);
                again = vaas.rpc("offheap.hold", 20);
            } while (!again.toString().startsWith("allocated") && System.nanoTime() < deadline);
            assertThat(again).isEqualTo("allocated: " + (20 << 20));
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }

    @Test
    void theDefaultBudgetIsSmallAndForeignMemoryStaysDenied(@TempDir Path dir) {
        try (Vaas vaas = deploy(dir, "{}")) {
            assertThat(vaas.rpc("offheap.attack", "direct")).asString()
                    .contains("over its limits.maxDirectMb of 64 MiB");
            assertThat(vaas.rpc("offheap.attack", "foreign")).asString().startsWith("denied: ")
                    .contains("app 'offheap'").contains("'native'");
            assertThat(vaas.rpc("neighbour.ping")).isEqualTo("pong");
        }
    }
}
