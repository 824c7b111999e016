package io.vaas.virtual;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverAction;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An app's own {@code DriverManager} registry: drivers it registers (or that its {@code META-INF/services} lists)
 * are visible to it alone, and deregistered when it unloads.
 */
final class AppDrivers {

    private static final Logger LOG = LoggerFactory.getLogger(AppDrivers.class);

    private record Registered(Driver driver, DriverAction action) {
    }

    private final AppContext context;
    private final CopyOnWriteArrayList<Registered> drivers = new CopyOnWriteArrayList<>();
    private volatile boolean servicesLoaded;
    /** {@code DriverManager.setLoginTimeout} as this app set it: the JVM's setting is every app's. */
    private volatile int loginTimeoutSeconds;
    /** {@code DriverManager.setLogWriter} as this app set it; null for none. */
    private volatile java.io.PrintWriter logWriter;

    /** This app's JDBC login timeout, in seconds (0: none). */
    int loginTimeout() {
        return loginTimeoutSeconds;
    }

    void loginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    /** This app's JDBC log writer, or null. */
    java.io.PrintWriter logWriter() {
        return logWriter;
    }

    void logWriter(java.io.PrintWriter writer) {
        this.logWriter = writer;
    }

    AppDrivers(AppContext context) {
        this.context = context;
    }

    void register(Driver driver, DriverAction action) {
        if (driver == null) {
            throw new NullPointerException();
        }
        if (drivers.stream().noneMatch(r -> r.driver() == driver)) {
            drivers.add(new Registered(driver, action));
        }
    }

    void deregister(Driver driver) {
        for (Registered r : drivers) {
            if (r.driver() == driver) {
                drivers.remove(r);
                if (r.action() != null) {
                    r.action().deregister();
                }
            }
        }
    }

    List<Driver> drivers() {
        loadServices();
        return drivers.stream().map(Registered::driver).toList();
    }

    Driver driverFor(String url) throws SQLException {
        for (Driver d : drivers()) {
            if (d.acceptsURL(url)) {
                return d;
            }
        }
        throw new SQLException("No suitable driver for " + url + " in app '" + context.app()
                + "' (apps see only the drivers they bundle)", "08001");
    }

    Connection connect(String url, Properties info) throws SQLException {
        if (url == null) {
            throw new SQLException("The url cannot be null", "08001");
        }
        SQLException reason = null;
        for (Driver d : drivers()) {
            try {
                Connection c = d.connect(url, info);
                if (c != null) {
                    return c;
                }
            } catch (SQLException e) {
                if (reason == null) {
                    reason = e;
                }
            }
        }
        if (reason != null) {
            throw reason;
        }
        throw new SQLException("No suitable driver found for " + url + " in app '" + context.app()
                + "' (apps see only the drivers they bundle)", "08001");
    }

    /** As the JDK's DriverManager does on first use: instantiate the drivers the app's service files list. */
    private void loadServices() {
        if (servicesLoaded) {
            return;
        }
        synchronized (this) {
            if (servicesLoaded) {
                return;
            }
            servicesLoaded = true;
            ClassLoader loader = context.loader();
            if (loader == null) {
                return;
            }
            Iterator<Driver> it = ServiceLoader.load(Driver.class, loader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    it.next();
                } catch (ServiceConfigurationError e) {
                    LOG.warn("app '{}': a JDBC driver listed in META-INF/services failed to load: {}", context.app(),
                            e.toString());
                }
            }
        }
    }

    void deregisterAll() {
        for (Registered r : drivers) {
            deregister(r.driver());
        }
    }
}
