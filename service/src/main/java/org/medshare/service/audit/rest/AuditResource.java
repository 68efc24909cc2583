package org.medshare.service.audit.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.Field;
import org.medshare.service.audit.fhir.BalpAuditEvents;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.fhir.FhirJson;
import org.medshare.service.identity.service.PartyService;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.problem.RequestRefusedException;

/**
 * The audit trail for regulators: events (filtered, paged), signed checkpoints with their cosignatures, the proofs
 * to check them offline, the incentive contract's balances, and the FHIR AuditEvent export (IHE BALP).
 */
@Path("/api/v1/audit")
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("regulator")
public class AuditResource {

    /** API model of one ledger event: its fields as ids, hex hashes, amounts and hex call data. */
    public record EventView(long index, String type, long timestampMillis, Map<String, Object> fields) {
        static EventView of(long index, Event event) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Field f : event.type().fields()) {
                String name = f.name().toLowerCase(Locale.ROOT);
                switch (f.kind()) {
                    case ID -> fields.put(name, event.id(f));
                    case HASH -> fields.put(name, HexFormat.of().formatHex(event.hash(f)));
                    case AMOUNT -> fields.put(name, event.amount(f));
                    case DATA -> fields.put(name, HexFormat.of().formatHex(event.data(f)));
                }
            }
            return new EventView(index, event.type().name(), event.timestampMillis(), fields);
        }
    }

    /** API model of a consistency proof between two checkpoints' tree sizes. */
    public record ConsistencyView(long fromSize, long toSize, List<String> proof) {
    }

    private final LedgerService ledger;
    private final PaymentService payments;
    private final PartyService parties;
    private final FhirJson fhir;
    private final BalpAuditEvents balp;
    private final RecordService records;

    @Inject
    AuditResource(LedgerService ledger, PaymentService payments, PartyService parties, FhirJson fhir,
                  MedshareConfig config, RecordService records) {
        this.records = records;
        this.ledger = ledger;
        this.payments = payments;
        this.parties = parties;
        this.fhir = fhir;
        this.balp = new BalpAuditEvents(config.ledger().origin());
    }

    /** Most ledger entries one events request examines when filtering, so a request stays bounded. */
    static final int MAX_SCAN = 10_000;
    /** Response header: the index to continue from (present when entries after the answer remain unexamined). */
    static final String NEXT_FROM = "X-Next-From";

    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ledger events from an index, filtered by type, party, record, query and time; "
            + "X-Next-From names where to continue")
    public Response events(@QueryParam("from") @DefaultValue("0") @Min(0) long from,
                           @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
                           @QueryParam("type") String type,
                           @QueryParam("party") String party,
                           @QueryParam("record") String record,
                           @QueryParam("query") String query,
                           @QueryParam("since") String since,
                           @QueryParam("until") String until) {
        AuditFilter filter = AuditFilter.of(type, party, record, query, since, until);
        AuditFilter.Page page = filter.page(ledger, from, limit, MAX_SCAN);
        Response.ResponseBuilder answer = Response.ok(
                page.entries().stream().map(e -> EventView.of(e.index(), e.event())).toList(), MediaType.APPLICATION_JSON);
        if (page.nextFrom() < ledger.size()) {
            answer.header(NEXT_FROM, page.nextFrom());
        }
        return answer.build();
    }

    /**
     * API model of a signed checkpoint: the tree head and every signature line the note carries (the ledger
     * member's and any witness cosignatures), by key name and key id; {@code note} is the whole signed note,
     * verifiable offline.
     */
    public record CheckpointView(String origin, long treeSize, String rootHash, List<SignatureView> signatures,
                                 String note) {
    }

    /** One signature line of a signed note (C2SP signed-note: key name, 4-byte key id). */
    public record SignatureView(String keyName, String keyId) {
    }

    @GET
    @Path("/checkpoints")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Signed checkpoints, oldest first, with the signatures and cosignatures each note carries")
    public List<CheckpointView> checkpoints(@QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
                                            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        List<SignedCheckpoint> all = ledger.checkpoints();
        return all.stream().skip(offset).limit(limit).map(AuditResource::checkpointView).toList();
    }

    static CheckpointView checkpointView(SignedCheckpoint c) {
        List<SignatureView> signatures = c.note().signatures().stream()
                .map(s -> new SignatureView(s.keyName(), String.format("%08x", s.keyId()))).toList();
        return new CheckpointView(c.checkpoint().origin(), c.checkpoint().size(),
                java.util.Base64.getEncoder().encodeToString(c.checkpoint().rootHash()), signatures, c.format());
    }

    @GET
    @Path("/balances")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The incentive contract's escrow and earnings of every organisation known to the service "
            + "(parties that contacted it and hospitals with records)")
    public List<PaymentService.Balance> balances() {
        java.util.TreeSet<String> organisations = new java.util.TreeSet<>(records.hospitalsByNumber().values());
        parties.list().forEach(p -> organisations.add(p.organisation()));
        return organisations.stream().map(payments::balance).toList();
    }

    @GET
    @Path("/export")
    @Produces({FhirJson.MEDIA_TYPE, AuditResource.FHIR_NDJSON, MediaType.APPLICATION_JSON})
    @Operation(summary = "The trail as FHIR R4 AuditEvents after IHE BALP: format=fhir (a collection Bundle) or "
            + "format=ndjson (one AuditEvent per line); filters as for events; X-Next-From names where to continue")
    public Response export(@QueryParam("format") @DefaultValue("fhir") String format,
                           @QueryParam("from") @DefaultValue("0") @Min(0) long from,
                           @QueryParam("limit") @DefaultValue("1000") @Min(1) @Max(1000) int limit,
                           @QueryParam("type") String type,
                           @QueryParam("party") String party,
                           @QueryParam("record") String record,
                           @QueryParam("query") String query,
                           @QueryParam("since") String since,
                           @QueryParam("until") String until) {
        String wanted = format.toLowerCase(Locale.ROOT);
        if (!wanted.equals("fhir") && !wanted.equals("ndjson")) {
            throw RequestRefusedException.badRequest("unknown-format", "Unknown format",
                    "format is fhir (a Bundle of AuditEvents) or ndjson (one AuditEvent per line).");
        }
        AuditFilter.Page page = AuditFilter.of(type, party, record, query, since, until)
                .page(ledger, from, limit, MAX_SCAN);
        Response.ResponseBuilder answer = wanted.equals("fhir")
                ? Response.ok(fhir.write(balp.bundle(page.entries())), FhirJson.MEDIA_TYPE)
                : Response.ok(ndjson(page.entries()), FHIR_NDJSON);
        if (page.nextFrom() < ledger.size()) {
            answer.header(NEXT_FROM, page.nextFrom());
        }
        return answer.build();
    }

    /** FHIR bulk data's NDJSON media type. */
    static final String FHIR_NDJSON = "application/fhir+ndjson";

    private String ndjson(List<LedgerService.LedgerEntry> entries) {
        StringBuilder out = new StringBuilder();
        for (LedgerService.LedgerEntry e : entries) {
            out.append(fhir.write(balp.of(e))).append('\n');
        }
        return out.toString();
    }

    @GET
    @Path("/checkpoint")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The latest signed checkpoint (C2SP signed note)")
    public String latestCheckpoint() {
        SignedCheckpoint checkpoint = ledger.latestCheckpoint();
        if (checkpoint == null) {
            throw RequestRefusedException.notFound("A checkpoint");
        }
        return checkpoint.format();
    }

    @GET
    @Path("/proofs/inclusion")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Inclusion proof of an event against the latest checkpoint covering it")
    public LedgerReceipt inclusion(@QueryParam("index") @Min(0) long index) {
        if (index >= ledger.size()) {
            throw RequestRefusedException.notFound("Ledger entry " + index);
        }
        return ledger.receiptFor(index);
    }

    @GET
    @Path("/proofs/consistency")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "RFC 9162 consistency proof between two tree sizes")
    public ConsistencyView consistency(@QueryParam("from") @Min(0) long from, @QueryParam("to") @Min(1) long to) {
        if (from > to || to > ledger.size()) {
            throw RequestRefusedException.badRequest("invalid-range", "Invalid range",
                    "Requires 0 <= from <= to <= " + ledger.size() + ".");
        }
        return new ConsistencyView(from, to, ledger.consistencyProof(from, to));
    }
}
