package org.medshare.service.audit.service;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * A regulator's filter over ledger events; every part is optional and all given parts must hold.
 *
 * @param type   the event type
 * @param party  an organisation (or {@code organisation:subject}): matches the actor, payer, payee or key recipient,
 *               exactly or as the organisation part of {@code organisation:subject}
 * @param record a record id (or {@code consent:<id>} for a per-patient consent revocation)
 * @param query  a query id
 * @param since  first instant included ({@code yyyy-mm-dd} is the start of that day, UTC)
 * @param until  first instant excluded ({@code yyyy-mm-dd} is the end of that day, UTC)
 */
public record AuditFilter(EventType type, String party, String record, String query, Instant since, Instant until) {

    private static final String ID = "[A-Za-z0-9_.:@-]{1,128}";
    private static final List<Field> PARTY_FIELDS = List.of(Field.ACTOR, Field.PAYER, Field.PAYEE, Field.RECIPIENT);

    /** Entries that matched, and the index after the last examined entry. */
    record Page(List<LedgerEntry> entries, long nextFrom) {}

    /**
     * Parses the query parameters.
     *
     * @throws RequestRefusedException 400 naming the malformed parameter
     */
    public static AuditFilter of(String type, String party, String record, String query, String since, String until) {
        EventType t = null;
        if (type != null) {
            try {
                t = EventType.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw RequestRefusedException.invalid(
                        "unknown-event-type",
                        "Unknown event type",
                        "type must be one of " + List.of(EventType.values()) + ".");
            }
        }
        id("party", party);
        id("record", record);
        id("query", query);
        Instant from = instant("since", since, false);
        Instant to = instant("until", until, true);
        if (from != null && to != null && !from.isBefore(to)) {
            throw RequestRefusedException.invalid("invalid-range", "Invalid range", "since must be before until.");
        }
        return new AuditFilter(t, party, record, query, from, to);
    }

    boolean isEmpty() {
        return type == null && party == null && record == null && query == null && since == null && until == null;
    }

    boolean matches(Event e) {
        if (type != null && e.type() != type) {
            return false;
        }
        if (since != null && e.timestampMillis() < since.toEpochMilli()) {
            return false;
        }
        if (until != null && e.timestampMillis() >= until.toEpochMilli()) {
            return false;
        }
        if (record != null && !(e.type().fields().contains(Field.RECORD_ID) && record.equals(e.id(Field.RECORD_ID)))) {
            return false;
        }
        if (query != null && !(e.type().fields().contains(Field.QUERY_ID) && query.equals(e.id(Field.QUERY_ID)))) {
            return false;
        }
        if (party != null) {
            for (Field f : PARTY_FIELDS) {
                if (e.type().fields().contains(f)) {
                    String v = e.id(f);
                    if (v.equals(party) || v.startsWith(party + ":")) {
                        return true;
                    }
                }
            }
            return false;
        }
        return true;
    }

    /**
     * Up to {@code limit} matching entries from index {@code from}, examining at most {@code maxScan} entries (an
     * unfiltered page examines exactly the entries it returns).
     */
    Page page(LedgerService ledger, long from, int limit, int maxScan) {
        if (isEmpty()) {
            List<LedgerEntry> entries = ledger.entries(from, limit);
            return new Page(entries, entries.isEmpty() ? Math.max(from, ledger.size()) : from + entries.size());
        }
        List<LedgerEntry> out = new ArrayList<>();
        long next = from;
        long end = Math.min(ledger.size(), from + maxScan);
        while (next < end && out.size() < limit) {
            int chunk = (int) Math.min(1000, end - next);
            List<LedgerEntry> entries = ledger.entries(next, chunk);
            for (LedgerEntry e : entries) {
                next = e.index() + 1;
                if (matches(e.event())) {
                    out.add(e);
                    if (out.size() == limit) {
                        break;
                    }
                }
            }
            if (entries.isEmpty()) {
                break;
            }
        }
        return new Page(out, next);
    }

    private static void id(String name, String value) {
        if (value != null && !value.matches(ID)) {
            throw RequestRefusedException.invalid(
                    "invalid-filter", "Invalid filter", name + " must be 1-128 of [A-Za-z0-9_.:@-].");
        }
    }

    private static Instant instant(String name, String value, boolean endOfDay) {
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw RequestRefusedException.invalid(
                    "invalid-filter",
                    "Invalid filter",
                    name + " must be an ISO-8601 date (2026-11-25) or instant (2026-11-25T10:00:00Z).");
        }
    }
}
