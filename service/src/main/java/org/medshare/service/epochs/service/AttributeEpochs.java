package org.medshare.service.epochs.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.abe.Attribute;
import org.medshare.ledger.event.AttributeEpoch;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.persistence.NativeRows;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The consortium's attribute epoch (the suffix of {@code dept:cardiology@2026Q4}, an {@link AttributeEpoch}). The
 * current epoch is the one of the latest raise, or {@code medshare.records.current-epoch} before any; every epoch
 * before the current one is retired: clinician keys are issued for the current epoch only, new policies name it, and
 * records still under a retired epoch are released to no other organisation's clinician until their hospital
 * uploads them again under the current one ({@code replaces} tag). Keys for enclaves (approved queries) cover every
 * epoch, so statistics still read records not yet re-encrypted.
 *
 * <p>A raise is a row in {@code attribute_epoch} (committed first: of two concurrent raises from the same epoch one
 * is refused) and then an EPOCH_RAISED ledger event; a row left without its event by a stop in between gets it
 * before the next raise. Thread-safe; the current epoch is cached and changes only here.
 */
@ApplicationScoped
public class AttributeEpochs {

    /**
     * The epochs as every party may read them.
     *
     * @param current     the epoch keys are issued for and new policies name
     * @param retired     the epochs that were current before, oldest first
     * @param raisedAt    when the current epoch was raised, or null for the initial epoch
     * @param ledgerIndex the EPOCH_RAISED event that raised it, or null for the initial epoch
     */
    public record EpochsView(
            String current,
            List<String> retired,
            @Schema(nullable = true) Instant raisedAt,
            @Schema(nullable = true) Long ledgerIndex) {}

    private final EntityManager em;
    private final LedgerService ledger;
    private final AttributeEpoch initial;
    private final Clock clock = Clock.systemUTC();
    private volatile AttributeEpoch current;

    @Inject
    AttributeEpochs(EntityManager em, LedgerService ledger, MedshareConfig config) {
        this.em = em;
        this.ledger = ledger;
        this.initial = AttributeEpoch.parse(config.records().currentEpoch());
    }

    /** The current epoch's text, e.g. {@code 2026Q4}. */
    public String current() {
        return currentEpoch().toString();
    }

    /**
     * Whether {@code attribute} carries an epoch before the current one. Attributes without an epoch, with one that is
     * not {@code YYYYQn}, or that do not parse are not retired.
     */
    public boolean isRetired(String attribute) {
        try {
            Optional<String> epoch = Attribute.of(attribute).epoch();
            return epoch.isPresent() && currentEpoch().isAfter(AttributeEpoch.parse(epoch.get()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The epochs that were current before the current one, oldest first. */
    public List<String> retired() {
        return view().retired();
    }

    /** The current epoch, the retired ones and the raise of the current one. */
    public EpochsView view() {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> rows());
        List<String> retired = new ArrayList<>();
        Instant raisedAt = null;
        Long index = null;
        String now = initial.toString();
        for (Object[] row : rows) {
            retired.add((String) row[1]);
            now = (String) row[0];
            raisedAt = NativeRows.instant(row[2]);
            index = row[3] == null ? null : ((Number) row[3]).longValue();
        }
        return new EpochsView(now, retired, raisedAt, index);
    }

    /**
     * Raises the epoch to {@code next} for {@code regulator}, appending EPOCH_RAISED (previous and new epoch).
     *
     * @throws RequestRefusedException 400 {@code invalid-epoch} unless {@code next} is {@code YYYYQn}, 409
     *     {@code epoch-not-later} unless it is after the current epoch (also when another raise won a race); nothing
     *     is written then
     */
    public synchronized EpochsView raise(Caller regulator, String next) {
        AttributeEpoch to;
        try {
            to = AttributeEpoch.parse(next);
        } catch (IllegalArgumentException e) {
            throw RequestRefusedException.invalid(
                    "invalid-epoch",
                    "Invalid epoch",
                    "epoch is a four-digit year, 'Q' and a quarter 1-4, e.g. 2027Q1.");
        }
        anchorPending();
        AttributeEpoch from = currentEpoch();
        if (!to.isAfter(from)) {
            throw notLater(to, from);
        }
        Instant now = clock.instant();
        try {
            QuarkusTransaction.requiringNew()
                    .run(() -> em.createNativeQuery("insert into attribute_epoch (epoch, previous_epoch, raised_by, "
                                    + "raised_at) values (?1, ?2, ?3, ?4)")
                            .setParameter(1, to.toString())
                            .setParameter(2, from.toString())
                            .setParameter(3, regulator.actor())
                            .setParameter(4, Timestamp.from(now))
                            .executeUpdate());
        } catch (PersistenceException e) {
            current = null;
            throw notLater(to, currentEpoch());
        }
        current = to;
        anchored(
                to,
                ledger.append(Event.epochRaised(now.toEpochMilli(), regulator.actor(), from, to))
                        .index());
        return view();
    }

    /**
     * Gives a raise committed without its EPOCH_RAISED (the process stopped between the two) its event before the next
     * raise, so the log keeps every raise in order: the event already on the log if it got there, else a new one.
     */
    private void anchorPending() {
        @SuppressWarnings("unchecked")
        List<Object[]> pending = QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery("select epoch, previous_epoch, raised_by, raised_at from "
                                + "attribute_epoch where ledger_index is null order by epoch")
                        .getResultList());
        if (pending.isEmpty()) {
            return;
        }
        List<LedgerEntry> logged = ledger.entriesOfTypes(Set.of(EventType.EPOCH_RAISED));
        for (Object[] row : pending) {
            String epoch = (String) row[0];
            long index = logged.stream()
                    .filter(e -> e.event().id(Field.EPOCH).equals(epoch))
                    .mapToLong(LedgerEntry::index)
                    .findFirst()
                    .orElseGet(() -> ledger.append(Event.epochRaised(
                                    NativeRows.instant(row[3]).toEpochMilli(),
                                    (String) row[2],
                                    AttributeEpoch.parse((String) row[1]),
                                    AttributeEpoch.parse(epoch)))
                            .index());
            anchored(AttributeEpoch.parse(epoch), index);
        }
        current = null;
    }

    private void anchored(AttributeEpoch epoch, long index) {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("update attribute_epoch set ledger_index = ?1 where epoch = ?2")
                        .setParameter(1, index)
                        .setParameter(2, epoch.toString())
                        .executeUpdate());
    }

    private static RequestRefusedException notLater(AttributeEpoch to, AttributeEpoch from) {
        return RequestRefusedException.conflict(
                "epoch-not-later",
                "Epoch not later",
                "The current epoch is " + from + "; a raise names a later one, " + to + " is not.");
    }

    private AttributeEpoch currentEpoch() {
        AttributeEpoch known = current;
        if (known == null) {
            known = QuarkusTransaction.requiringNew().call(() -> {
                List<Object[]> rows = rows();
                return rows.isEmpty() ? initial : AttributeEpoch.parse((String) rows.get(rows.size() - 1)[0]);
            });
            current = known;
        }
        return known;
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows() {
        return em.createNativeQuery("select epoch, previous_epoch, raised_at, ledger_index from attribute_epoch "
                        + "order by epoch")
                .getResultList();
    }
}
