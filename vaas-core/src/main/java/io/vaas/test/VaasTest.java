package io.vaas.test;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tests a guest app in isolation, loaded exactly as production loads it: from its build output folder (or a jar),
 * in its own class loader, through a fresh container for every test.
 *
 * <p>Test methods, constructors and lifecycle methods may take an {@link io.vaas.AppHandle} (the app under test) or
 * the {@link io.vaas.Vaas} container (to deploy more apps next to it).
 *
 * <pre>{@code
 * @VaasTest(env = "GREETING=hi")
 * class HelloTest {
 *     @Test
 *     void adds(AppHandle app) {
 *         assertEquals(3, app.rpc("add", Map.of("a", 1, "b", 2)));
 *     }
 *
 *     @Test
 *     @VaasTest(config = "{\"workers\": 1}")   // on a method, replaces the class's settings for that test
 *     void oneWorker(AppHandle app) { ... }
 * }
 * }</pre>
 *
 * <p>Needs JUnit Jupiter on the test class path ({@code vaas-core} declares it optional).
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(VaasExtension.class)
public @interface VaasTest {

    /**
     * The app under test: a folder (with {@code vaas.json}, classes and {@code lib/*.jar}) or a jar, relative to the
     * working directory. The default is Maven's build output, {@code target/classes}.
     */
    String value() default "target/classes";

    /** Deploys the app under this name instead of its {@code vaas.json} name. */
    String name() default "";

    /** Environment variables granted to the app, each {@code KEY=value}. */
    String[] env() default {};

    /** System properties the app sees, each {@code key=value}. */
    String[] properties() default {};

    /** Permission groups granted on top of those the app asks for. */
    String[] permissions() default {};

    /** A JSON object merged over the app's {@code vaas.json}, such as {@code {"timeoutMs": 500}}. */
    String config() default "";
}
