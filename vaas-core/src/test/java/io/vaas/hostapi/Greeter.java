package io.vaas.hostapi;

/** A service interface a test host exports to its apps. */
public interface Greeter {

    /** A greeting for {@code name}. */
    String greet(String name);
}
