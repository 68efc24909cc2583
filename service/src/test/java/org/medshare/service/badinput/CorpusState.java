package org.medshare.service.badinput;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.medshare.enclave.stats.PrivacyBudget;
import org.medshare.ledger.AuditLog;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.queries.service.QueryApproval;
import org.medshare.service.queries.service.QueryService;
import org.medshare.service.queries.service.TemplateService;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.records.service.SigningKeyService;

/**
 * What the bad-input corpus and the contract fuzzer set their {@link Fixture} up with, and the state they compare
 * before and after a refused request ({@link StateSnapshot}).
 */
@ApplicationScoped
public class CorpusState {

    @Inject
    AgroalDataSource db;

    @Inject
    AuditLog log;

    @Inject
    PaymentService payments;

    @Inject
    RecordService records;

    @Inject
    SigningKeyService signingKeys;

    @Inject
    QueryService queries;

    @Inject
    TemplateService templates;

    @Inject
    QueryApproval approval;

    @Inject
    QueryRepository queryRepository;

    @Inject
    MedshareConfig config;

    /** A new fixture: the organisations, records, keys, templates and queries the requests refer to. */
    Fixture newFixture() {
        return new Fixture(
                records,
                signingKeys,
                templates,
                queries,
                approval,
                queryRepository,
                payments,
                PrivacyBudget.toMicros(config.privacy().budgetPerInsurer()));
    }

    /** The service's state now: database rows, data directory, ledger and balances of the fixture's organisations. */
    public StateSnapshot snapshot() {
        return StateSnapshot.take(db, config.dataDir(), log, payments, Fixture.ORGANISATIONS);
    }

    /** The ledger's size now. */
    long ledgerSize() {
        return log.size();
    }
}
