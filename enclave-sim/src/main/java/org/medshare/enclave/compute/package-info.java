/**
 * The bridge that runs the insurer statistics engine inside the attested worker enclave, the
 * computing step of the query flow (insurer request, regulator approval, enclave computation,
 * settlement). SIMULATED like the rest of enclave-sim.
 *
 * <p>Flow: the regulator signs the {@link org.medshare.enclave.compute.ApprovedQuery#contentHash content hash}
 * of the template and request it read in a {@link org.medshare.enclave.keyrelease.QueryApproval} with its own
 * key; the approval workflow builds an {@link org.medshare.enclave.compute.ApprovedQuery} (that template and
 * request, admitted hospitals, revoked records, remaining ε); {@code KeyAuthorityClient.releaseTo(worker,
 * approval, approvalLogged)} installs the query's ABE key in the worker once the authority has checked that the
 * query's QUERY_APPROVED event is under a final ledger checkpoint; {@link
 * org.medshare.enclave.compute.StatisticsClient#start} relays the approved query, the approval and the
 * candidate records' ids to the {@link org.medshare.enclave.compute.StatisticsService} in the worker,
 * which re-checks everything (the host is untrusted) and answers the records it admits; their encrypted rows follow
 * in batches, whose data keys it opens and whose rows it aggregates as they arrive; the finish runs the release and
 * returns a {@link org.medshare.enclave.compute.ComputeResult} signed with its attested key; the
 * caller verifies it against the worker's verified quote.
 *
 * <p>{@code StatisticsService} runs in the enclave; {@code StatisticsClient}, {@code
 * InputRecord}, {@code ApprovedQuery}, {@code ComputeRequest} and {@code ComputeResult} are plain
 * values and host-side code (they are in the measured package too, which is harmless: measuring
 * more code only makes MRENCLAVE stricter).
 */
package org.medshare.enclave.compute;
