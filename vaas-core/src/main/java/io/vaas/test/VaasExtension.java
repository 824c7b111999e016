package io.vaas.test;

import io.vaas.AppHandle;
import io.vaas.AppSpec;
import io.vaas.Vaas;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The JUnit Jupiter extension behind {@link VaasTest}: before each test it builds a container and deploys the app
 * under test; after it, it closes the container (unloading the app); it resolves {@link AppHandle} and {@link Vaas}
 * parameters.
 */
public final class VaasExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(VaasExtension.class);
    private static final String VAAS = "vaas";
    private static final String APP = "app";

    @Override
    public void beforeEach(ExtensionContext context) {
        VaasTest settings = settings(context);
        AppSpec spec = AppSpec.of(Path.of(settings.value()));
        if (!settings.name().isEmpty()) {
            spec = spec.named(settings.name());
        }
        spec = spec.env(pairs(settings.env(), "env")).properties(pairs(settings.properties(), "properties"))
                .permit(settings.permissions());
        if (!settings.config().isEmpty()) {
            spec = spec.config(settings.config());
        }
        Vaas vaas = Vaas.builder().build();
        try {
            AppHandle app = vaas.deploy(spec);
            context.getStore(NS).put(VAAS, vaas);
            context.getStore(NS).put(APP, app);
        } catch (RuntimeException e) {
            vaas.close();
            throw e;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Vaas vaas = context.getStore(NS).remove(VAAS, Vaas.class);
        context.getStore(NS).remove(APP);
        if (vaas != null) {
            vaas.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == AppHandle.class || type == Vaas.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Object value = context.getStore(NS).get(type == Vaas.class ? VAAS : APP);
        if (value == null) {
            throw new ParameterResolutionException("the app under test is deployed before each test; "
                    + type.getSimpleName() + " can be injected into test methods, @BeforeEach and @AfterEach methods only");
        }
        return value;
    }

    private static VaasTest settings(ExtensionContext context) {
        Optional<VaasTest> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, VaasTest.class));
        if (onMethod.isPresent()) {
            return onMethod.get();
        }
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            Optional<VaasTest> found = AnnotationSupport.findAnnotation(c, VaasTest.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new ExtensionConfigurationException("VaasExtension needs @VaasTest on the test class or method");
    }

    private static Map<String, String> pairs(String[] entries, String attribute) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new ExtensionConfigurationException("@VaasTest(" + attribute + ") entry '" + entry
                        + "' must be KEY=value");
            }
            out.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return out;
    }
}
