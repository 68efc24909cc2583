package org.medshare.service.queries.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.enclave.stats.PrivacyBudget;
import org.medshare.enclave.stats.QueryRefusedException;
import org.medshare.enclave.stats.QueryRequest;
import org.medshare.enclave.stats.QueryTemplate;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.digest.Sha256;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.queries.persistence.QueryEntity;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.queries.persistence.TemplateEntity;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Insurers' queries: a request against an approved template is checked (its parameters and ε against the
 * template), stored as submitted and announced on the ledger as QUERY_SUBMITTED; an insurer reads its own
 * queries, a regulator every query. What happens to a submitted query is {@link QueryApproval}'s.
 */
@ApplicationScoped
public class QueryService {

    /**
     * API model of a query and, once completed, its signed result.
     *
     * @param decidedBy    who approved or refused it; null while it waits
     * @param reason       the regulator's reason for a refusal, or why the enclave refused it; null otherwise
     * @param result       the enclave's result as a JSON object, groups keyed by organisation id (see
     *                     {@link ResultDocument}), each with the accuracy of its noisy values (format 3); null until
     *                     completed
     * @param signedResult the result document exactly as the enclave signed it, which {@code resultHash} and
     *                     {@code resultSignature} cover; null until completed
     * @param suppression  in words, why groups are missing from the result (null when none was suppressed)
     * @param verification what lets a reader check the result without trusting the service (see {@link
     *                     Verification}); present on a completed query read by its id or answered by its approval,
     *                     null in lists and before completion
     */
    public record QueryView(
            String queryId,
            String insurer,
            String templateId,
            int templateVersion,
            String queryHash,
            double epsilon,
            String status,
            Instant submittedAt,
            @Schema(nullable = true) String decidedBy,
            @Schema(nullable = true) String reason,

            @Schema(nullable = true, description = RESULT_DESCRIPTION)
            Map<String, Object> result,

            @Schema(nullable = true) String signedResult,
            @Schema(nullable = true) String resultHash,
            @Schema(nullable = true) String resultSignature,
            @Schema(nullable = true) String measurement,
            @Schema(nullable = true) Integer inputRecords,
            List<PaymentService.Payout> payouts,
            @Schema(nullable = true) String suppression,
            @Schema(nullable = true) Verification verification) {
        /** What the OpenAPI document says of {@code result}. */
        static final String RESULT_DESCRIPTION = "The enclave-signed result document (format 3) as an object, groups"
                + " keyed by organisation. Each group has key, values and accuracy: for every value that carries"
                + " differential-privacy noise or is computed from noisy statistics, its mechanism (discreteLaplace or"
                + " discreteGaussian) and either the noise scale, halfWidth and the 95% confidence interval [lower, upper]"
                + " (confidence 0.95), or derivedFrom with an interval derived from the noisy parts (method ="
                + " parametricBootstrap when that interval is approximate: the coefficients of a differentially private"
                + " regression), or interval = notProvided. Results stored in formats 1 and 2 have no accuracy.";

        /** The view of a query that has no result yet (or never will). */
        static QueryView of(QueryEntity q, List<PaymentService.Payout> payouts) {
            return of(q, payouts, Map.of());
        }

        /** The view of {@code q} without {@link Verification}. */
        static QueryView of(QueryEntity q, List<PaymentService.Payout> payouts, Map<Integer, String> organisations) {
            return of(q, payouts, organisations, null);
        }

        /**
         * What lets a reader check {@code q}'s result, or null when it has none recorded: the receipt is against
         * the latest checkpoint covering the COMPUTE event, as {@code GET /api/v1/audit/proofs/inclusion} gives it.
         */
        static Verification verificationOf(QueryEntity q, LedgerService ledger) {
            if (q.attestationEvidence() == null || q.computeEventIndex() == null) {
                return null;
            }
            long index = q.computeEventIndex();
            return new Verification(
                    q.attestationEvidence(),
                    q.attestationNonce(),
                    q.signingKey(),
                    q.computeResult(),
                    ledger.encodedEntry(index),
                    ledger.receiptFor(index),
                    q.approval());
        }

        /**
         * The view of {@code q}.
         *
         * @param organisations hospital number → organisation id, to key the result's groups by organisation
         */
        static QueryView of(
                QueryEntity q,
                List<PaymentService.Payout> payouts,
                Map<Integer, String> organisations,
                Verification verification) {
            return new QueryView(
                    q.id(),
                    q.insurer(),
                    q.templateId(),
                    q.templateVersion(),
                    q.queryHash(),
                    q.epsilonMicros() / (double) PrivacyBudget.MICROS,
                    q.status().name(),
                    q.submittedAt(),
                    q.decidedBy(),
                    q.reason(),
                    ResultDocument.organisationKeyed(q.resultJson(), organisations),
                    q.resultJson(),
                    q.resultHash(),
                    q.resultSignature(),
                    q.measurement(),
                    q.inputRecords(),
                    payouts,
                    SuppressionNote.of(q.resultJson()),
                    verification);
        }
    }

    /**
     * What lets a reader verify a completed query's result offline ({@code medshare query verify}): the statistics
     * worker's attestation evidence (its quote and the public keys the quote's report data binds, base64), the
     * nonce the service challenged it with (base64), the worker's result-signing key (base64 X.509
     * SubjectPublicKeyInfo, Ed25519), the enclave's signed compute result (base64; its signatures cover the result
     * and the query id), the query's COMPUTE ledger event in its canonical encoding, that event's inclusion
     * proof against a signed checkpoint, and the regulator's signed approval (base64 {@code QueryApproval}, whose
     * hash the signed compute result names; null for queries approved before approvals were kept).
     */
    public record Verification(
            String evidence,
            String nonce,
            String signingKey,
            String computeResult,
            LedgerService.EncodedEntry computeEvent,
            LedgerService.LedgerReceipt computeReceipt,
            @Schema(nullable = true) String approval) {}

    private final QueryRepository repository;
    private final TemplateService templates;
    private final LedgerService ledger;
    private final PaymentService payments;
    private final RecordService records;
    private final Clock clock = Clock.systemUTC();

    @Inject
    QueryService(
            QueryRepository repository,
            TemplateService templates,
            LedgerService ledger,
            PaymentService payments,
            RecordService records) {
        this.records = records;
        this.repository = repository;
        this.templates = templates;
        this.ledger = ledger;
        this.payments = payments;
    }

    /**
     * A request as the service accepts it for submission or preview: its insurer is the caller's organisation, its
     * template version is approved, its parameters and ε fit the template.
     *
     * @param json          the request exactly as sent
     * @param template      the approved template version it names
     * @param epsilonMicros its ε in micro-ε (0: no noise)
     */
    public record CheckedRequest(String json, QueryRequest request, TemplateEntity template, long epsilonMicros) {}

    /**
     * Checks {@code json} as a request of {@code insurer}'s organisation; nothing is stored.
     *
     * @throws RequestRefusedException when the request is malformed, names another insurer or an unapproved
     *     template version, or its parameters or ε do not fit the template
     */
    public CheckedRequest check(Caller insurer, String json) {
        QueryDocuments.requireAtMost("request", json, QueryDocuments.MAX_REQUEST_CHARS);
        QueryRequest request = QueryDocuments.request(json);
        if (!request.insurerId().equals(insurer.organisation())) {
            throw RequestRefusedException.forbidden(
                    "insurer-mismatch", "insurerId must be your organisation, " + insurer.organisation() + ".");
        }
        TemplateEntity template = templates.approvedFor(request);
        QueryTemplate parsed = QueryDocuments.template(template.json());
        checkEpsilon(parsed, request);
        try {
            parsed.checkParameters(request.parameters());
        } catch (QueryRefusedException e) {
            throw QueryDocuments.refused(e);
        }
        long micros = request.epsilon().isPresent()
                ? PrivacyBudget.toMicros(request.epsilon().getAsDouble())
                : 0;
        return new CheckedRequest(json, request, template, micros);
    }

    /** Stores {@code json} as a query of {@code insurer}'s organisation and appends QUERY_SUBMITTED. */
    public QueryView submit(Caller insurer, String json) {
        CheckedRequest checked = check(insurer, json);
        QueryRequest request = checked.request();
        long micros = checked.epsilonMicros();
        String hash = Sha256.hex(json);
        QueryEntity query = new QueryEntity(
                UUID.randomUUID().toString(),
                insurer.organisation(),
                insurer.actor(),
                request.templateId(),
                request.templateVersion(),
                json,
                hash,
                micros,
                clock.instant());
        QuarkusTransaction.requiringNew().run(() -> repository.persist(query));
        ledger.append(Event.builder(EventType.QUERY_SUBMITTED)
                .timestamp(clock.millis())
                .id(Field.ACTOR, insurer.organisation())
                .id(Field.QUERY_ID, query.id())
                .hash(Field.QUERY_HASH, HexFormat.of().parseHex(hash))
                .build());
        return QueryView.of(query, List.of());
    }

    /** A query visible to the caller (its own for an insurer, any for a regulator) with its payouts. */
    public QueryView get(Caller caller, String queryId) {
        QueryEntity query = QuarkusTransaction.requiringNew()
                .call(() -> repository
                        .query(queryId)
                        .filter(q -> caller.roles().contains("regulator")
                                || q.insurer().equals(caller.organisation()))
                        .orElseThrow(() -> RequestRefusedException.notFound("Query " + queryId)));
        return QueryView.of(
                query,
                payments.payoutsByQuery().getOrDefault(query.id(), List.of()),
                records.hospitalsByNumber(),
                QueryView.verificationOf(query, ledger));
    }

    /** The queries visible to the caller, newest first. */
    public List<QueryView> list(Caller caller, int offset, int limit) {
        String insurer = caller.roles().contains("regulator") ? null : caller.organisation();
        Map<String, List<PaymentService.Payout>> payouts = payments.payoutsByQuery();
        Map<Integer, String> organisations = records.hospitalsByNumber();
        return QuarkusTransaction.requiringNew()
                .call(() -> repository.queries(insurer, offset, limit).stream()
                        .map(q -> QueryView.of(q, payouts.getOrDefault(q.id(), List.of()), organisations))
                        .toList());
    }

    private static void checkEpsilon(QueryTemplate template, QueryRequest request) {
        QueryTemplate.Privacy privacy = template.privacy();
        if (request.epsilon().isPresent()) {
            double epsilon = request.epsilon().getAsDouble();
            if (!(epsilon >= 1e-6) || epsilon > privacy.maxEpsilon() || privacy.dp() == QueryTemplate.DpMode.NONE) {
                throw RequestRefusedException.invalid(
                        "epsilon-invalid",
                        "Invalid epsilon",
                        "epsilon must be a finite number in [1e-6, " + privacy.maxEpsilon()
                                + "] for a template that allows noise.");
            }
        } else if (privacy.dp() == QueryTemplate.DpMode.REQUIRED) {
            throw RequestRefusedException.invalid(
                    "epsilon-invalid", "Invalid epsilon", "This template requires differential privacy: give epsilon.");
        }
    }
}
