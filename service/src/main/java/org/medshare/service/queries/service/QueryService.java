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
     * @param suppression in words, why groups are missing from the result (null when none was suppressed)
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
            String decidedBy,
            String reason,
            String result,
            String resultHash,
            String resultSignature,
            String measurement,
            Integer inputRecords,
            List<PaymentService.Payout> payouts,
            String suppression) {
        static QueryView of(QueryEntity q, List<PaymentService.Payout> payouts) {
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
                    q.resultJson(),
                    q.resultHash(),
                    q.resultSignature(),
                    q.measurement(),
                    q.inputRecords(),
                    payouts,
                    SuppressionNote.of(q.resultJson()));
        }
    }

    private final QueryRepository repository;
    private final TemplateService templates;
    private final LedgerService ledger;
    private final PaymentService payments;
    private final Clock clock = Clock.systemUTC();

    @Inject
    QueryService(QueryRepository repository, TemplateService templates, LedgerService ledger, PaymentService payments) {
        this.repository = repository;
        this.templates = templates;
        this.ledger = ledger;
        this.payments = payments;
    }

    /** Stores {@code json} as a query of {@code insurer}'s organisation and appends QUERY_SUBMITTED. */
    public QueryView submit(Caller insurer, String json) {
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
        return QueryView.of(query, payments.payoutsByQuery().getOrDefault(query.id(), List.of()));
    }

    /** The queries visible to the caller, newest first. */
    public List<QueryView> list(Caller caller, int offset, int limit) {
        String insurer = caller.roles().contains("regulator") ? null : caller.organisation();
        Map<String, List<PaymentService.Payout>> payouts = payments.payoutsByQuery();
        return QuarkusTransaction.requiringNew()
                .call(() -> repository.queries(insurer, offset, limit).stream()
                        .map(q -> QueryView.of(q, payouts.getOrDefault(q.id(), List.of())))
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
