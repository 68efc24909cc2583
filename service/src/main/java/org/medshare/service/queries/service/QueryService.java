package org.medshare.service.queries.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.enclave.stats.PrivacyBudget;
import org.medshare.enclave.stats.QueryRefusedException;
import org.medshare.enclave.stats.QueryRequest;
import org.medshare.enclave.stats.QueryTemplate;
import org.medshare.enclave.stats.TemplateRegistry;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.problem.RequestRefusedException;
import org.medshare.service.queries.persistence.QueryEntity;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.queries.persistence.TemplateEntity;
import org.medshare.service.records.service.RecordService;

/**
 * The query flow (DESIGN §3): insurers submit templates and requests; the regulator approves templates and
 * queries; an approved query's ε is charged to the insurer's budget, the query runs inside the enclave over
 * the records its purpose may open (consent and hospitals' data-use rules enforced before any decryption),
 * the signed result is stored, and the incentive contract pays the hospitals. Every step is a ledger event.
 */
@ApplicationScoped
public class QueryService {

    /** API model of a template. */
    public record TemplateView(String templateId, int version, String purpose, String hash, String state,
                               String submittedBy, java.time.Instant submittedAt, String decidedBy,
                               java.time.Instant decidedAt, String template) {
        static TemplateView of(TemplateEntity t) {
            return new TemplateView(t.templateId(), t.version(), t.purpose(), t.hash(), t.state().name(),
                    t.submittedBy(), t.submittedAt(), t.decidedBy(), t.decidedAt(), t.json());
        }
    }

    /** API model of a query and, once completed, its signed result. */
    public record QueryView(String queryId, String insurer, String templateId, int templateVersion, String queryHash,
                            double epsilon, String status, java.time.Instant submittedAt, String decidedBy,
                            String reason, String result, String resultHash, String resultSignature,
                            String measurement, Integer inputRecords, List<PaymentService.Payout> payouts) {
    }

    /** Longest template and request the database keeps (columns query_template.json, stat_query.request_json). */
    static final int MAX_TEMPLATE_CHARS = 65_536;
    static final int MAX_REQUEST_CHARS = 16_384;
    /** Purposes and template ids as data-use rules and ABE attributes can name them. */
    private static final String NAME = "[A-Za-z0-9._-]{1,64}";

    private final QueryRepository repository;
    private final RecordService records;
    private final LedgerService ledger;
    private final PaymentService payments;
    private final StatisticsRunner runner;
    private final MedshareConfig config;
    private final long budgetMicros;
    private final Clock clock = Clock.systemUTC();

    @Inject
    QueryService(QueryRepository repository, RecordService records, LedgerService ledger, PaymentService payments,
                 StatisticsRunner runner, MedshareConfig config,
                 @ConfigProperty(name = "medshare.privacy.budget-per-insurer", defaultValue = "10.0") double budget) {
        this.repository = repository;
        this.records = records;
        this.ledger = ledger;
        this.payments = payments;
        this.runner = runner;
        this.config = config;
        this.budgetMicros = PrivacyBudget.toMicros(budget);
    }

    // ---- templates ----------------------------------------------------------------------------------

    public TemplateView submitTemplate(Caller insurer, String json) {
        requireAtMost("template", json, MAX_TEMPLATE_CHARS);
        QueryTemplate template = parseTemplate(json);
        if (!template.purpose().matches(NAME)) {
            throw RequestRefusedException.badRequest("template-invalid", "Query refused",
                    "purpose must match " + NAME + "; hospitals' data-use rules and ABE attributes name it.");
        }
        try {
            new TemplateRegistry(org.medshare.enclave.stats.StatisticsEngine.DEFAULT_MIN_GROUP_SIZE).submit(template);
        } catch (QueryRefusedException e) {
            throw refused(e);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            if (repository.template(template.id(), template.version()).isPresent()) {
                throw RequestRefusedException.conflict("template-exists", "Template exists",
                        "Template " + template.id() + " version " + template.version() + " exists; submit a new version.");
            }
            TemplateEntity entity = new TemplateEntity(template.id(), template.version(), template.purpose(), json,
                    template.hashHex(), insurer.organisation(), clock.instant());
            repository.persist(entity);
            return TemplateView.of(entity);
        });
    }

    public TemplateView decideTemplate(Caller regulator, String id, int version, boolean approve) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TemplateEntity t = repository.template(id, version)
                    .orElseThrow(() -> RequestRefusedException.notFound("Template " + id + " version " + version));
            if (t.state() != TemplateEntity.State.PENDING) {
                throw RequestRefusedException.conflict("already-decided", "Already decided",
                        "Template " + id + " version " + version + " is " + t.state() + ".");
            }
            t.decide(approve ? TemplateEntity.State.APPROVED : TemplateEntity.State.REJECTED,
                    regulator.actor(), clock.instant());
            return TemplateView.of(t);
        });
    }

    public List<TemplateView> templates() {
        return QuarkusTransaction.requiringNew().call(() -> repository.templates().stream().map(TemplateView::of).toList());
    }

    // ---- hospitals' rules and consent ---------------------------------------------------------------

    /** Replaces the caller hospital's data-use rules: {@code purpose/templateId} or {@code purpose/*}. */
    public Set<String> replaceDataUseRules(Caller hospital, List<String> rules) {
        Set<String[]> pairs = new java.util.LinkedHashSet<>();
        for (String rule : rules) {
            int slash = rule == null ? -1 : rule.indexOf('/');
            if (slash <= 0 || slash == rule.length() - 1
                    || !rule.matches("[A-Za-z0-9._-]{1,64}/([A-Za-z0-9._-]{1,64}|\\*)")) {
                throw RequestRefusedException.badRequest("invalid-rule", "Invalid data-use rule",
                        "Each rule is purpose/templateId or purpose/*, e.g. insurance-stats/count-by-age-sex.");
            }
            pairs.add(new String[] {rule.substring(0, slash), rule.substring(slash + 1)});
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            repository.replaceDataUseRules(hospital.organisation(), pairs);
            return repository.dataUseRules(hospital.organisation());
        });
    }

    public Set<String> dataUseRules(Caller hospital) {
        return QuarkusTransaction.requiringNew().call(() -> repository.dataUseRules(hospital.organisation()));
    }

    /** Revokes consent for one of the hospital's records: it is removed from every later query. */
    public boolean revokeConsent(Caller hospital, String recordId) {
        records.get(hospital, recordId);
        boolean revoked = QuarkusTransaction.requiringNew().call(() ->
                repository.revokeConsent(recordId, hospital.actor(), clock.instant()));
        if (revoked) {
            byte[] subject = UploadStatement.sha256(("consent\n" + recordId).getBytes(StandardCharsets.UTF_8));
            ledger.append(Event.builder(EventType.CONSENT_REVOKED).timestamp(clock.millis())
                    .id(Field.ACTOR, hospital.organisation()).id(Field.RECORD_ID, recordId)
                    .hash(Field.SUBJECT_HASH, subject).build());
        }
        return revoked;
    }

    // ---- queries ------------------------------------------------------------------------------------

    public QueryView submit(Caller insurer, String json) {
        requireAtMost("request", json, MAX_REQUEST_CHARS);
        QueryRequest request = parseRequest(json);
        if (!request.insurerId().equals(insurer.organisation())) {
            throw RequestRefusedException.forbidden("insurer-mismatch",
                    "insurerId must be your organisation, " + insurer.organisation() + ".");
        }
        TemplateEntity template = approvedTemplate(request);
        checkEpsilon(template, request);
        try {
            parseTemplate(template.json()).checkParameters(request.parameters());
        } catch (QueryRefusedException e) {
            throw refused(e);
        }
        long micros = request.epsilon().isPresent() ? PrivacyBudget.toMicros(request.epsilon().getAsDouble()) : 0;
        String hash = HexFormat.of().formatHex(UploadStatement.sha256(json.getBytes(StandardCharsets.UTF_8)));
        QueryEntity query = new QueryEntity(UUID.randomUUID().toString(), insurer.organisation(),
                insurer.actor(), request.templateId(), request.templateVersion(), json, hash, micros,
                clock.instant());
        QuarkusTransaction.requiringNew().run(() -> repository.persist(query));
        ledger.append(Event.builder(EventType.QUERY_SUBMITTED).timestamp(clock.millis())
                .id(Field.ACTOR, insurer.organisation()).id(Field.QUERY_ID, query.id())
                .hash(Field.QUERY_HASH, HexFormat.of().parseHex(hash)).build());
        return view(query, List.of());
    }

    public QueryView get(Caller caller, String queryId) {
        QueryEntity query = visibleQuery(caller, queryId);
        return view(query, payments.payoutsByQuery().getOrDefault(query.id(), List.of()));
    }

    public List<QueryView> list(Caller caller, int offset, int limit) {
        String insurer = caller.roles().contains("regulator") ? null : caller.organisation();
        Map<String, List<PaymentService.Payout>> payouts = payments.payoutsByQuery();
        return QuarkusTransaction.requiringNew().call(() -> repository.queries(insurer, offset, limit).stream()
                .map(q -> view(q, payouts.getOrDefault(q.id(), List.of()))).toList());
    }

    public QueryView refuse(Caller regulator, String queryId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 1000) {
            throw RequestRefusedException.badRequest("invalid-reason", "Invalid reason",
                    "A refusal needs a reason of 1 to 1000 characters.");
        }
        QueryEntity query = QuarkusTransaction.requiringNew().call(() -> {
            QueryEntity q = pending(queryId);
            q.decide(QueryEntity.Status.REFUSED, regulator.actor(), reason, clock.instant());
            return q;
        });
        return view(query, List.of());
    }

    /**
     * Approves a submitted query, charges its ε, runs it in the enclave and settles its price. A refusal
     * before the run (budget, escrow, template state) changes nothing; a refusal by the enclave refunds ε.
     */
    public QueryView approve(Caller regulator, String queryId) {
        QueryEntity pending = QuarkusTransaction.requiringNew().call(() -> pending(queryId));
        TemplateEntity template = approvedTemplate(parseRequest(pending.requestJson()));
        List<StatisticsRunner.Input> inputs = new ArrayList<>();
        Map<String, String> organisationOf = new TreeMap<>();
        Set<String> purpose = Set.of("purpose:" + template.purpose() + "@" + config.records().currentEpoch());
        Map<Integer, String> hospitals = records.hospitalsByNumber();
        Map<String, Integer> numbers = new TreeMap<>();
        hospitals.forEach((n, org) -> numbers.put(org, n));
        for (RecordService.StoredRows rows : records.rowsOpenableBy(purpose)) {
            Integer number = numbers.get(rows.organisation());
            if (number != null) {
                inputs.add(new StatisticsRunner.Input(rows.recordId(), number, rows.encryptedRows()));
                organisationOf.put(rows.recordId(), rows.organisation());
            }
        }
        if (!payments.canPay(pending.insurer(), inputs.size())) {
            throw RequestRefusedException.conflict("insufficient-escrow", "Insufficient escrow",
                    "The insurer's escrow cannot pay " + payments.priceOf(inputs.size()) + " for up to "
                            + inputs.size() + " records; deposit first.");
        }
        boolean charged = QuarkusTransaction.requiringNew().call(() -> {
            QueryEntity q = pending(queryId);
            if (!repository.tryChargeBudget(q.insurer(), q.epsilonMicros(), budgetMicros)) {
                return false;
            }
            q.decide(QueryEntity.Status.APPROVED, regulator.actor(), null, clock.instant());
            return true;
        });
        if (!charged) {
            throw RequestRefusedException.conflict("budget-exhausted", "Privacy budget exhausted",
                    "The insurer's remaining privacy budget cannot pay this query's epsilon; nothing was spent.");
        }
        ledger.append(Event.builder(EventType.QUERY_APPROVED).timestamp(clock.millis())
                .id(Field.ACTOR, regulator.organisation()).id(Field.QUERY_ID, queryId)
                .hash(Field.QUERY_HASH, HexFormat.of().parseHex(pending.queryHash())).build());
        return run(pending, template, purpose, inputs, organisationOf, numbers);
    }

    private QueryView run(QueryEntity query, TemplateEntity template, Set<String> purpose,
                          List<StatisticsRunner.Input> inputs, Map<String, String> organisationOf,
                          Map<String, Integer> numbers) {
        Map<Integer, Set<String>> dataUse = new TreeMap<>();
        Set<String> revoked = QuarkusTransaction.requiringNew().call(() -> {
            for (Object[] rule : repository.allDataUseRules()) {
                Integer number = numbers.get(rule[0].toString());
                if (number != null) {
                    dataUse.computeIfAbsent(number, n -> new TreeSet<>()).add(rule[1] + "/" + rule[2]);
                }
            }
            return repository.revokedRecords();
        });
        long remaining = QuarkusTransaction.requiringNew().call(() -> repository.budget(query.insurer())
                .map(b -> b[1] - b[0] + query.epsilonMicros()).orElse(budgetMicros));
        StatisticsRunner.Outcome outcome;
        try {
            outcome = runner.run(new StatisticsRunner.Job(query.id(), query.queryHash(), template.json(),
                    query.requestJson(), purpose, dataUse, revoked, remaining), inputs);
        } catch (StatisticsRunner.RefusedException e) {
            QuarkusTransaction.requiringNew().run(() -> {
                repository.refundBudget(query.insurer(), query.epsilonMicros());
                repository.query(query.id()).orElseThrow().fail(e.getMessage(), clock.instant());
            });
            return view(QuarkusTransaction.requiringNew().call(() -> repository.query(query.id()).orElseThrow()), List.of());
        }
        HexFormat hex = HexFormat.of();
        ledger.append(Event.builder(EventType.COMPUTE).timestamp(clock.millis())
                .id(Field.ACTOR, "enclave").id(Field.QUERY_ID, query.id())
                .hash(Field.QUERY_HASH, hex.parseHex(query.queryHash()))
                .hash(Field.INPUT_ROOT, hex.parseHex(outcome.inputRoot()))
                .hash(Field.RESULT_HASH, hex.parseHex(outcome.resultHash()))
                .hash(Field.MEASUREMENT, hex.parseHex(outcome.measurement()))
                .amount(Field.RECORD_COUNT, outcome.inputRecordIds().size()).build());
        QuarkusTransaction.requiringNew().run(() -> repository.query(query.id()).orElseThrow().complete(
                outcome.resultJson(), outcome.signature(), outcome.resultHash(), outcome.measurement(),
                outcome.inputRecordIds().size(), clock.instant()));
        Map<String, Long> used = new TreeMap<>();
        for (String recordId : outcome.inputRecordIds()) {
            String organisation = organisationOf.get(recordId);
            if (organisation != null) {
                used.merge(organisation, 1L, Long::sum);
            }
        }
        List<PaymentService.Payout> payouts = payments.settle(query.insurer(), query.id(), used);
        return view(QuarkusTransaction.requiringNew().call(() -> repository.query(query.id()).orElseThrow()), payouts);
    }

    private QueryEntity pending(String queryId) {
        QueryEntity q = repository.query(queryId).orElseThrow(() -> RequestRefusedException.notFound("Query " + queryId));
        if (q.status() != QueryEntity.Status.SUBMITTED) {
            throw RequestRefusedException.conflict("already-decided", "Already decided",
                    "Query " + queryId + " is " + q.status() + ".");
        }
        return q;
    }

    private QueryEntity visibleQuery(Caller caller, String queryId) {
        return QuarkusTransaction.requiringNew().call(() -> repository.query(queryId)
                .filter(q -> caller.roles().contains("regulator") || q.insurer().equals(caller.organisation()))
                .orElseThrow(() -> RequestRefusedException.notFound("Query " + queryId)));
    }

    private TemplateEntity approvedTemplate(QueryRequest request) {
        TemplateEntity template = QuarkusTransaction.requiringNew().call(() ->
                repository.template(request.templateId(), request.templateVersion()))
                .orElseThrow(() -> RequestRefusedException.badRequest("unknown-template", "Unknown template",
                        "Template " + request.templateId() + " version " + request.templateVersion() + " does not exist."));
        if (template.state() != TemplateEntity.State.APPROVED) {
            throw RequestRefusedException.conflict("template-not-approved", "Template not approved",
                    "Template " + request.templateId() + " version " + request.templateVersion() + " is "
                            + template.state() + "; only approved templates run.");
        }
        if (!template.purpose().equals(request.purpose())) {
            throw RequestRefusedException.badRequest("purpose-mismatch", "Purpose mismatch",
                    "The request's purpose must be the template's, " + template.purpose() + ".");
        }
        return template;
    }

    private static void checkEpsilon(TemplateEntity templateEntity, QueryRequest request) {
        QueryTemplate template = parseTemplate(templateEntity.json());
        QueryTemplate.Privacy privacy = template.privacy();
        if (request.epsilon().isPresent()) {
            double epsilon = request.epsilon().getAsDouble();
            if (!(epsilon >= 1e-6) || epsilon > privacy.maxEpsilon() || privacy.dp() == QueryTemplate.DpMode.NONE) {
                throw RequestRefusedException.badRequest("epsilon-invalid", "Invalid epsilon",
                        "epsilon must be a finite number in [1e-6, " + privacy.maxEpsilon() + "] for a template that allows noise.");
            }
        } else if (privacy.dp() == QueryTemplate.DpMode.REQUIRED) {
            throw RequestRefusedException.badRequest("epsilon-invalid", "Invalid epsilon",
                    "This template requires differential privacy: give epsilon.");
        }
    }

    private static void requireAtMost(String what, String json, int maxChars) {
        if (json != null && json.length() > maxChars) {
            throw new RequestRefusedException(jakarta.ws.rs.core.Response.Status.REQUEST_ENTITY_TOO_LARGE, "too-large",
                    "Request too large", "A " + what + " has at most " + maxChars + " characters; this one has "
                    + json.length() + ".");
        }
    }

    private static QueryTemplate parseTemplate(String json) {
        try {
            return QueryTemplate.parse(json);
        } catch (QueryRefusedException e) {
            throw refused(e);
        }
    }

    private static QueryRequest parseRequest(String json) {
        try {
            return QueryRequest.parse(json);
        } catch (QueryRefusedException e) {
            throw refused(e);
        }
    }

    private static RequestRefusedException refused(QueryRefusedException e) {
        String kind = e.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return RequestRefusedException.badRequest(kind, "Query refused", e.getMessage());
    }

    private QueryView view(QueryEntity q, List<PaymentService.Payout> payouts) {
        return new QueryView(q.id(), q.insurer(), q.templateId(), q.templateVersion(), q.queryHash(),
                q.epsilonMicros() / (double) PrivacyBudget.MICROS, q.status().name(), q.submittedAt(), q.decidedBy(),
                q.reason(), q.resultJson(), q.resultHash(), q.resultSignature(), q.measurement(), q.inputRecords(),
                payouts);
    }
}
