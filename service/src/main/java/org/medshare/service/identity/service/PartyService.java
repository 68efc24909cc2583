package org.medshare.service.identity.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.medshare.service.identity.Caller;
import org.medshare.service.identity.persistence.PartyEntity;
import org.medshare.service.identity.persistence.PartyRepository;

/** Keeps the register of parties that have contacted the service. */
@ApplicationScoped
public class PartyService {

    private final PartyRepository parties;
    private final Clock clock;

    @Inject
    PartyService(PartyRepository parties) {
        this(parties, Clock.systemUTC());
    }

    PartyService(PartyRepository parties, Clock clock) {
        this.parties = parties;
        this.clock = clock;
    }

    /**
     * Records that {@code caller} was seen now: creates its row on first contact, else updates it.
     *
     * @return when the caller was first seen
     */
    @Transactional
    public Instant recordContact(Caller caller) {
        Instant now = clock.instant();
        String roles = String.join(",", caller.roles());
        PartyEntity party =
                parties.find(caller.subject(), caller.organisation()).orElse(null);
        if (party == null) {
            party = new PartyEntity(caller.subject(), caller.organisation(), roles, now);
            parties.persist(party);
        } else {
            party.seenAgain(roles, now);
        }
        return party.firstSeen();
    }

    /** API model of one registered party. */
    public record PartySummary(
            String subject, String organisation, String roles, Instant firstSeen, Instant lastSeen) {}

    /** Every registered party, ordered by organisation then subject. */
    @Transactional
    public List<PartySummary> list() {
        return parties.all().stream()
                .map(p -> new PartySummary(p.subject(), p.organisation(), p.roles(), p.firstSeen(), p.lastSeen()))
                .toList();
    }
}
