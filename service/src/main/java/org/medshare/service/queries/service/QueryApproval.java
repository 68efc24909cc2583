package org.medshare.service.queries.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.compute.ApprovedQuery;
import org.medshare.enclave.keyrelease.KeyReleaseException;
import org.medshare.enclave.keyrelease.PartyKeyList;
import org.medshare.enclave.stats.QueryRefusedException;
import org.medshare.enclave.stats.StatisticsEngine;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.consent.service.ConsentDecisions;
import org.medshare.service.consent.service.ConsentService;
import org.medshare.service.digest.Sha256;
import org.medshare.service.enclave.PartyKeys;
import org.medshare.service.epochs.service.AttributeEpochs;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.queries.QueryPurposes;
import org.medshare.service.queries.persistence.BudgetRepository;
import org.medshare.service.queries.persistence.QueryEntity;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.queries.persistence.TemplateEntity;
import org.medshare.service.queries.service.QueryService.QueryView;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * A regulator's decision on a submitted query, and what follows an approval: the query's ε is charged to the
 * insurer's privacy budget and to the period's budget of every hospital whose records it runs over (those whose
 * data-use rules permit its template, read once for both the charge and the enclave), in one transaction ({@link
 * PrivacyBudgets}; QUERY_APPROVED, then one BUDGET_CHARGED per hospital), the query runs in the enclave over the
 * records its purpose may open (consent, the hospitals' data-use rules and their own disclosure limits are enforced
 * there, before any decryption), the signed result is stored (COMPUTE), and the incentive contract pays the hospitals whose records
 * were used. A query is decided once: the decision locks the query's row, so of two concurrent approvals one runs
 * and the other is refused.
 *
 * <p>Consent: before the run, the patients' consent provisions are decided for every input record at once
 * ({@link ConsentDecisions#decideAll}) for the query's purpose of use (its template's namespace, through {@link
 * QueryPurposes}), the insurer's organisation as recipient, at the time of the run. The records they deny and a
 * digest of the consents read go into the approved query the enclave checks; the enclave drops those records
 * itself and signs the count it left out and the digest in the result. No record is paid for that was not used.
 */
@ApplicationScoped
public class QueryApproval {

    private final QueryRepository repository;
    private final TemplateService templates;
    private final DataUseService dataUse;
    private final DisclosureLimitsService disclosure;
    private final ConsentService consents;
    private final ConsentDecisions decisions;
    private final QueryPurposes purposes;
    private final RecordService records;
    private final LedgerService ledger;
    private final PaymentService payments;
    private final StatisticsRunner runner;
    private final AttributeEpochs epochs;
    private final PartyKeys parties;
    private final PrivacyBudgets budgets;
    private final Clock clock = Clock.systemUTC();

    @Inject
    QueryApproval(
            QueryRepository repository,
            TemplateService templates,
            DataUseService dataUse,
            DisclosureLimitsService disclosure,
            ConsentService consents,
            ConsentDecisions decisions,
            QueryPurposes purposes,
            RecordService records,
            LedgerService ledger,
            PaymentService payments,
            StatisticsRunner runner,
            PrivacyBudgets budgets,
            AttributeEpochs epochs,
            PartyKeys parties) {
        this.repository = repository;
        this.templates = templates;
        this.dataUse = dataUse;
        this.disclosure = disclosure;
        this.consents = consents;
        this.decisions = decisions;
        this.purposes = purposes;
        this.records = records;
        this.ledger = ledger;
        this.payments = payments;
        this.runner = runner;
        this.epochs = epochs;
        this.parties = parties;
        this.budgets = budgets;
    }

    /** Refuses a submitted query with the regulator's reason (1 to 1000 characters). */
    public QueryView refuse(Caller regulator, String queryId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 1000) {
            throw RequestRefusedException.invalid(
                    "invalid-reason", "Invalid reason", "A refusal needs a reason of 1 to 1000 characters.");
        }
        QueryEntity query = QuarkusTransaction.requiringNew().call(() -> {
            QueryEntity q = pending(queryId);
            q.decide(QueryEntity.Status.REFUSED, regulator.actor(), reason, clock.instant());
            return q;
        });
        return QueryView.of(query, List.of());
    }

    /**
     * What a regulator signs to approve a submitted query: the template and request exactly as stored (their
     * {@link ApprovedQuery#contentHash content hash} is what the approval binds) and the purpose attributes the
     * released key is to carry.
     */
    public record ApprovalTerms(
            String queryId, String template, String request, String contentHash, List<String> purposeAttributes) {}

    /** The {@link ApprovalTerms} of a query that waits for a decision. */
    public ApprovalTerms terms(String queryId) {
        QueryEntity pending = QuarkusTransaction.requiringNew().call(() -> pending(queryId));
        TemplateEntity template = templates.approvedFor(QueryDocuments.request(pending.requestJson()));
        return new ApprovalTerms(
                queryId,
                template.json(),
                pending.requestJson(),
                HexFormat.of().formatHex(ApprovedQuery.contentHash(template.json(), pending.requestJson())),
                List.copyOf(purposeAttributes(template.purpose())));
    }

    /**
     * Approves a submitted query on the regulator's own signed approval, charges its ε, runs it in the enclave and
     * settles its price. The approval must be for this query's {@link #terms}, signed by an {@link
     * PartyKeys#APPROVE_QUERIES} key of the caller's organisation and unexpired; the key authority checks it again
     * before it releases a key. A refusal before the run (approval, budgets, escrow, template state) changes nothing;
     * a refusal by the enclave refunds ε to the insurer and to every hospital (one BUDGET_REFUNDED each).
     *
     * @param approvalBytes the {@code QueryApproval} the regulator signed
     */
    public QueryView approve(Caller regulator, String queryId, byte[] approvalBytes) {
        ApprovalTerms terms = terms(queryId);
        checkApproval(regulator, terms, approvalBytes);
        QueryEntity pending = QuarkusTransaction.requiringNew().call(() -> pending(queryId));
        TemplateEntity template = templates.approvedFor(QueryDocuments.request(pending.requestJson()));
        QueryInputs inputs = inputsOf(template);
        if (!payments.canPay(pending.insurer(), inputs.size())) {
            throw RequestRefusedException.conflict(
                    "insufficient-escrow",
                    "Insufficient escrow",
                    "The insurer's escrow cannot pay " + payments.priceOf(inputs.size()) + " for up to " + inputs.size()
                            + " records; deposit first.");
        }
        SortedSet<String> permitting =
                inputs.hospitalsPermitting(dataUse.byHospitalNumber(inputs.hospitalNumbers()), template);
        PrivacyBudgets.Plan plan = budgets.plan(
                queryId,
                pending.queryHash(),
                pending.insurer(),
                pending.epsilonMicros(),
                deltaE18(template),
                permitting);
        budgets.chargeWith(
                plan,
                () -> pending(queryId)
                        .approve(
                                regulator.actor(), Base64.getEncoder().encodeToString(approvalBytes), clock.instant()));
        LedgerReceipt approved = ledger.append(Event.queryApproved(
                clock.millis(),
                regulator.organisation(),
                queryId,
                HexFormat.of().parseHex(pending.queryHash())));
        budgets.logCharges(queryId, pending.queryHash());
        return run(pending, template, approvalBytes, approved, inputs, inputs.numbersOf(permitting));
    }

    /**
     * What approving {@code checked} would do now ({@link QueryPreview}): the same inputs, data-use rules, disclosure
     * limits, escrow check and budget charge as {@link #approve}, with nothing written. The budgets are charged in a
     * transaction that is rolled back.
     */
    public QueryPreview preview(Caller insurer, QueryService.CheckedRequest checked) {
        TemplateEntity template = checked.template();
        QueryInputs inputs = inputsOf(template);
        SortedSet<String> permitting =
                inputs.hospitalsPermitting(dataUse.byHospitalNumber(inputs.hospitalNumbers()), template);
        List<QueryPreview.Hospital> hospitals = new ArrayList<>();
        inputs.recordsPerOrganisation()
                .forEach((hospital, count) ->
                        hospitals.add(new QueryPreview.Hospital(hospital, count, permitting.contains(hospital))));
        List<QueryPreview.Blocker> blockers = new ArrayList<>();
        if (permitting.isEmpty()) {
            blockers.add(new QueryPreview.Blocker(
                    "no-hospital-permits",
                    "No hospital's data-use rules let template " + template.templateId() + " version "
                            + template.version() + " (sha256:" + template.hash() + ") read its records."));
        }
        BigInteger price = payments.priceOf(inputs.size());
        boolean escrow = payments.canPay(insurer.organisation(), inputs.size());
        if (!escrow) {
            blockers.add(new QueryPreview.Blocker(
                    "insufficient-escrow",
                    "Your escrow cannot pay " + price + " for up to " + inputs.size() + " records; deposit first."));
        }
        budgets.refusalOf(budgets.plan(
                        "preview-" + UUID.randomUUID(),
                        Sha256.hex(checked.json()),
                        insurer.organisation(),
                        checked.epsilonMicros(),
                        deltaE18(template),
                        permitting))
                .ifPresent(e -> blockers.add(new QueryPreview.Blocker(e.kind(), e.detail())));
        QueryPreview.Release release = null;
        try {
            release = QueryPreview.Release.of(StatisticsEngine.plan(
                    QueryDocuments.template(template.json()),
                    checked.epsilonMicros(),
                    disclosure.byHospitalNumber(inputs.hospitalNumbers()),
                    inputs.numbersOf(permitting)));
        } catch (QueryRefusedException e) {
            String hospital = e.hospital().isPresent()
                    ? inputs.organisationOf(e.hospital().getAsInt())
                    : "A hospital";
            blockers.add(new QueryPreview.Blocker("hospital-limit", hospital + " " + e.detail() + "."));
        }
        return new QueryPreview(
                template.templateId(),
                template.version(),
                template.hash(),
                hospitals,
                price,
                escrow,
                release,
                blockers,
                !blockers.isEmpty());
    }

    private QueryInputs inputsOf(TemplateEntity template) {
        return QueryInputs.of(
                records.statisticsInputsOpenableBy(purposeAttributes(template.purpose())), records.hospitalsByNumber());
    }

    private void checkApproval(Caller regulator, ApprovalTerms terms, byte[] approvalBytes) {
        if (approvalBytes == null || approvalBytes.length == 0) {
            throw RequestRefusedException.invalid(
                    "approval-required",
                    "Signed approval required",
                    "Approve with your own approval key: medshare query approve " + terms.queryId()
                            + " --key FILE signs this query's terms (GET …/approval-terms).");
        }
        org.medshare.enclave.keyrelease.QueryApproval approval;
        try {
            approval = org.medshare.enclave.keyrelease.QueryApproval.parse(approvalBytes);
        } catch (MalformedEncodingException e) {
            throw RequestRefusedException.invalid(
                    "invalid-approval", "Invalid approval", "approval must be a base64 signed query approval (v2).");
        }
        if (!approval.queryId().equals(terms.queryId())
                || !HexFormat.of().formatHex(approval.contentHash()).equals(terms.contentHash())
                || !approval.purposeAttributes().equals(new TreeSet<>(terms.purposeAttributes()))) {
            throw RequestRefusedException.conflict(
                    "approval-mismatch",
                    "Approval for other terms",
                    "The approval does not sign this query's current terms (query id, template and request text,"
                            + " purpose attributes); fetch them again and sign those.");
        }
        PartyKeyList.PartyKey signer = parties.find(PartyKeys.APPROVE_QUERIES, approval.approverKeyId())
                .filter(k -> k.organisation().equals(regulator.organisation()))
                .orElseThrow(() -> RequestRefusedException.forbidden(
                        "approval-not-trusted",
                        "The approval is not signed by an approval key of " + regulator.organisation()
                                + " that the key authority trusts."));
        try {
            approval.verify(Set.of(signer.keyId()), clock.instant());
        } catch (KeyReleaseException e) {
            if (e.reason() == KeyReleaseException.Reason.APPROVAL_EXPIRED) {
                throw RequestRefusedException.forbidden(
                        "approval-expired", "The approval expired at " + approval.notAfter() + "; sign it again.");
            }
            throw RequestRefusedException.forbidden(
                    "approval-signature-invalid", "The approval's signature does not verify with its key.");
        }
    }

    private QueryView run(
            QueryEntity query,
            TemplateEntity template,
            byte[] approval,
            LedgerReceipt approved,
            QueryInputs inputs,
            SortedSet<Integer> permittedHospitals) {
        Set<String> revoked = consents.revokedRecords();
        ConsentDecisions.Batch consent = decisions.decideAll(
                inputs.records().stream().map(StatisticsRunner.Input::recordId).toList(),
                query.insurer(),
                purposes.purposeOf(template.purpose()),
                clock.instant());
        long remaining = QuarkusTransaction.requiringNew()
                .call(() -> repository
                        .budget(query.insurer())
                        .map(b -> b[1] - b[0] + query.epsilonMicros())
                        .orElse(budgets.insurerLimitMicros()));
        StatisticsRunner.Outcome outcome;
        try {
            outcome = runner.run(
                    new StatisticsRunner.Job(
                            query.id(),
                            query.queryHash(),
                            template.json(),
                            query.requestJson(),
                            approval,
                            approved,
                            permittedHospitals,
                            revoked,
                            consent.recordsWith(ConsentDecisions.Outcome.DENY),
                            HexFormat.of().formatHex(consent.digest()),
                            remaining,
                            disclosure.byHospitalNumber(inputs.hospitalNumbers())),
                    inputs.records(),
                    recordId -> records.encryptedRows(inputs.rowsCidOf(recordId)));
        } catch (StatisticsRunner.RefusedException e) {
            List<BudgetRepository.Charge> refunded = QuarkusTransaction.requiringNew()
                    .call(() -> {
                        repository.query(query.id()).orElseThrow().fail(inputs.naming(e.getMessage()), clock.instant());
                        return budgets.refund(query.id());
                    });
            budgets.logRefunds(query.queryHash(), refunded);
            return QueryView.of(reload(query.id()), List.of());
        }
        HexFormat hex = HexFormat.of();
        long computeIndex = ledger.append(Event.builder(EventType.COMPUTE)
                        .timestamp(clock.millis())
                        .id(Field.ACTOR, "enclave")
                        .id(Field.QUERY_ID, query.id())
                        .hash(Field.QUERY_HASH, hex.parseHex(query.queryHash()))
                        .hash(Field.INPUT_ROOT, hex.parseHex(outcome.inputRoot()))
                        .hash(Field.RESULT_HASH, hex.parseHex(outcome.resultHash()))
                        .hash(Field.MEASUREMENT, hex.parseHex(outcome.measurement()))
                        .amount(Field.RECORD_COUNT, outcome.inputRecordIds().size())
                        .build())
                .index();
        StatisticsRunner.Attestation attestation = outcome.attestation();
        QuarkusTransaction.requiringNew().run(() -> {
            QueryEntity completed = repository.query(query.id()).orElseThrow();
            completed.complete(
                    outcome.resultJson(),
                    outcome.signature(),
                    outcome.resultHash(),
                    outcome.measurement(),
                    outcome.inputRecordIds().size(),
                    clock.instant());
            completed.attest(
                    attestation.evidence(),
                    attestation.nonce(),
                    attestation.signingKey(),
                    attestation.computeResult(),
                    computeIndex);
        });
        List<PaymentService.Payout> payouts =
                payments.settle(query.insurer(), query.id(), inputs.recordsPerOrganisation(outcome.inputRecordIds()));
        QueryEntity completed = reload(query.id());
        return QueryView.of(
                completed, payouts, records.hospitalsByNumber(), QueryView.verificationOf(completed, ledger));
    }

    /** The template's δ × 10^18, 0 when it has none. */
    private static long deltaE18(TemplateEntity template) {
        return Math.round(QueryDocuments.template(template.json()).privacy().delta() * 1e18);
    }

    /**
     * The purpose attribute of every epoch, current and retired: the enclave computes over records whichever epoch
     * their hospital encrypted them under.
     */
    private Set<String> purposeAttributes(String purpose) {
        Set<String> out = new TreeSet<>();
        AttributeEpochs.EpochsView view = epochs.view();
        out.add("purpose:" + purpose + "@" + view.current());
        view.retired().forEach(e -> out.add("purpose:" + purpose + "@" + e));
        return out;
    }

    private QueryEntity reload(String queryId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> repository.query(queryId).orElseThrow());
    }

    /** The query, locked for this transaction's decision, if it is still undecided. */
    private QueryEntity pending(String queryId) {
        QueryEntity q = repository
                .queryForDecision(queryId)
                .orElseThrow(() -> RequestRefusedException.notFound("Query " + queryId));
        if (q.status() != QueryEntity.Status.SUBMITTED) {
            throw RequestRefusedException.conflict(
                    "already-decided", "Already decided", "Query " + queryId + " is " + q.status() + ".");
        }
        return q;
    }
}
