/**
 * The ABE key authority inside an enclave, and the release of user keys to attested enclaves.
 *
 * <p>{@link org.medshare.enclave.keyrelease.KeyAuthority} runs FAME setup, keeps the master key
 * sealed, and wraps a user key to a requesting enclave only for an attested quote that satisfies its
 * constraint and an unexpired, unused {@link org.medshare.enclave.keyrelease.QueryApproval} signed
 * by a trusted approver ({@link org.medshare.enclave.keyrelease.KeyRelease},
 * {@link org.medshare.enclave.keyrelease.KeyReleaseRecord}); clinician keys go out through
 * {@link org.medshare.enclave.keyrelease.UserKeyGrant} and
 * {@link org.medshare.enclave.keyrelease.UserKeyIssue}. Every refusal is a
 * {@link org.medshare.enclave.keyrelease.KeyReleaseException} with a reason.
 */
package org.medshare.enclave.keyrelease;
