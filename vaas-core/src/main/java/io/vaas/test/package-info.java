/**
 * Testing guest apps in isolation with JUnit Jupiter: {@link io.vaas.test.VaasTest}.
 */
package io.vaas.test;
