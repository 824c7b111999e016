/**
 * Runaway control: the kill switch rewritten guest code checks at method entries and loop back-edges
 * ({@link io.vaas.guard.KillSwitch}), the calls it can cancel ({@link io.vaas.guard.RunningCall}), the watchdog that
 * cancels them on their deadline, CPU or allocation budget ({@link io.vaas.guard.Watchdog}), and the error a
 * cancelled call ends with ({@link io.vaas.guard.CallCancelledError}).
 */
package io.vaas.guard;
