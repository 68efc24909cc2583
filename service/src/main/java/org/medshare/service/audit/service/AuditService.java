package org.medshare.service.audit.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.audit.fhir.BalpAuditEvents;
import org.medshare.service.fhir.FhirJson;
import org.medshare.service.identity.service.PartyService;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The audit trail as a regulator reads it: ledger events (filtered and paged, never more than {@link #MAX_SCAN}
 * entries examined per request), signed checkpoints with their cosignatures, inclusion and consistency proofs to
 * check them offline, the incentive contract's balances of every known organisation, and the FHIR AuditEvent
 * export after IHE BALP. Everything here reads; nothing changes the ledger.
 */
@ApplicationScoped
public class AuditService {

    /** Most ledger entries one filtered request examines, so a request stays bounded. */
    static final int MAX_SCAN = 10_000;

    /** API model of one ledger event: its fields as ids, hex hashes, amounts and hex call data. */
    public record EventView(long index, String type, long timestampMillis, Map<String, Object> fields) {
        static EventView of(LedgerEntry entry) {
            Event event = entry.event();
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Field f : event.type().fields()) {
                String name = fieldName(f);
                switch (f.kind()) {
                    case ID -> fields.put(name, event.id(f));
                    case HASH -> fields.put(name, HexFormat.of().formatHex(event.hash(f)));
                    case AMOUNT -> fields.put(name, event.amount(f));
                    case DATA -> fields.put(name, HexFormat.of().formatHex(event.data(f)));
                }
            }
            return new EventView(entry.index(), event.type().name(), event.timestampMillis(), fields);
        }
    }

    /**
     * API model of a ledger event type: its name (as {@link EventView#type()} shows it), its wire code and its field
     * names in canonical order (as {@link EventView#fields()} names them).
     */
    public record EventTypeView(String name, int code, List<String> fields) {
        static EventTypeView of(EventType type) {
            return new EventTypeView(
                    type.name(),
                    type.code(),
                    type.fields().stream().map(AuditService::fieldName).toList());
        }
    }

    /**
     * API model of a signed checkpoint: the tree head and every signature line the note carries (the ledger
     * member's and any witness cosignatures), by key name and key id; {@code note} is the whole signed note,
     * verifiable offline.
     */
    public record CheckpointView(
            String origin, long treeSize, String rootHash, List<SignatureView> signatures, String note) {
        static CheckpointView of(SignedCheckpoint c) {
            List<SignatureView> signatures = c.note().signatures().stream()
                    .map(s -> new SignatureView(s.keyName(), String.format("%08x", s.keyId())))
                    .toList();
            return new CheckpointView(
                    c.checkpoint().origin(),
                    c.checkpoint().size(),
                    Base64.getEncoder().encodeToString(c.checkpoint().rootHash()),
                    signatures,
                    c.format());
        }
    }

    /** One signature line of a signed note (C2SP signed-note: key name, 4-byte key id). */
    public record SignatureView(String keyName, String keyId) {}

    /** API model of a consistency proof between two checkpoints' tree sizes. */
    public record ConsistencyView(long fromSize, long toSize, List<String> proof) {}

    /**
     * One page of filtered events.
     *
     * @param events   what matched, in ledger order
     * @param nextFrom the index to continue from, or null when no entry after the page remains unexamined
     */
    public record EventPage(List<EventView> events, Long nextFrom) {}

    /**
     * One page of the FHIR export.
     *
     * @param body     the AuditEvents of the matching events in {@code format}
     * @param nextFrom the index to continue from, or null when no entry after the page remains unexamined
     */
    public record Export(ExportFormat format, String body, Long nextFrom) {}

    /** The two forms of the FHIR export. */
    public enum ExportFormat {
        /** One collection Bundle of AuditEvents ({@code application/fhir+json}). */
        FHIR,
        /** One AuditEvent per line ({@code application/fhir+ndjson}, FHIR bulk data). */
        NDJSON;

        /**
         * @throws RequestRefusedException 400 {@code unknown-format} for anything but fhir or ndjson (any case)
         */
        public static ExportFormat parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "fhir" -> FHIR;
                case "ndjson" -> NDJSON;
                default ->
                    throw RequestRefusedException.invalid(
                            "unknown-format",
                            "Unknown format",
                            "format is fhir (a Bundle of AuditEvents) or ndjson (one AuditEvent per line).");
            };
        }
    }

    private final LedgerService ledger;
    private final PaymentService payments;
    private final PartyService parties;
    private final RecordService records;
    private final FhirJson fhir;
    private final BalpAuditEvents balp;

    @Inject
    AuditService(
            LedgerService ledger, PaymentService payments, PartyService parties, RecordService records, FhirJson fhir) {
        this.ledger = ledger;
        this.payments = payments;
        this.parties = parties;
        this.records = records;
        this.fhir = fhir;
        this.balp = new BalpAuditEvents(ledger.origin());
    }

    /** Up to {@code limit} events from index {@code from} that {@code filter} matches. */
    public EventPage events(AuditFilter filter, long from, int limit) {
        AuditFilter.Page page = filter.page(ledger, from, limit, MAX_SCAN);
        return new EventPage(page.entries().stream().map(EventView::of).toList(), nextFrom(page));
    }

    /** Up to {@code limit} matching events from index {@code from}, as FHIR JSON in {@code format}. */
    public Export export(ExportFormat format, AuditFilter filter, long from, int limit) {
        AuditFilter.Page page = filter.page(ledger, from, limit, MAX_SCAN);
        String body = switch (format) {
            case FHIR -> fhir.write(balp.bundle(page.entries()));
            case NDJSON -> ndjson(page.entries());
        };
        return new Export(format, body, nextFrom(page));
    }

    /** Every event type the ledger knows, in wire-code order; the same list on every call. */
    public List<EventTypeView> eventTypes() {
        return Arrays.stream(EventType.values())
                .sorted(Comparator.comparingInt(EventType::code))
                .map(EventTypeView::of)
                .toList();
    }

    /** Signed checkpoints, oldest first. */
    public List<CheckpointView> checkpoints(int offset, int limit) {
        return ledger.checkpoints().stream()
                .skip(offset)
                .limit(limit)
                .map(CheckpointView::of)
                .toList();
    }

    /**
     * The latest signed checkpoint as a C2SP signed note.
     *
     * @throws RequestRefusedException 404 before the first checkpoint
     */
    public String latestCheckpoint() {
        SignedCheckpoint checkpoint = ledger.latestCheckpoint();
        if (checkpoint == null) {
            throw RequestRefusedException.notFound("A checkpoint");
        }
        return checkpoint.format();
    }

    /**
     * The inclusion proof of entry {@code index} against the latest checkpoint covering it or, with
     * {@code treeSize}, against the checkpoint the ledger signed at that size (the one a regulator pinned).
     *
     * @param treeSize a checkpoint's size, or null for the latest checkpoint covering the entry
     * @throws RequestRefusedException 404 for an index at or beyond the ledger's size or a size the ledger signed
     *     no checkpoint at; 400 for an index not below {@code treeSize}
     */
    public LedgerReceipt inclusion(long index, Long treeSize) {
        if (index >= ledger.size()) {
            throw RequestRefusedException.notFound("Ledger entry " + index);
        }
        if (treeSize == null) {
            return ledger.receiptFor(index);
        }
        if (index >= treeSize) {
            throw RequestRefusedException.invalid(
                    "invalid-range", "Invalid range", "Requires index < size (" + treeSize + ").");
        }
        LedgerReceipt receipt = ledger.receiptAt(index, treeSize);
        if (receipt == null) {
            throw RequestRefusedException.notFound("A checkpoint of size " + treeSize);
        }
        return receipt;
    }

    /**
     * The RFC 9162 consistency proof between tree sizes {@code from} and {@code to}.
     *
     * @throws RequestRefusedException 400 unless 0 &lt;= from &lt;= to &lt;= the ledger's size
     */
    public ConsistencyView consistency(long from, long to) {
        if (from > to || to > ledger.size()) {
            throw RequestRefusedException.invalid(
                    "invalid-range", "Invalid range", "Requires 0 <= from <= to <= " + ledger.size() + ".");
        }
        return new ConsistencyView(from, to, ledger.consistencyProof(from, to));
    }

    /** The contract balances of every organisation known to the service: parties and hospitals with records. */
    public List<PaymentService.Balance> balances() {
        TreeSet<String> organisations =
                new TreeSet<>(records.hospitalsByNumber().values());
        parties.list().forEach(p -> organisations.add(p.organisation()));
        return organisations.stream().map(payments::balance).toList();
    }

    private Long nextFrom(AuditFilter.Page page) {
        return page.nextFrom() < ledger.size() ? page.nextFrom() : null;
    }

    private String ndjson(List<LedgerEntry> entries) {
        StringBuilder out = new StringBuilder();
        for (LedgerEntry e : entries) {
            out.append(fhir.write(balp.of(e))).append('\n');
        }
        return out.toString();
    }

    /** A field's name in the API: the ledger's field name in lower case ({@code record_id}). */
    private static String fieldName(Field field) {
        return field.name().toLowerCase(Locale.ROOT);
    }
}
