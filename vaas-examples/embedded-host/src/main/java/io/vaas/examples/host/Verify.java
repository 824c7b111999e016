package io.vaas.examples.host;

import io.vaas.AppLoadException;
import io.vaas.AppSpec;
import io.vaas.Vaas;
import io.vaas.policy.VerifyReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an app folder or jar against the permission policy and prints the report: every reference to a JDK member
 * its permissions do not allow, with class, method, line and the permission that would allow it.
 *
 * <pre>
 * mvn -q -DskipTests package
 * java -cp "vaas-examples/embedded-host/target/classes:$(cat vaas-examples/embedded-host/target/classpath.txt)" \
 *     io.vaas.examples.host.Verify vaas-examples/target/apps/guava-modern-app.jar [--permit files:read,net:connect] [--json]
 * </pre>
 *
 * Exit status: 0 when nothing is denied, 1 when something is, 2 when the app cannot be read.
 */
public final class Verify {

    private Verify() {
    }

    public static void main(String[] args) {
        Path app = null;
        List<String> permits = new ArrayList<>();
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--permit" -> {
                    if (i + 1 >= args.length) {
                        usage("--permit needs a comma-separated list of permissions");
                    }
                    permits.addAll(List.of(args[++i].split(",")));
                }
                default -> {
                    if (app != null || args[i].startsWith("--")) {
                        usage("unexpected argument " + args[i]);
                    }
                    app = Path.of(args[i]);
                }
            }
        }
        if (app == null) {
            usage("name an app folder or jar");
        }
        try (Vaas vaas = Vaas.builder().build()) {
            VerifyReport report = vaas.verify(AppSpec.of(app).permit(permits.toArray(String[]::new)));
            System.out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
            System.exit(report.clean() ? 0 : 1);
        } catch (AppLoadException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: Verify <app folder or jar> [--permit perm1,perm2] [--json]");
        System.exit(2);
    }
}
