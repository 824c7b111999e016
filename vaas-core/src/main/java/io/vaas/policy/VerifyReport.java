package io.vaas.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an app's code uses of the JDK that its permissions do not allow: every denied reference with its class,
 * method, line, the API and the permission that would allow it. As text for people, as JSON for tools.
 *
 * @param app        the app's name
 * @param location   where its code came from
 * @param granted    the permissions it holds
 * @param classes    how many classes were checked
 * @param violations the denied references
 */
public record VerifyReport(String app, String location, List<String> granted, int classes, List<Violation> violations) {

    /** Copies the lists. */
    public VerifyReport {
        granted = List.copyOf(granted);
        violations = List.copyOf(violations);
    }

    /** Whether nothing is denied. */
    public boolean clean() {
        return violations.isEmpty();
    }

    /** The permissions that would allow denied references, with how many each would allow. */
    public Map<String, Integer> wouldNeed() {
        Map<String, Integer> out = new TreeMap<>();
        for (Violation v : violations) {
            for (String p : v.allowedBy()) {
                out.merge(p, 1, Integer::sum);
            }
        }
        return out;
    }

    /** A one-line summary. */
    public String summary() {
        if (clean()) {
            return "app '" + app + "': " + classes + " classes checked against " + granted + ", nothing denied";
        }
        long inClasses = violations.stream().map(Violation::className).distinct().count();
        return "app '" + app + "': " + violations.size() + " reference(s) in " + inClasses + " of " + classes
                + " classes use JDK members its permissions " + granted + " do not allow; each throws "
                + "PolicyDenial when reached" + (wouldNeed().isEmpty() ? "" : "; permissions that would allow "
                + "some: " + wouldNeed());
    }

    /** The whole report as text: the summary, then one line per denied reference. */
    public String toText() {
        StringBuilder sb = new StringBuilder(summary()).append('\n');
        for (Violation v : violations) {
            sb.append("  ").append(v.describe()).append('\n');
        }
        return sb.toString();
    }

    /** The whole report as JSON. */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", app);
        out.put("location", location);
        out.put("granted", granted);
        out.put("classes", classes);
        out.put("denied", violations.stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", v.className());
            m.put("method", v.method());
            m.put("line", v.line());
            m.put("api", v.api());
            m.put("allowedBy", v.allowedBy());
            return m;
        }).toList());
        out.put("wouldNeed", wouldNeed());
        try {
            return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
