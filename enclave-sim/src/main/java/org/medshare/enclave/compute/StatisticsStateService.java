package org.medshare.enclave.compute;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.enclave.EnclaveContext;
import org.medshare.enclave.EnclaveService;
import org.medshare.enclave.EnclaveServiceException;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.seal.SealPolicy;
import org.medshare.enclave.stats.DifferencingGuard;

/**
 * Enclave service {@value #NAME}: lets the untrusted host keep the worker's privacy memory across restarts without
 * reading it. {@code EXPORT} (request {@code u8 1}) returns the {@link StatisticsService}'s state — the approvals
 * already run, the ε this enclave counted per insurer and the differencing guard's memory — sealed under the
 * MRENCLAVE policy (only this exact worker code on this platform can open it; an upgraded worker starts afresh).
 * {@code IMPORT} (request {@code u8 2, bytes sealed}) reads such a blob back into a worker that has not run a query
 * yet ({@code STATE_IN_USE} otherwise); a blob that does not unseal or parse is refused ({@code STATE_INVALID}) and
 * changes nothing.
 *
 * <p>Not protected: rollback. The host may import an older blob, or none, and the worker cannot tell (a real TEE
 * would use a monotonic counter or check the count of COMPUTE events on the ledger); the service's ledger-backed
 * budget is unaffected.
 */
public final class StatisticsStateService implements EnclaveService {
    public static final String NAME = "enclave.statistics-state";
    public static final byte EXPORT = 1;
    public static final byte IMPORT = 2;
    private static final byte[] AAD = "medshare.statistics-state.v1".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] call(byte[] request, EnclaveContext ctx) throws EnclaveServiceException {
        StatisticsService.State state = StatisticsService.state(ctx);
        synchronized (state) {
            if (request.length == 1 && request[0] == EXPORT) {
                return export(state, ctx);
            }
            if (request.length > 1 && request[0] == IMPORT) {
                importState(state, ctx, request);
                return new byte[0];
            }
        }
        throw new EnclaveServiceException("BAD_REQUEST", "expected EXPORT or IMPORT");
    }

    private static byte[] export(StatisticsService.State state, EnclaveContext ctx) throws EnclaveServiceException {
        WireWriter w = new WireWriter().u8(1).i32(state.usedApprovals.size());
        new TreeSet<>(state.usedApprovals).forEach(w::utf8);
        Map<String, Long> spent = state.budget.spentByInsurer();
        w.i32(spent.size());
        spent.forEach((insurer, micros) -> w.utf8(insurer).i64(micros));
        state.engine.guard().writeTo(w);
        try {
            return ctx.sealing().seal(SealPolicy.MRENCLAVE, w.toByteArray(), AAD);
        } catch (GeneralSecurityException e) {
            throw new EnclaveServiceException("STATE_INVALID", "the state could not be sealed");
        }
    }

    private static void importState(StatisticsService.State state, EnclaveContext ctx, byte[] request)
            throws EnclaveServiceException {
        if (!state.usedApprovals.isEmpty()) {
            throw new EnclaveServiceException("STATE_IN_USE", "this worker has run queries; it keeps its own state");
        }
        try {
            WireReader outer = new WireReader(request);
            outer.u8();
            byte[] sealed = outer.bytes();
            outer.expectEnd();
            WireReader r = WireReader.versioned(ctx.sealing().unseal(sealed, AAD), 1, "statistics state");
            int approvals = r.i32();
            if (approvals < 0 || approvals > r.remaining()) {
                throw new MalformedEncodingException("statistics state: bad count");
            }
            TreeSet<String> used = new TreeSet<>();
            for (int i = 0; i < approvals; i++) {
                used.add(r.utf8());
            }
            int insurers = r.i32();
            if (insurers < 0 || insurers > r.remaining()) {
                throw new MalformedEncodingException("statistics state: bad count");
            }
            Map<String, Long> spent = new TreeMap<>();
            for (int i = 0; i < insurers; i++) {
                spent.put(r.utf8(), r.i64());
            }
            DifferencingGuard staged = new DifferencingGuard(2);
            staged.readFrom(r);
            r.expectEnd();
            state.engine.guard().readFrom(new WireReader(stagedBytes(staged)));
            spent.forEach(state.budget::restoreSpent);
            state.usedApprovals.addAll(used);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new EnclaveServiceException("STATE_INVALID", "the sealed statistics state is not this worker's");
        }
    }

    private static byte[] stagedBytes(DifferencingGuard staged) {
        WireWriter w = new WireWriter();
        staged.writeTo(w);
        return w.toByteArray();
    }
}
