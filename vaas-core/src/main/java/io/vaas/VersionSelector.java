package io.vaas;

import io.vaas.api.HttpRequest;

import java.util.Map;

/**
 * The host's choice of version for a call to an app deployed in several versions (see {@link Vaas#deployVersion}):
 * by user, tenant, region… Asked only when the caller pinned none; answering null leaves the choice to the weights.
 *
 * <pre>{@code
 * Vaas.builder().versionSelector((app, versions, request) ->
 *         request != null && "beta".equals(request.header("x-channel")) ? "2.0" : null)
 * }</pre>
 */
@FunctionalInterface
public interface VersionSelector {

    /**
     * @param app      the app called
     * @param versions its versions and their weights
     * @param request  the HTTP request, or null for an RPC call
     * @return the version to call, one of {@code versions}, or null for a choice by weight
     */
    String select(String app, Map<String, Integer> versions, HttpRequest request);
}
