/**
 * The untrusted host side of the simulated enclaves; not measured into any MRENCLAVE.
 *
 * <p>{@link org.medshare.enclave.host.EnclaveHost} launches an enclave in its own JVM, provisions
 * its platform certificate, attests it and calls its services over the length-prefixed protocol;
 * a failed call is an {@link org.medshare.enclave.host.EnclaveCallException}.
 * {@link org.medshare.enclave.host.EmbeddedEnclaves} starts the key authority and the statistics
 * worker for the service; {@link org.medshare.enclave.host.KeyAuthorityClient} asks the authority to
 * release a query's key to an attested worker; {@link org.medshare.enclave.host.AuthorityTrust} is
 * the file that says which authority a client trusts.
 */
package org.medshare.enclave.host;
