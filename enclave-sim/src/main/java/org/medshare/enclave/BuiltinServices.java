package org.medshare.enclave;

import java.time.Clock;
import java.util.List;
import org.medshare.enclave.keyrelease.KeyAuthorityService;
import org.medshare.enclave.keyrelease.KeyRequesterService;

/** The services every enclave hosts, besides those found through ServiceLoader. */
final class BuiltinServices {
    private BuiltinServices() {}

    static List<EnclaveService> create() {
        return List.of(new IdentityService(), new KeyAuthorityService(Clock.systemUTC()), new KeyRequesterService());
    }

    /** {@code enclave.identity}: returns the encoded {@link EnclaveIdentity} (empty request). */
    static final class IdentityService implements EnclaveService {
        @Override
        public String name() {
            return "enclave.identity";
        }

        @Override
        public byte[] call(byte[] request, EnclaveContext context) throws EnclaveServiceException {
            if (request.length != 0) {
                throw new EnclaveServiceException("BAD_REQUEST", "enclave.identity takes an empty request");
            }
            return context.identity().toBytes();
        }
    }
}
