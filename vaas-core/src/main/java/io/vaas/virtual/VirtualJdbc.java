package io.vaas.virtual;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverAction;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where rewritten app code lands for {@code DriverManager}: the app's own driver registry ({@link AppDrivers}).
 *
 * <p>Every method takes the calling class last; it names the app. Not for direct use.
 */
public final class VirtualJdbc {

    private VirtualJdbc() {
    }

    public static void registerDriver(Driver driver, Class<?> caller) {
        AppContext.of(caller).drivers().register(driver, null);
    }

    public static void registerDriver(Driver driver, DriverAction action, Class<?> caller) {
        AppContext.of(caller).drivers().register(driver, action);
    }

    public static void deregisterDriver(Driver driver, Class<?> caller) {
        if (driver != null) {
            AppContext.of(caller).drivers().deregister(driver);
        }
    }

    public static Driver getDriver(String url, Class<?> caller) throws SQLException {
        return AppContext.of(caller).drivers().driverFor(url);
    }

    public static Enumeration<Driver> getDrivers(Class<?> caller) {
        return Collections.enumeration(AppContext.of(caller).drivers().drivers());
    }

    public static Stream<Driver> drivers(Class<?> caller) {
        return AppContext.of(caller).drivers().drivers().stream();
    }

    public static Connection getConnection(String url, Class<?> caller) throws SQLException {
        return AppContext.of(caller).drivers().connect(url, new Properties());
    }

    public static Connection getConnection(String url, Properties info, Class<?> caller) throws SQLException {
        return AppContext.of(caller).drivers().connect(url, info);
    }

    public static Connection getConnection(String url, String user, String password, Class<?> caller)
            throws SQLException {
        Properties info = new Properties();
        if (user != null) {
            info.put("user", user);
        }
        if (password != null) {
            info.put("password", password);
        }
        return AppContext.of(caller).drivers().connect(url, info);
    }

    /** {@code DriverManager.setLoginTimeout}: the app's own setting; the JVM's is every app's and the host's. */
    public static void setLoginTimeout(int seconds, Class<?> caller) {
        AppContext.of(caller).drivers().loginTimeout(seconds);
    }

    public static int getLoginTimeout(Class<?> caller) {
        return AppContext.of(caller).drivers().loginTimeout();
    }

    /** {@code DriverManager.setLogWriter}: the app's own log writer, which {@link #println} writes to. */
    public static void setLogWriter(java.io.PrintWriter out, Class<?> caller) {
        AppContext.of(caller).drivers().logWriter(out);
    }

    public static java.io.PrintWriter getLogWriter(Class<?> caller) {
        return AppContext.of(caller).drivers().logWriter();
    }

    /** {@code DriverManager.setLogStream} (deprecated): the app's own log writer over {@code out}. */
    public static void setLogStream(java.io.PrintStream out, Class<?> caller) {
        AppContext.of(caller).drivers().logWriter(out == null ? null : new java.io.PrintWriter(out, true));
    }

    /** {@code DriverManager.getLogStream} (deprecated): streams set by the app are kept only as writers. */
    public static java.io.PrintStream getLogStream(Class<?> caller) {
        return null;
    }

    /** {@code DriverManager.println}: to the app's own log writer, if it set one. */
    public static void println(String message, Class<?> caller) {
        java.io.PrintWriter out = AppContext.of(caller).drivers().logWriter();
        if (out != null) {
            out.println(message);
            out.flush();
        }
    }
}
