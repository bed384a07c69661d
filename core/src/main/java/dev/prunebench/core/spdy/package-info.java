/**
 * SPDY (Frantar &amp; Alistarh, ICML 2022): per-layer sparsity, and here also per-layer format, chosen by a dynamic
 * program over a per-layer latency table under a speedup target.
 *
 * <ul>
 *   <li>{@link dev.prunebench.core.spdy.LatencyTable}: per layer, seconds at each (format, level); read and written in
 *       SPDY's text format by {@link dev.prunebench.core.spdy.SpdyFiles}.</li>
 *   <li>{@link dev.prunebench.core.spdy.ErrorTable}: per layer, format and level, the error the DP minimises.</li>
 *   <li>{@link dev.prunebench.core.spdy.SpdyDp}: the DP itself on plain arrays (buckets, rounding, backtracking).</li>
 *   <li>{@link dev.prunebench.core.spdy.Spdy}: a table, the layers kept dense and an accounting turned into a DP, a
 *       profile and its predicted speedup.</li>
 * </ul>
 * Pure algorithm: no measurement here (latency and error databases are collected in {@code models}/{@code experiments}).
 */
package dev.prunebench.core.spdy;
