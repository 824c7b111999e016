package io.vaas.examples.libraries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableSortedMap;
import com.google.common.hash.Hashing;
import io.vaas.api.HttpParams;
import io.vaas.api.ServerType;
import io.vaas.api.VaasServer;
import org.apache.commons.lang3.StringUtils;
import org.apache.commons.lang3.text.WordUtils;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three popular libraries, bundled by the app itself, at work under the default policy ({@code core} only): the
 * app's own Jackson (not the host's), Guava and commons-lang3.
 */
public class Libraries {

    private final ObjectMapper json = new ObjectMapper();

    /** A record the app's Jackson reads and writes. */
    public record Order(String item, int qty, List<String> tags) {
    }

    /** Parses an order with the app's own Jackson and describes it with Guava and commons-lang3. */
    @VaasServer(type = ServerType.HTTP, method = "POST", route = "/orders")
    public Map<String, Object> order(HttpParams p) throws Exception {
        Order order = json.readValue(p.req().bodyText(), Order.class);
        JsonNode tree = json.readTree(p.req().bodyText());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("item", StringUtils.capitalize(order.item()));
        out.put("title", WordUtils.capitalizeFully(StringUtils.join(order.tags(), ' ')));
        out.put("fields", ImmutableSortedMap.copyOf(Map.of("count", tree.size())).toString());
        out.put("sha256", Hashing.sha256().hashString(order.item(), StandardCharsets.UTF_8).toString().substring(0, 12));
        out.put("echo", json.writeValueAsString(order));
        out.put("jacksonFrom", ObjectMapper.class.getClassLoader().getName());
        return out;
    }

    /** Splits a text with Guava and abbreviates each part with commons-lang3. */
    @VaasServer(type = ServerType.RPC)
    public List<String> split(String text) {
        return Splitter.on(',').trimResults().omitEmptyStrings().splitToStream(text)
                .map(s -> StringUtils.abbreviate(s, 6)).toList();
    }
}
