/**
 * The insurer statistics engine that runs inside the worker enclave ({@code enclave-sim/QUERY.md}).
 *
 * <ul>
 *   <li>Templates: {@link org.medshare.enclave.stats.QueryTemplate} (the value), read by
 *       {@code TemplateReader} and {@code AggregateReader}; its aggregate is one record of the sealed
 *       {@link org.medshare.enclave.stats.AggregateSpec}; group-by {@link
 *       org.medshare.enclave.stats.Dimension}s; requests' parameters checked by {@code ParameterCheck};
 *       approval state in {@link org.medshare.enclave.stats.TemplateRegistry}.
 *   <li>Requests: {@link org.medshare.enclave.stats.QueryRequest}.
 *   <li>The kernel: {@link org.medshare.enclave.stats.RowAggregator} reads decrypted rows in place, with
 *       the compiled filter ({@code RowFilter}), the group index ({@code GroupIndex}) and the distinct
 *       patients per group ({@code GroupPatients}).
 *   <li>Release: {@link org.medshare.enclave.stats.StatisticsEngine} admits records (consent, data-use
 *       rules), runs the kernel, suppresses small and isolating groups ({@link
 *       org.medshare.enclave.stats.DifferencingGuard}), charges ε ({@link
 *       org.medshare.enclave.stats.PrivacyBudget}) and adds discrete noise ({@link
 *       org.medshare.enclave.stats.DiscreteSamplers}) into a {@link
 *       org.medshare.enclave.stats.StatisticsResult}.
 *   <li>Accuracy: every noisy value is released with its mechanism, noise scale and 95% confidence interval
 *       ({@link org.medshare.enclave.stats.ValueAccuracy}); the half-widths and the intervals of means and
 *       variances derived from noisy parts are {@link org.medshare.enclave.stats.Accuracy}'s.
 * </ul>
 *
 * <p>Every refusal is a {@link org.medshare.enclave.stats.QueryRefusedException} whose reason is
 * machine-readable.
 */
package org.medshare.enclave.stats;
