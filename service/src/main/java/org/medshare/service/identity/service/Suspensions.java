package org.medshare.service.identity.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The consortium's black list of organisations, kept on the ledger: a regulator's suspension is an
 * ORGANISATION_SUSPENDED event and its lifting an ORGANISATION_REINSTATED event, and the list in force is
 * rebuilt from the ledger when the service starts, so it is exactly what the offline verifier enforces at each
 * log position. While an organisation is suspended its tokens may read but not write, and no record is
 * released to it ({@code SuspensionFilter}). Thread-safe.
 */
@ApplicationScoped
public class Suspensions {

    /** The reason codes a suspension may give (the ledger holds codes, never free text). */
    public static final Set<String> REASONS =
            Set.of("investigation", "security-incident", "licence-lapsed", "rule-breach", "member-request");

    private static final String ORGANISATION = "[a-z0-9][a-z0-9-]{0,63}";

    /** An organisation's suspension in force: why, since when, and the ledger entry that decided it. */
    public record Suspension(String organisation, String reason, Instant since, long ledgerIndex) {}

    /** The end of a suspension: the ledger entry of the ORGANISATION_REINSTATED event. */
    public record Reinstatement(String organisation, long ledgerIndex) {}

    private final LedgerService ledger;
    private final Clock clock;
    private final Map<String, Suspension> suspended = new TreeMap<>();

    @Inject
    Suspensions(LedgerService ledger) {
        this.ledger = ledger;
        this.clock = Clock.systemUTC();
        for (LedgerEntry entry :
                ledger.entriesOfTypes(Set.of(EventType.ORGANISATION_SUSPENDED, EventType.ORGANISATION_REINSTATED))) {
            apply(entry.index(), entry.event());
        }
    }

    /** Whether {@code organisation} is suspended now. */
    public synchronized boolean isSuspended(String organisation) {
        return suspended.containsKey(organisation);
    }

    /** The suspensions in force, by organisation. */
    public synchronized List<Suspension> list() {
        return List.copyOf(suspended.values());
    }

    /**
     * Suspends {@code organisation} for {@code reason}, appending ORGANISATION_SUSPENDED; idempotent (an
     * organisation already suspended keeps its suspension and nothing is appended).
     *
     * @throws RequestRefusedException 400 for a malformed organisation or an unknown reason code, 409 when the
     *     regulator names its own organisation
     */
    public synchronized Suspension suspend(Caller regulator, String organisation, String reason) {
        checkOrganisation(organisation);
        if (reason == null || !REASONS.contains(reason)) {
            throw RequestRefusedException.invalid(
                    "invalid-reason", "Invalid reason", "The reason must be one of " + new TreeSet<>(REASONS) + ".");
        }
        if (organisation.equals(regulator.organisation())) {
            throw RequestRefusedException.conflict(
                    "own-organisation", "Own organisation", "A regulator cannot suspend its own organisation.");
        }
        Suspension existing = suspended.get(organisation);
        if (existing != null) {
            return existing;
        }
        Instant now = clock.instant();
        long index = ledger.append(
                        Event.organisationSuspended(now.toEpochMilli(), regulator.actor(), organisation, reason))
                .index();
        Suspension s = new Suspension(organisation, reason, now, index);
        suspended.put(organisation, s);
        return s;
    }

    /**
     * Lifts the suspension of {@code organisation}, appending ORGANISATION_REINSTATED.
     *
     * @throws RequestRefusedException 400 for a malformed organisation, 404 when it is not suspended
     */
    public synchronized Reinstatement reinstate(Caller regulator, String organisation) {
        checkOrganisation(organisation);
        if (!suspended.containsKey(organisation)) {
            throw RequestRefusedException.notFound("A suspension of " + organisation);
        }
        long index = ledger.append(Event.organisationReinstated(clock.millis(), regulator.actor(), organisation))
                .index();
        suspended.remove(organisation);
        return new Reinstatement(organisation, index);
    }

    private void apply(long index, Event event) {
        if (event.type() == EventType.ORGANISATION_SUSPENDED) {
            String organisation = event.id(Field.ORGANISATION);
            suspended.put(
                    organisation,
                    new Suspension(
                            organisation,
                            event.id(Field.REASON),
                            Instant.ofEpochMilli(event.timestampMillis()),
                            index));
        } else if (event.type() == EventType.ORGANISATION_REINSTATED) {
            suspended.remove(event.id(Field.ORGANISATION));
        }
    }

    private static void checkOrganisation(String organisation) {
        if (organisation == null || !organisation.matches(ORGANISATION)) {
            throw RequestRefusedException.invalid(
                    "invalid-organisation",
                    "Invalid organisation",
                    "An organisation id is 1 to 64 lower-case letters, digits and hyphens.");
        }
    }
}
