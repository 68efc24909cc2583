package org.medshare.service.records.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.medshare.abe.Policy;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.service.consent.service.ConsentDecisions;
import org.medshare.service.consent.service.ConsentDecisions.Decision;
import org.medshare.service.epochs.service.AttributeEpochs;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.EncodedEntry;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.records.PurposeOfUse;
import org.medshare.service.records.persistence.BreakGlassCase;
import org.medshare.service.records.persistence.RecordAccess;
import org.medshare.service.records.persistence.RecordEntity;
import org.medshare.service.records.persistence.ReleaseRepository;
import org.medshare.service.refusal.Refusal;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Decides whether a record's ciphertext is released to a caller, and records every release.
 *
 * <p>The record's own organisation keeps its access: released unless the consent behind the record is revoked; a
 * purpose of use is optional. A clinician of <em>another</em> organisation gets the ciphertext only when, in this
 * order (the first that fails refuses the request, 403 problem+json naming it, before anything is written):
 * <ol>
 *   <li>the request names a purpose of use ({@code purpose-required});</li>
 *   <li>the record's policy is satisfied by the caller's attributes as its token proves them
 *       ({@link ClinicianAttributes}; a public check on the policy text, nothing is decrypted;
 *       {@code policy-not-satisfied});</li>
 *   <li>the patient's consent ({@link ConsentDecisions}) is not revoked ({@code consent-revoked}), does not deny the
 *       release to the caller's organisation for that purpose ({@code consent-denied}), and permits it
 *       ({@code consent-not-granted}) &mdash; except for emergency treatment ({@link PurposeOfUse#ETREAT}), which a
 *       consent that does not deny it lets through as break-glass;</li>
 *   <li>an {@code ETREAT} request carries a written reason ({@code reason-required}).</li>
 * </ol>
 * A suspended organisation is refused earlier, by the suspension filter. A malformed {@code purpose} or
 * {@code reason} is refused with 400 before any check.
 *
 * <p>Each release appends an ACCESS event (actor {@code organisation:subject}, the record, and the purpose with the
 * versions of the consents that decided it, see {@link EventType#ACCESS}) and waits until it is durable before any byte
 * is served (not for the checkpoint that will cover it: its proof is served later, {@link #accessProof}); a break-glass
 * release appends BREAK_GLASS right after it (in the same group commit) with a salted hash of the reason, and enters the
 * regulator's review queue. Every refusal counts in the metric {@value #REFUSED} (tag {@code reason}: the problem
 * type), every release in {@value #RELEASED} (tags {@code purpose}, {@code recipient} = {@code owner} or
 * {@code other}, {@code break_glass}).
 */
@ApplicationScoped
public class RecordRelease {

    /** Counter of refused record releases. */
    public static final String REFUSED = "medshare.records.release.refused";
    /** Counter of record releases. */
    public static final String RELEASED = "medshare.records.release.granted";
    /** The ACCESS purpose of the owner's download without a named purpose (as before purposes were asked for). */
    public static final String OWNER_DOWNLOAD = "ciphertext-download";
    /** Shortest and longest written reason of an emergency release, in characters. */
    public static final int MIN_REASON = 10;

    public static final int MAX_REASON = 1000;

    private static final int SALT_BYTES = 16;

    private final ConsentDecisions consents;
    private final ReleaseRepository releases;
    private final LedgerService ledger;
    private final MeterRegistry meters;
    private final AttributeEpochs epochs;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    @Inject
    RecordRelease(
            ConsentDecisions consents,
            ReleaseRepository releases,
            LedgerService ledger,
            MeterRegistry meters,
            AttributeEpochs epochs) {
        this.consents = consents;
        this.releases = releases;
        this.ledger = ledger;
        this.meters = meters;
        this.epochs = epochs;
    }

    /**
     * Checks the release of {@code record} to {@code caller} and, when allowed, records it (ACCESS, and BREAK_GLASS
     * for an emergency release the consent did not permit).
     *
     * @param purposeCode the request's {@code purpose} parameter, or null
     * @param reasonText  the request's {@code reason} parameter, or null
     * @throws RequestRefusedException naming the check that failed; nothing was written
     */
    public void release(Caller caller, RecordEntity record, String purposeCode, String reasonText) {
        Optional<PurposeOfUse> purpose = purpose(purposeCode);
        Optional<String> reason = reason(reasonText, purpose);
        boolean owner = record.organisation().equals(caller.organisation());
        Instant now = clock.instant();
        if (owner) {
            if (consents.decide(record.id(), caller.organisation(), purpose.orElse(PurposeOfUse.TREAT), now)
                            .outcome()
                    == ConsentDecisions.Outcome.REVOKED) {
                throw revoked(record);
            }
            log(caller, record, purpose.map(Enum::name).orElse(null), null, Optional.empty(), now);
            return;
        }
        if (purpose.isEmpty()) {
            throw forbidden(
                    "purpose-required",
                    "Purpose of use required",
                    "Record " + record.id() + " belongs to " + record.organisation() + ": name the purpose of use "
                            + "(purpose=" + String.join("|", PurposeOfUse.codes()) + ").");
        }
        if (record.supersededBy() != null) {
            throw forbidden(
                    "record-superseded",
                    "Record superseded",
                    "Record " + record.id() + " was replaced by a newer version of " + record.organisation()
                            + "; search the patient's records again.");
        }
        Policy policy = Policy.parse(record.policy());
        SortedSet<String> current = ClinicianAttributes.of(caller, epochs.current());
        if (!policy.isSatisfiedBy(current)) {
            SortedSet<String> withRetired = new TreeSet<>(current);
            withRetired.addAll(ClinicianAttributes.retired(caller, epochs));
            if (policy.isSatisfiedBy(withRetired)) {
                throw forbidden(
                        "epoch-retired",
                        "Epoch retired",
                        "Record " + record.id() + " opens only with attributes of a retired epoch, or with an"
                                + " organisation attribute without one (the current epoch is " + epochs.current()
                                + "); " + record.organisation()
                                + " has not re-encrypted it yet.");
            }
            throw forbidden(
                    "policy-not-satisfied",
                    "Policy not satisfied",
                    "Your attributes do not satisfy the policy of record " + record.id() + ".");
        }
        Decision decision = consents.decide(record.id(), caller.organisation(), purpose.get(), now);
        boolean emergency = purpose.get() == PurposeOfUse.ETREAT;
        switch (decision.outcome()) {
            case REVOKED -> throw revoked(record);
            case DENY ->
                throw forbidden(
                        "consent-denied",
                        "Consent denies the release",
                        "The patient's consent denies releasing record " + record.id() + " to " + caller.organisation()
                                + " for " + purpose.get() + ".");
            case NONE -> {
                if (!emergency) {
                    throw forbidden(
                            "consent-not-granted",
                            "Consent does not permit the release",
                            "The patient's consent does not permit releasing record " + record.id() + " to "
                                    + caller.organisation() + " for " + purpose.get() + ".");
                }
            }
            case PERMIT -> {}
        }
        if (emergency && reason.isEmpty()) {
            throw forbidden(
                    "reason-required",
                    "Emergency access reason required",
                    "Emergency access (purpose=ETREAT) to record " + record.id() + " needs a written reason "
                            + "(reason=..., " + MIN_REASON + " to " + MAX_REASON + " characters).");
        }
        boolean breakGlass = emergency && decision.outcome() == ConsentDecisions.Outcome.NONE;
        log(
                caller,
                record,
                purpose.get().name(),
                "consent-" + decision.versions(),
                breakGlass ? reason : Optional.empty(),
                now);
    }

    /** Counts a refused release (including those refused before this class is reached). */
    public void countRefusal(String reason) {
        meters.counter(REFUSED, "reason", reason).increment();
    }

    /**
     * A release's ACCESS event as the ledger stores it, with its inclusion proof against a signed checkpoint: what the
     * owner of the record needs to check, on its side, that the release it is shown is in the log.
     */
    public record AccessProof(EncodedEntry entry, LedgerReceipt receipt) {}

    /**
     * The proof of the release whose ACCESS event is at {@code ledgerIndex}.
     *
     * @throws RequestRefusedException 404 unless it is the release of one of the caller organisation's records
     */
    public AccessProof accessProof(Caller caller, long ledgerIndex) {
        boolean own =
                QuarkusTransaction.requiringNew().call(() -> releases.isReleaseOf(caller.organisation(), ledgerIndex));
        if (!own) {
            throw RequestRefusedException.notFound("Release " + ledgerIndex + " of your organisation's records");
        }
        return new AccessProof(ledger.encodedEntry(ledgerIndex), ledger.receiptFor(ledgerIndex));
    }

    /** Releases of the caller organisation's records, newest first. */
    public List<RecordAccess> accessesOf(Caller caller, int offset, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> releases.accessesOf(caller.organisation(), offset, limit));
    }

    private void log(
            Caller caller,
            RecordEntity record,
            String purpose,
            String consentPart,
            Optional<String> breakGlassReason,
            Instant now) {
        String eventPurpose =
                purpose == null ? OWNER_DOWNLOAD : consentPart == null ? purpose : purpose + ":" + consentPart;
        Event access = Event.builder(EventType.ACCESS)
                .timestamp(now.toEpochMilli())
                .id(Field.ACTOR, caller.actor())
                .id(Field.RECORD_ID, record.id())
                .id(Field.PURPOSE, eventPurpose)
                .build();
        String consentVersions = consentPart == null ? null : consentPart.substring("consent-".length());
        if (breakGlassReason.isEmpty()) {
            long accessIndex = ledger.appendDurably(List.of(access)).get(0);
            QuarkusTransaction.requiringNew()
                    .run(() -> releases.persist(
                            access(accessIndex, caller, record, purpose, consentVersions, false, now)));
        } else {
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            String reason = breakGlassReason.get();
            Event glass = Event.builder(EventType.BREAK_GLASS)
                    .timestamp(now.toEpochMilli())
                    .id(Field.ACTOR, caller.actor())
                    .id(Field.RECORD_ID, record.id())
                    .id(Field.PURPOSE, purpose)
                    .hash(Field.REASON_HASH, SaltedHash.of("reason", salt, reason.getBytes(StandardCharsets.UTF_8)))
                    .build();
            List<Long> indexes = ledger.appendDurably(List.of(access, glass));
            long accessIndex = indexes.get(0);
            long glassIndex = indexes.get(1);
            QuarkusTransaction.requiringNew().run(() -> {
                releases.persist(access(accessIndex, caller, record, purpose, consentVersions, true, now));
                releases.persist(new BreakGlassCase(
                        glassIndex,
                        accessIndex,
                        record.id(),
                        record.organisation(),
                        caller.actor(),
                        caller.organisation(),
                        reason,
                        HexFormat.of().formatHex(salt),
                        now,
                        null,
                        null,
                        null));
            });
        }
        meters.counter(
                        RELEASED,
                        "purpose",
                        purpose == null ? "none" : purpose,
                        "recipient",
                        consentPart == null ? "owner" : "other",
                        "break_glass",
                        Boolean.toString(breakGlassReason.isPresent()))
                .increment();
    }

    private static RecordAccess access(
            long index,
            Caller caller,
            RecordEntity record,
            String purpose,
            String consentVersions,
            boolean breakGlass,
            Instant at) {
        return new RecordAccess(
                index,
                record.id(),
                record.organisation(),
                caller.actor(),
                caller.organisation(),
                purpose,
                consentVersions,
                breakGlass,
                at);
    }

    private static Optional<PurposeOfUse> purpose(String code) {
        if (code == null) {
            return Optional.empty();
        }
        return Optional.of(PurposeOfUse.ofCode(code)
                .orElseThrow(() -> RequestRefusedException.invalid(
                        "invalid-purpose",
                        "Invalid purpose of use",
                        "purpose is an HL7 v3 PurposeOfUse code: one of " + PurposeOfUse.codes() + ".")));
    }

    private static Optional<String> reason(String text, Optional<PurposeOfUse> purpose) {
        if (text == null) {
            return Optional.empty();
        }
        String reason = text.strip();
        if (reason.length() < MIN_REASON
                || reason.length() > MAX_REASON
                || reason.codePoints().anyMatch(Character::isISOControl)) {
            throw RequestRefusedException.invalid(
                    "invalid-reason",
                    "Invalid reason",
                    "reason is a written reason of " + MIN_REASON + " to " + MAX_REASON
                            + " characters without control characters.");
        }
        if (purpose.orElse(null) != PurposeOfUse.ETREAT) {
            throw RequestRefusedException.invalid(
                    "invalid-reason", "Invalid reason", "reason goes with purpose=ETREAT (emergency access) only.");
        }
        return Optional.of(reason);
    }

    private static RequestRefusedException revoked(RecordEntity record) {
        return new RequestRefusedException(
                Refusal.FORBIDDEN,
                "consent-revoked",
                "Consent revoked",
                "The patient's consent for record " + record.id() + " was revoked; its ciphertext is no longer "
                        + "released.");
    }

    private static RequestRefusedException forbidden(String kind, String title, String detail) {
        return new RequestRefusedException(Refusal.FORBIDDEN, kind, title, detail);
    }
}
