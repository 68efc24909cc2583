package org.medshare.service.consent.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.enclave.stats.QueryConsent;
import org.medshare.service.consent.ConsentProvision;
import org.medshare.service.consent.persistence.ConsentRepository;
import org.medshare.service.consent.persistence.ConsentRepository.RecordConsent;
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
 *
 * <p>Release to another organisation needs {@link Outcome#PERMIT}; statistics ({@link #decideAll}) leave out only
 * {@link Outcome#DENY} and {@link Outcome#REVOKED}, so a consent without provisions about the query's purpose of
 * use keeps the record in the statistics, as before provisions existed.
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

    /**
     * The decisions on every record a query touches, and the consents they read.
     *
     * @param outcomes        record id → outcome, for every record asked about
     * @param consentVersions consent id → version, for every consent covering one of those records
     */
    public record Batch(SortedMap<String, Outcome> outcomes, SortedMap<String, Integer> consentVersions) {
        public Batch {
            outcomes = Collections.unmodifiableSortedMap(new TreeMap<>(outcomes));
            consentVersions = Collections.unmodifiableSortedMap(new TreeMap<>(consentVersions));
        }

        /** The records whose outcome is {@code outcome}, ascending. */
        public SortedSet<String> recordsWith(Outcome outcome) {
            TreeSet<String> out = new TreeSet<>();
            outcomes.forEach((id, o) -> {
                if (o == outcome) {
                    out.add(id);
                }
            });
            return Collections.unmodifiableSortedSet(out);
        }

        /** SHA-256 over the consent ids and versions read ({@link QueryConsent#digestOf}). */
        public byte[] digest() {
            return QueryConsent.digestOf(consentVersions);
        }
    }

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

    /**
     * The decision on each of {@code recordIds} for one use, with the rules above, from one read of every record's
     * consents ({@link ConsentRepository#recordConsents()}) instead of a lookup per record.
     *
     * @param recordIds    the records a query would touch
     * @param organisation the recipient organisation
     * @param purpose      the purpose of use
     * @param at           the time of the use
     */
    public Batch decideAll(Collection<String> recordIds, String organisation, PurposeOfUse purpose, Instant at) {
        Set<String> wanted = new HashSet<>(recordIds);
        List<RecordConsent> rows = QuarkusTransaction.requiringNew().call(repository::recordConsents);
        Map<String, List<RecordConsent>> byRecord = new HashMap<>();
        for (RecordConsent row : rows) {
            if (wanted.contains(row.recordId())) {
                byRecord.computeIfAbsent(row.recordId(), id -> new ArrayList<>())
                        .add(row);
            }
        }
        SortedMap<String, Outcome> outcomes = new TreeMap<>();
        SortedMap<String, Integer> versions = new TreeMap<>();
        for (String recordId : wanted) {
            List<RecordConsent> consents = byRecord.getOrDefault(recordId, List.of());
            boolean revoked = false;
            boolean denied = false;
            boolean allPermit = true;
            Set<String> seen = new HashSet<>();
            for (RecordConsent c : consents) {
                revoked |= c.recordRevoked();
                if (c.consentId() == null || !seen.add(c.consentId())) {
                    continue;
                }
                versions.put(c.consentId(), c.version());
                Outcome one = decide(!c.consentRevoked(), c.provisions(), organisation, purpose, at);
                revoked |= one == Outcome.REVOKED;
                denied |= one == Outcome.DENY;
                allPermit &= one == Outcome.PERMIT;
            }
            outcomes.put(
                    recordId,
                    revoked
                            ? Outcome.REVOKED
                            : denied ? Outcome.DENY : !seen.isEmpty() && allPermit ? Outcome.PERMIT : Outcome.NONE);
        }
        return new Batch(outcomes, versions);
    }

    static Outcome decide(PatientConsent consent, String organisation, PurposeOfUse purpose, Instant at) {
        return decide(consent.active(), consent.provisions(), organisation, purpose, at);
    }

    private static Outcome decide(
            boolean active, List<ConsentProvision> provisions, String organisation, PurposeOfUse purpose, Instant at) {
        if (!active) {
            return Outcome.REVOKED;
        }
        boolean permitted = false;
        for (ConsentProvision p : provisions) {
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
