package org.medshare.enclave.keyrelease;

import java.security.GeneralSecurityException;
import java.time.Clock;
import org.medshare.abe.Suite;
import org.medshare.enclave.EnclaveContext;
import org.medshare.enclave.EnclaveService;
import org.medshare.enclave.EnclaveServiceException;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.enclave.seal.SealingException;

/**
 * Enclave service {@code keyauthority}: the host's interface to the {@link KeyAuthority}. Request
 * = u8 operation + operands:
 *
 * <pre>
 *   1 SETUP   u8 suite id            → bytes public parameters, bytes sealed master key
 *   2 LOAD    bytes sealed master key → bytes public parameters
 *   3 NONCE                          → bytes nonce
 *   4 RELEASE bytes KeyReleaseRequest → bytes KeyRelease
 *   5 PARAMS                         → bytes public parameters
 *   6 ATTESTED_PARAMS bytes verifier nonce → bytes evidence, bytes public parameters,
 *                                     bytes Ed25519 signature (see {@link KeyAuthority#PARAMS_SIGNATURE_DOMAIN})
 *   7 RESEAL                         → bytes master key sealed under this enclave's SVN
 *   8 ISSUE_USER_KEY bytes UserKeyGrant, bytes client nonce, bytes LedgerProof of the grant's KEY_ISSUED
 *                                   → bytes evidence for the nonce,
 *                                     bytes {@link UserKeyIssue} (key wrapped to the clinician's X25519 key)
 *   9 EPOCH  bytes LedgerProof of an EPOCH_RAISED event → utf8 the authority's current attribute epoch
 *                                   ({@link KeyAuthority#observeEpoch})
 * </pre>
 *
 * Refusals come back as ERROR frames with codes {@code KEY_RELEASE_<REASON>}, {@code
 * NOT_CONFIGURED}, {@code SEALING} or {@code BAD_REQUEST}.
 */
public final class KeyAuthorityService implements EnclaveService {
    public static final String NAME = "keyauthority";
    public static final int SETUP = 1;
    public static final int LOAD = 2;
    public static final int NONCE = 3;
    public static final int RELEASE = 4;
    public static final int PARAMS = 5;
    public static final int ATTESTED_PARAMS = 6;
    public static final int RESEAL = 7;
    public static final int ISSUE_USER_KEY = 8;
    public static final int EPOCH = 9;

    private final Clock clock;
    private KeyAuthority authority;

    public KeyAuthorityService(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    private KeyAuthority authority(EnclaveContext ctx) throws EnclaveServiceException {
        if (authority == null) {
            try {
                authority = KeyAuthority.fromConfig(ctx, clock);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new EnclaveServiceException(
                        "NOT_CONFIGURED", "this enclave is not configured as key authority: " + e.getMessage());
            }
        }
        return authority;
    }

    @Override
    public byte[] call(byte[] request, EnclaveContext ctx) throws EnclaveServiceException {
        try {
            WireReader r = new WireReader(request);
            int op = r.u8();
            KeyAuthority ka = authority(ctx);
            byte[] out;
            switch (op) {
                case SETUP -> {
                    Suite suite = Suite.fromId(r.u8());
                    r.expectEnd();
                    KeyAuthority.Setup s = ka.setup(suite);
                    out = new WireWriter()
                            .bytes(s.publicParameters().toBytes())
                            .bytes(s.sealedMasterKey())
                            .toByteArray();
                }
                case LOAD -> {
                    byte[] sealed = r.bytes();
                    r.expectEnd();
                    out = new WireWriter().bytes(ka.load(sealed).toBytes()).toByteArray();
                }
                case NONCE -> {
                    r.expectEnd();
                    out = new WireWriter().bytes(ka.newNonce()).toByteArray();
                }
                case RELEASE -> {
                    byte[] req = r.bytes();
                    r.expectEnd();
                    out = ka.release(KeyReleaseRequest.parse(req)).toBytes();
                }
                case PARAMS -> {
                    r.expectEnd();
                    out = new WireWriter()
                            .bytes(ka.publicParameters().toBytes())
                            .toByteArray();
                }
                case ATTESTED_PARAMS -> {
                    byte[] nonce = r.bytes();
                    r.expectEnd();
                    byte[] pp = ka.publicParameters().toBytes();
                    out = new WireWriter()
                            .bytes(ctx.attest(nonce).toBytes())
                            .bytes(pp)
                            .bytes(ctx.sign(KeyAuthority.paramsSigningInput(pp)))
                            .toByteArray();
                }
                case ISSUE_USER_KEY -> {
                    byte[] grant = r.bytes();
                    byte[] nonce = r.bytes();
                    byte[] logged = r.bytes();
                    r.expectEnd();
                    UserKeyIssue issue = ka.issueUserKey(UserKeyGrant.parse(grant), LedgerProof.parse(logged));
                    out = new WireWriter()
                            .bytes(ctx.attest(nonce).toBytes())
                            .bytes(issue.toBytes())
                            .toByteArray();
                }
                case EPOCH -> {
                    byte[] raised = r.bytes();
                    r.expectEnd();
                    out = new WireWriter()
                            .utf8(ka.observeEpoch(LedgerProof.parse(raised)))
                            .toByteArray();
                }
                case RESEAL -> {
                    r.expectEnd();
                    out = new WireWriter().bytes(ka.reseal()).toByteArray();
                }
                default -> throw new EnclaveServiceException("BAD_REQUEST", "unknown key authority operation " + op);
            }
            return out;
        } catch (KeyReleaseException e) {
            throw new EnclaveServiceException("KEY_RELEASE_" + e.reason().name(), e.getMessage());
        } catch (AttestationException e) {
            throw new EnclaveServiceException("KEY_RELEASE_ATTESTATION_REFUSED", e.getMessage());
        } catch (MalformedEncodingException e) {
            throw new EnclaveServiceException("BAD_REQUEST", e.getMessage());
        } catch (SealingException e) {
            throw new EnclaveServiceException("SEALING", e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new EnclaveServiceException("BAD_REQUEST", "key authority request refused: " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new EnclaveServiceException("BAD_REQUEST", e.getMessage());
        }
    }
}
