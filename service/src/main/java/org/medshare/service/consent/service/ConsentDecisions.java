package org.medshare.service.consent.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.medshare.service.consent.ConsentProvision;
import org.medshare.service.consent.persistence.ConsentRepository;
import org.medshare.service.consent.persistence.PatientConsent;
import org.medshare.service.records.PurposeOfUse;

/**
 * Decides, from the consents of the patients a record names, whether the record may be released to another
 * organisation for a purpose of use. Reads only; the caller records the decision.
 *
 * <p>Per consent: a revoked consent decides {@link Outcome#REVOKED}; otherwise a {@code deny} provision that applies
 * (purpose, recipient organisation and time) decides {@link Outcome#DENY}, else a {@code permit} provision that
 * applies decides {@link Outcome#PERMIT}, else the consent says nothing ({@link Outcome#NONE}). Over the record's
 * consents: any revocation, then any deny, wins; the record is permitted only if every consent permits; a record
 * that names no patient has no consent ({@link Outcome#NONE}). A revocation of the record's own consent counts as
 * {@link Outcome#REVOKED} too.
 */
@ApplicationScoped
public class ConsentDecisions {

    /** What the consents say about one release. */
    public enum Outcome {
        PERMIT,
        DENY,
        NONE,
        REVOKED
    }

    /**
     * A decision and the consents it used.
     *
     * @param versions the version of each consent covering the record, in consent id order, as {@code v3.1}; or
     *                 {@code none} when the record names no patient
     */
    public record Decision(Outcome outcome, String versions) {}

    private final ConsentRepository repository;

    @Inject
    ConsentDecisions(ConsentRepository repository) {
        this.repository = repository;
    }

    /** The decision on releasing {@code recordId} to {@code organisation} for {@code purpose} at {@code at}. */
    public Decision decide(String recordId, String organisation, PurposeOfUse purpose, Instant at) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<PatientConsent> consents = new ArrayList<>();
            for (String id : repository.consentIdsOf(recordId)) {
                repository.patientConsentById(id).ifPresent(consents::add);
            }
            String versions = consents.isEmpty()
                    ? "none"
                    : "v"
                            + String.join(
                                    ".",
                                    consents.stream()
                                            .map(c -> Integer.toString(c.version()))
                                            .toList());
            if (repository.isRevoked(recordId)) {
                return new Decision(Outcome.REVOKED, versions);
            }
            if (consents.isEmpty()) {
                return new Decision(Outcome.NONE, versions);
            }
            boolean allPermit = true;
            for (PatientConsent consent : consents) {
                Outcome one = decide(consent, organisation, purpose, at);
                if (one == Outcome.DENY) {
                    return new Decision(Outcome.DENY, versions);
                }
                allPermit &= one == Outcome.PERMIT;
            }
            return new Decision(allPermit ? Outcome.PERMIT : Outcome.NONE, versions);
        });
    }

    static Outcome decide(PatientConsent consent, String organisation, PurposeOfUse purpose, Instant at) {
        if (!consent.active()) {
            return Outcome.REVOKED;
        }
        boolean permitted = false;
        for (ConsentProvision p : consent.provisions()) {
            if (p.applies(organisation, purpose, at)) {
                if (!p.permits()) {
                    return Outcome.DENY;
                }
                permitted = true;
            }
        }
        return permitted ? Outcome.PERMIT : Outcome.NONE;
    }
}
