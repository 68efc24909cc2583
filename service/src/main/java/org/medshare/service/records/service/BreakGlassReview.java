package org.medshare.service.records.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.medshare.service.identity.Caller;
import org.medshare.service.records.persistence.BreakGlassCase;
import org.medshare.service.records.persistence.ReleaseRepository;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The regulator's review queue of emergency ("break-glass") releases: every release {@link RecordRelease} logged with
 * BREAK_GLASS waits here until a regulator marks it reviewed, once (a second review changes nothing).
 */
@ApplicationScoped
public class BreakGlassReview {

    /** The longest review note, in characters. */
    public static final int MAX_NOTE = 1000;

    /** The outcome of a review: the case afterwards and whether this call reviewed it. */
    public record Review(BreakGlassCase breakGlass, boolean changed) {}

    private final ReleaseRepository releases;
    private final Clock clock = Clock.systemUTC();

    @Inject
    BreakGlassReview(ReleaseRepository releases) {
        this.releases = releases;
    }

    /**
     * Cases oldest first: those waiting for review ({@code state} {@code pending}, or null) or every one
     * ({@code all}).
     *
     * @throws RequestRefusedException 400 {@code invalid-state} for another state
     */
    public List<BreakGlassCase> list(String state, int offset, int limit) {
        if (state != null && !"pending".equals(state) && !"all".equals(state)) {
            throw RequestRefusedException.invalid(
                    "invalid-state", "Invalid state", "state is 'pending' (not yet reviewed) or 'all'.");
        }
        boolean pendingOnly = !"all".equals(state);
        return QuarkusTransaction.requiringNew().call(() -> releases.cases(pendingOnly, offset, limit));
    }

    /**
     * Marks the case of BREAK_GLASS event {@code ledgerIndexText} (a decimal ledger index) reviewed by {@code regulator} (idempotent: a reviewed
     * case keeps its first review).
     *
     * @param note an optional note (at most {@value #MAX_NOTE} characters, no control characters), or null
     * @throws RequestRefusedException 404 for no such case, 400 {@code invalid-note}
     */
    public Review review(Caller regulator, String ledgerIndexText, String note) {
        if (ledgerIndexText == null || !ledgerIndexText.matches("[0-9]{1,18}")) {
            throw RequestRefusedException.notFound("Break-glass case " + ledgerIndexText);
        }
        long ledgerIndex = Long.parseLong(ledgerIndexText);
        if (note != null && (note.length() > MAX_NOTE || note.codePoints().anyMatch(Character::isISOControl))) {
            throw RequestRefusedException.invalid(
                    "invalid-note",
                    "Invalid note",
                    "note has at most " + MAX_NOTE + " characters and no control characters.");
        }
        if (QuarkusTransaction.requiringNew()
                .call(() -> releases.breakGlassCase(ledgerIndex))
                .isEmpty()) {
            throw RequestRefusedException.notFound("Break-glass case " + ledgerIndex);
        }
        Instant now = clock.instant();
        boolean changed = QuarkusTransaction.requiringNew()
                .call(() -> releases.review(ledgerIndex, regulator.actor(), now, note));
        return new Review(
                QuarkusTransaction.requiringNew()
                        .call(() -> releases.breakGlassCase(ledgerIndex).orElseThrow()),
                changed);
    }
}
