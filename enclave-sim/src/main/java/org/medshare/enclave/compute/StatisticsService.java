package org.medshare.enclave.compute;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import javax.crypto.SecretKey;
import org.medshare.abe.UserKey;
import org.medshare.enclave.EnclaveConfig;
import org.medshare.enclave.EnclaveContext;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.EnclaveService;
import org.medshare.enclave.EnclaveServiceException;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.keyrelease.KeyReleaseException;
import org.medshare.enclave.keyrelease.KeyReleaseRecord;
import org.medshare.enclave.keyrelease.KeyRequesterService;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.stats.CandidateRecord;
import org.medshare.enclave.stats.ConsentRegistry;
import org.medshare.enclave.stats.DataUseRules;
import org.medshare.enclave.stats.EncryptedRecord;
import org.medshare.enclave.stats.PrivacyBudget;
import org.medshare.enclave.stats.QueryRefusedException;
import org.medshare.enclave.stats.QueryRequest;
import org.medshare.enclave.stats.QueryTemplate;
import org.medshare.enclave.stats.StatisticsEngine;
import org.medshare.enclave.stats.StatisticsResult;
import org.medshare.enclave.stats.TemplateRegistry;

/**
 * Enclave service {@value #NAME}: runs one approved insurer query with the {@link
 * StatisticsEngine} inside the worker enclave (the computing step of the query flow) and returns a {@link
 * ComputeResult} signed with the enclave's attested key. A run has three requests ({@link ComputeRequest}): its start
 * makes every check below and answers the ids of the records the engine admits, in the order it takes them; batches
 * of those records' encrypted rows follow, each decrypted and aggregated at once and then dropped; its finish
 * releases and signs the result. The approval's hash names the run; a batch or finish for no started run is refused
 * ({@code NO_RUN}), a refusal ends the run, and at most {@value #MAX_RUNS} runs are kept (a ninth start drops the
 * oldest).
 *
 * <p>The host is untrusted, so before any record is touched the service checks, each with its own
 * refusal code:
 *
 * <ol>
 *   <li>the {@link QueryApproval}'s content hash is the {@link ApprovedQuery#contentHash()} of the
 *       relayed template and request ({@code APPROVAL_MISMATCH});
 *   <li>the approval's Ed25519 signature verifies and it has not expired ({@code
 *       APPROVAL_SIGNATURE}, {@code APPROVAL_EXPIRED}); if the enclave's measured configuration
 *       lists approvers ({@value #APPROVERS}), the signer is one of them ({@code
 *       APPROVAL_UNTRUSTED_APPROVER});
 *   <li>an ABE user key was released to this enclave for the approval's query id ({@code NO_KEY})
 *       and for exactly this approval ({@code KEY_FOR_OTHER_APPROVAL}): the key authority verified
 *       the approval against its trusted approvers before issuing, and the approval hash is bound
 *       into the wrapped key's authenticated data, so the host cannot pair a key with another
 *       approval;
 *   <li>the approval has not run here before ({@code APPROVAL_REPLAYED}); the request names the
 *       approved template ({@code APPROVAL_MISMATCH}); its ε fits the approved remaining budget
 *       ({@code QUERY_REFUSED_BUDGET_EXHAUSTED}).
 * </ol>
 *
 * Then the engine enforces the rest (QUERY.md): only the approved template runs, only records of
 * permitted hospitals whose consent is not revoked and whose patients' consent provisions do not deny the
 * query ({@link ApprovedQuery#consentDeniedRecords()}; the worker drops them itself, whatever the host sends)
 * are decrypted (each data key is opened with
 * the released ABE key, so the records' policies are enforced cryptographically as well), the approved query's
 * hospital disclosure limits apply ({@link ApprovedQuery#disclosure()}), groups
 * under k distinct patients are suppressed, the per-insurer differencing memory and ε budget of
 * this enclave apply. Engine refusals come back as {@code QUERY_REFUSED_<reason>}; a record whose
 * bytes or ciphertext were altered is refused as {@code QUERY_REFUSED_INPUT_INVALID}.
 *
 * <p>Record plaintext, data keys and the user key never leave the enclave; the response carries
 * only the released aggregates and ids/hashes; nothing is logged.
 *
 * <p>Measured configuration of the worker (all optional): {@value #APPROVERS} (comma-separated hex
 * SHA-256 of approver SPKIs, {@link QueryApproval#keyIdOf}), {@value #MIN_GROUP_SIZE} (k, default
 * {@value StatisticsEngine#DEFAULT_MIN_GROUP_SIZE}), {@value #EPSILON_PER_INSURER} (ε this enclave
 * instance lets one insurer spend over its lifetime, default 10; the ledger-backed remaining budget
 * in each approval applies in addition).
 *
 * <p>State kept for the enclave's lifetime in enclave memory: approved templates, revocations, the
 * differencing memory, ε spent, and the approvals already run. The last three survive a restart when the host
 * keeps them sealed ({@link StatisticsStateService}); rollback to an older sealed copy is not detected (a
 * simulation limit; SGX would need monotonic counters or the ledger). Calls are serialised.
 */
public final class StatisticsService implements EnclaveService {
    public static final String NAME = "enclave.statistics";
    public static final String APPROVERS = "statistics.approvers";
    public static final String MIN_GROUP_SIZE = "statistics.min-group-size";
    public static final String EPSILON_PER_INSURER = "statistics.epsilon-per-insurer";
    static final String STATE = "compute.statistics-state";
    /** Runs kept at once; a host that starts more drops the oldest, which it must start again. */
    public static final int MAX_RUNS = 8;

    private final Clock clock;

    /** Used by {@link java.util.ServiceLoader} in the enclave process. */
    public StatisticsService() {
        this(Clock.systemUTC());
    }

    public StatisticsService(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** A started run: what its batches and its finish need. */
    private record Run(QueryApproval approval, ApprovedQuery query, UserKey key, StatisticsEngine.QueryRun engine) {}

    /** Per-enclave engine and memory, created from the measured configuration on first use. */
    static final class State {
        final TemplateRegistry templates;
        final DataUseRules dataUse = new DataUseRules();
        final ConsentRegistry consent = new ConsentRegistry();
        final PrivacyBudget budget;
        final StatisticsEngine engine;
        final Set<String> approvers;
        final Set<String> usedApprovals = new HashSet<>();
        /** Started runs by approval hash, the oldest dropped beyond {@value #MAX_RUNS}. */
        final Map<String, Run> runs = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Run> eldest) {
                return size() > MAX_RUNS;
            }
        };

        State(EnclaveConfig config) {
            Map<String, String> s = config.settings();
            int k = Integer.parseInt(
                    s.getOrDefault(MIN_GROUP_SIZE, Integer.toString(StatisticsEngine.DEFAULT_MIN_GROUP_SIZE)));
            templates = new TemplateRegistry(k);
            budget = new PrivacyBudget(Double.parseDouble(s.getOrDefault(EPSILON_PER_INSURER, "10")));
            engine = new StatisticsEngine(templates, dataUse, consent, budget, new SecureRandom(), k);
            Set<String> a = new HashSet<>();
            for (String id : s.getOrDefault(APPROVERS, "").split(",")) {
                if (!id.isBlank()) {
                    a.add(Hex.of(Hex.parse(id.trim())));
                }
            }
            approvers = Set.copyOf(a);
        }
    }

    static State state(EnclaveContext ctx) throws EnclaveServiceException {
        Optional<State> s = ctx.attachment(STATE, State.class);
        if (s.isPresent()) {
            return s.get();
        }
        State created;
        try {
            created = new State(ctx.config());
        } catch (IllegalArgumentException e) {
            throw new EnclaveServiceException("NOT_CONFIGURED", "statistics settings of this enclave are invalid");
        }
        ctx.attach(STATE, created);
        return created;
    }

    @Override
    public byte[] call(byte[] request, EnclaveContext ctx) throws EnclaveServiceException {
        State state;
        synchronized (this) {
            state = state(ctx);
        }
        ComputeRequest req;
        try {
            req = ComputeRequest.parse(request);
        } catch (MalformedEncodingException e) {
            throw new EnclaveServiceException("BAD_REQUEST", e.getMessage());
        }
        synchronized (state) {
            if (req instanceof ComputeRequest.Start start) {
                return start(start, ctx, state);
            } else if (req instanceof ComputeRequest.Batch batch) {
                return add(batch, state);
            } else {
                return finish((ComputeRequest.Finish) req, ctx, state);
            }
        }
    }

    /** Checks the approval and the request, starts the engine's run and answers the admitted ids in order. */
    private byte[] start(ComputeRequest.Start req, EnclaveContext ctx, State state) throws EnclaveServiceException {
        ApprovedQuery query;
        QueryApproval approval;
        try {
            query = req.query();
            approval = req.parsedApproval();
        } catch (MalformedEncodingException e) {
            throw new EnclaveServiceException("BAD_REQUEST", e.getMessage());
        }
        if (!Arrays.equals(approval.contentHash(), query.contentHash())) {
            throw new EnclaveServiceException("APPROVAL_MISMATCH", "the approval was signed for another query");
        }
        try {
            approval.verify(
                    state.approvers.isEmpty() ? Set.of(approval.approverKeyId()) : state.approvers, clock.instant());
        } catch (KeyReleaseException e) {
            throw new EnclaveServiceException(e.reason().name(), e.getMessage());
        }
        UserKey key = KeyRequesterService.releasedKey(ctx, approval.queryId())
                .orElseThrow(() -> new EnclaveServiceException(
                        "NO_KEY", "no key was released to this enclave for query " + approval.queryId()));
        KeyReleaseRecord issued = KeyRequesterService.releasedRecord(ctx, approval.queryId())
                .orElseThrow(() -> new EnclaveServiceException(
                        "NO_KEY", "no key was released to this enclave for query " + approval.queryId()));
        if (!Arrays.equals(issued.approvalHash(), approval.hash())) {
            throw new EnclaveServiceException(
                    "KEY_FOR_OTHER_APPROVAL",
                    "the key for query " + approval.queryId() + " was released for another approval");
        }
        String approvalId = Hex.of(approval.hash());
        if (state.usedApprovals.contains(approvalId)) {
            throw new EnclaveServiceException(
                    "APPROVAL_REPLAYED", "approval for query " + approval.queryId() + " has already run");
        }
        StatisticsEngine.QueryRun run;
        try {
            QueryTemplate template = QueryTemplate.parse(query.templateJson());
            QueryRequest qr = QueryRequest.parse(query.requestJson());
            if (!qr.templateId().equals(template.id()) || qr.templateVersion() != template.version()) {
                throw new EnclaveServiceException(
                        "APPROVAL_MISMATCH", "the request names another template than the approved one");
            }
            checkApprovedBudget(qr, query);
            registerTemplate(state, template, approval.approverKeyId());
            query.revokedRecords().forEach(state.consent::revoke);
            req.lateRevocations().forEach(state.consent::revoke);
            for (int h : query.permittedHospitals()) {
                state.dataUse.allow(h, template.purpose(), template.id());
            }
            try {
                run = state.engine.start(qr, req.candidates(), query.consent(), query.disclosure());
            } finally {
                for (int h : query.permittedHospitals()) {
                    state.dataUse.disallow(h, template.purpose(), template.id());
                }
            }
        } catch (QueryRefusedException e) {
            throw refused(e);
        }
        state.runs.remove(approvalId);
        state.runs.put(approvalId, new Run(approval, query, key, run));
        List<String> admitted = run.admitted();
        WireWriter w = new WireWriter().u8(1).i32(admitted.size());
        admitted.forEach(w::utf8);
        return w.toByteArray();
    }

    /**
     * Decrypts and aggregates a batch of the run's next records; answers how many were added so far. The batch must be
     * the next admitted records in order before any data key is opened; the data keys are then opened on every core
     * (each is an ABE decapsulation, the costliest step), and the rows aggregated in order.
     */
    private static byte[] add(ComputeRequest.Batch req, State state) throws EnclaveServiceException {
        String approvalId = Hex.of(req.approvalHash());
        Run run = state.runs.get(approvalId);
        if (run == null) {
            throw new EnclaveServiceException("NO_RUN", "no query run was started here for this approval");
        }
        List<InputRecord> records = req.records();
        try {
            if (!run.engine.areNext(records.stream()
                    .map(r -> new CandidateRecord(r.recordId(), r.hospitalId()))
                    .toList())) {
                throw new QueryRefusedException(
                        QueryRefusedException.Reason.INPUT_INVALID,
                        "the batch is not the next records the run admitted, in order");
            }
            List<EncryptedRows> parsed = new ArrayList<>(records.size());
            for (InputRecord r : records) {
                try {
                    parsed.add(EncryptedRows.parse(r.encryptedRows()));
                } catch (IllegalArgumentException e) {
                    throw new QueryRefusedException(
                            QueryRefusedException.Reason.INPUT_INVALID,
                            "record " + r.recordId() + " is not valid encrypted rows");
                }
            }
            SecretKey[] keys = new SecretKey[records.size()];
            IntStream.range(0, keys.length).parallel().forEach(i -> keys[i] = openDataKey(parsed.get(i), run.key));
            for (int i = 0; i < keys.length; i++) {
                InputRecord r = records.get(i);
                SecretKey key = keys[i];
                run.engine.add(
                        new EncryptedRecord(
                                r.recordId(), r.hospitalId(), parsed.get(i).chunks()),
                        id -> {
                            if (key == null) {
                                throw new GeneralSecurityException("the record's data key cannot be opened");
                            }
                            return key;
                        });
            }
        } catch (QueryRefusedException e) {
            state.runs.remove(approvalId);
            throw refused(e);
        }
        return new WireWriter().u8(1).i32(run.engine.added()).toByteArray();
    }

    /** Releases the run's result, spends ε, remembers the approval as run, and signs. */
    private static byte[] finish(ComputeRequest.Finish req, EnclaveContext ctx, State state)
            throws EnclaveServiceException {
        String approvalId = Hex.of(req.approvalHash());
        Run run = state.runs.remove(approvalId);
        if (run == null) {
            throw new EnclaveServiceException("NO_RUN", "no query run was started here for this approval");
        }
        StatisticsResult result;
        try {
            result = run.engine.finish();
        } catch (QueryRefusedException e) {
            throw refused(e);
        }
        state.usedApprovals.add(approvalId);
        return sign(ctx, run.approval, run.query, result).toBytes();
    }

    private static EnclaveServiceException refused(QueryRefusedException e) {
        return new EnclaveServiceException("QUERY_REFUSED_" + e.reason().name(), e.getMessage());
    }

    /**
     * Opens a record's data key, or null when it cannot be opened: every failure, malformed envelopes included, is the
     * same refusal.
     */
    private static SecretKey openDataKey(EncryptedRows rows, UserKey key) {
        try {
            return rows.openDataKey(key);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static void checkApprovedBudget(QueryRequest qr, ApprovedQuery query) throws EnclaveServiceException {
        if (qr.epsilon().isEmpty()) {
            return;
        }
        long micros;
        try {
            micros = PrivacyBudget.toMicros(qr.epsilon().getAsDouble());
        } catch (IllegalArgumentException e) {
            return; // the engine refuses an invalid epsilon with EPSILON_INVALID
        }
        if (micros > query.remainingBudgetMicros()) {
            throw new EnclaveServiceException(
                    "QUERY_REFUSED_BUDGET_EXHAUSTED", "epsilon exceeds the remaining budget the approval grants");
        }
    }

    private static void registerTemplate(State state, QueryTemplate t, String approverKeyId)
            throws QueryRefusedException, EnclaveServiceException {
        Optional<TemplateRegistry.Entry> known = state.templates.get(t.id(), t.version());
        if (known.isEmpty()) {
            state.templates.submit(t);
            state.templates.approve(t.id(), t.version(), "approver:" + approverKeyId);
        } else if (!Arrays.equals(known.get().template().hash(), t.hash())) {
            throw new EnclaveServiceException(
                    "TEMPLATE_CONFLICT",
                    "template " + t.id() + " v" + t.version() + " was approved here with other content");
        }
    }

    private static ComputeResult sign(
            EnclaveContext ctx, QueryApproval approval, ApprovedQuery query, StatisticsResult result)
            throws EnclaveServiceException {
        EnclaveIdentity id = ctx.identity();
        byte[] json = result.canonicalBytes();
        byte[] statement = ComputeResult.statement(
                approval.queryId(),
                approval.hash(),
                query.queryHash(),
                id.mrenclave(),
                id.mrsigner(),
                id.productId(),
                id.svn(),
                result.resultHash());
        try {
            return new ComputeResult(
                    approval.queryId(),
                    approval.hash(),
                    query.queryHash(),
                    id.mrenclave(),
                    id.mrsigner(),
                    id.productId(),
                    id.svn(),
                    json,
                    ctx.sign(result.bytesToSign()),
                    ctx.sign(statement));
        } catch (GeneralSecurityException e) {
            throw new EnclaveServiceException("SIGNING_FAILED", "the enclave could not sign the result");
        }
    }
}
