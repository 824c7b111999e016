package io.vaas.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method of a guest app as a route.
 *
 * <p>The method takes at most one parameter. For an {@link ServerType#HTTP HTTP} route that parameter is an
 * {@link HttpParams} or {@link HttpRequest} (to read method, path, path parameters, query, headers and body), or any
 * other type, which is bound from the JSON request body. For an {@link ServerType#RPC RPC} route it is bound from the
 * caller's JSON-like argument (maps, lists, strings, numbers, booleans). The return value becomes the response: an
 * {@link HttpResponse} as it is, a {@code String} as text, a {@code byte[]} as bytes, {@code void}/{@code null} as
 * "no content", anything else as JSON.
 *
 * <pre>{@code
 * public class Hello {
 *     @VaasServer(type = ServerType.HTTP, method = "GET", route = "/hello/{name}")
 *     public Map<String, String> hello(HttpParams p) {
 *         return Map.of("hello", p.req().params().get("name"));
 *     }
 *
 *     @VaasServer(type = ServerType.RPC)
 *     public int add(AddArgs args) { return args.a() + args.b(); }
 * }
 * }</pre>
 *
 * <p>The class holding routes needs a public no-argument constructor (one instance is made per loaded app) unless all
 * its routes are static.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface VaasServer {

    /** How the route is reached; HTTP unless said otherwise. */
    ServerType type() default ServerType.HTTP;

    /**
     * The HTTP method this route answers ({@code GET}, {@code POST}, …, case-insensitive), or {@code "*"} for any.
     * Ignored for RPC routes.
     */
    String method() default "*";

    /**
     * For HTTP routes, the path pattern: literal segments and {@code {name}} segments that capture one path segment
     * into {@link HttpRequest#params()}; empty means {@code "/<methodName>"}. For RPC routes, the name callers use
     * after the app name ({@code "app.<route>"}); empty means the method name.
     */
    String route() default "";
}
