package io.vaas.policy.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * For every node of a finished {@link CallGraph}, which sink categories it reaches and one shortest path to each:
 * a breadth-first search backwards from the sinks of each category.
 */
final class SinkPaths {

    private final CallGraph graph;
    private final Map<Category, int[]> next = new EnumMap<>(Category.class);

    SinkPaths(CallGraph graph) {
        this.graph = graph;
        int n = graph.size();
        int[] inDegree = new int[n + 1];
        for (int i = 0; i < n; i++) {
            for (int t : graph.successors(i)) {
                inDegree[t + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            inDegree[i + 1] += inDegree[i];
        }
        int[] start = inDegree;
        int[] fill = Arrays.copyOf(start, n);
        int[] preds = new int[start[n]];
        for (int i = 0; i < n; i++) {
            for (int t : graph.successors(i)) {
                preds[fill[t]++] = i;
            }
        }
        Category[] sinkOf = new Category[n];
        for (int i = 0; i < n; i++) {
            sinkOf[i] = graph.sink(graph.node(i));
        }
        for (Category c : Category.values()) {
            int[] nx = new int[n];
            Arrays.fill(nx, -2);
            int[] queue = new int[n];
            int head = 0;
            int tail = 0;
            for (int i = 0; i < n; i++) {
                if (sinkOf[i] == c) {
                    nx[i] = -1;
                    queue[tail++] = i;
                }
            }
            while (head < tail) {
                int v = queue[head++];
                for (int p = start[v]; p < start[v + 1]; p++) {
                    int u = preds[p];
                    // Paths go through sinks of no category: a sink ends the way.
                    if (nx[u] == -2 && sinkOf[u] == null) {
                        nx[u] = v;
                        queue[tail++] = u;
                    }
                }
            }
            next.put(c, nx);
        }
    }

    /** The categories {@code node} reaches, each with one shortest path (the node first, the sink last). */
    Map<Category, List<CallGraph.Node>> from(int node) {
        Map<Category, List<CallGraph.Node>> out = new EnumMap<>(Category.class);
        for (Map.Entry<Category, int[]> e : next.entrySet()) {
            int[] nx = e.getValue();
            if (nx[node] == -2) {
                continue;
            }
            List<CallGraph.Node> path = new ArrayList<>();
            for (int v = node; v >= 0; v = nx[v]) {
                path.add(graph.node(v));
            }
            out.put(e.getKey(), path);
        }
        return out;
    }
}
