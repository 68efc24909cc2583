/**
 * The command line's side of the key authority that the service hosts in an enclave: {@link
 * org.medshare.client.authority.TrustedAuthority} accepts public parameters or a user key relayed by the service
 * only with a fresh quote for the command's own nonce that satisfies the trust file ({@code authority.trust},
 * handed over out of band) and with the attested enclave's signature; {@code medshare authority key} obtains a
 * clinician's ABE user key, wrapped to a key pair made in the command and written owner-only.
 */
package org.medshare.client.authority;
