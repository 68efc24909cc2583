package org.medshare.enclave;

/**
 * A service that runs inside the enclave and that the host may call by name through the
 * protocol's CALL message (for example the statistics engine). Implementations are found with
 * {@link java.util.ServiceLoader} in the enclave process, so their classes are part of the
 * measured code set when they live in the enclave's packages.
 *
 * <p>Requirements: {@link #name()} is stable and unique; {@link #call} validates its request
 * completely, returns only what the host may see (never record plaintext or keys), and reports
 * refusals by throwing {@link EnclaveServiceException} whose message is safe to show.
 */
public interface EnclaveService {
    /** Service name used in CALL messages, e.g. {@code stats.run}. */
    String name();

    /** Handles one request; runs on the enclave's single request thread. */
    byte[] call(byte[] request, EnclaveContext context) throws EnclaveServiceException;
}
