package org.medshare.enclave.keyrelease;

import java.security.GeneralSecurityException;
import java.util.Optional;
import org.medshare.abe.UserKey;
import org.medshare.enclave.EnclaveContext;
import org.medshare.enclave.EnclaveService;
import org.medshare.enclave.EnclaveServiceException;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;

/**
 * Enclave service {@code keyrequester}: installs a {@link KeyRelease} the host relays from the
 * key authority. The user key is unwrapped with this enclave's attested X25519 key and kept in
 * enclave memory under its query id ({@link #releasedKey}); the host receives only the KEY_ISSUED
 * record. Request: bytes KeyRelease. Response: the record's canonical bytes.
 */
public final class KeyRequesterService implements EnclaveService {
    public static final String NAME = "keyrequester";
    static final String ATTACHMENT_PREFIX = "abe.userkey:";
    static final String RECORD_PREFIX = "abe.userkey-record:";

    @Override
    public String name() {
        return NAME;
    }

    /** The KEY_ISSUED record of the key installed for {@code queryId} (its approval hash), if any. */
    public static Optional<KeyReleaseRecord> releasedRecord(EnclaveContext ctx, String queryId) {
        return ctx.attachment(RECORD_PREFIX + queryId, KeyReleaseRecord.class);
    }

    /** The user key released to this enclave for {@code queryId}, if any (for in-enclave code). */
    public static Optional<UserKey> releasedKey(EnclaveContext ctx, String queryId) {
        return ctx.attachment(ATTACHMENT_PREFIX + queryId, UserKey.class);
    }

    @Override
    public byte[] call(byte[] request, EnclaveContext ctx) throws EnclaveServiceException {
        try {
            WireReader r = new WireReader(request);
            KeyRelease release = KeyRelease.parse(r.bytes());
            r.expectEnd();
            UserKey key = KeyAuthority.unwrap(ctx, release);
            ctx.attach(RECORD_PREFIX + release.record().queryId(), release.record());
            ctx.attach(ATTACHMENT_PREFIX + release.record().queryId(), key);
            return release.record().toBytes();
        } catch (KeyReleaseException e) {
            throw new EnclaveServiceException("KEY_RELEASE_" + e.reason().name(), e.getMessage());
        } catch (MalformedEncodingException e) {
            throw new EnclaveServiceException("BAD_REQUEST", e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new EnclaveServiceException(
                    "KEY_RELEASE_UNWRAP_FAILED", "released key does not open for this enclave");
        }
    }
}
