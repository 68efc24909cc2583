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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.problem.RequestRefusedException;

/** The audit trail for regulators: events, signed checkpoints and the proofs to check them offline. */
@Path("/api/v1/audit")
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("regulator")
public class AuditResource {

    /** API model of one ledger event: its fields as ids, hex hashes and amounts. */
    public record EventView(long index, String type, long timestampMillis, Map<String, Object> fields) {
        static EventView of(long index, Event event) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Field f : event.type().fields()) {
                String name = f.name().toLowerCase(Locale.ROOT);
                switch (f.kind()) {
                    case ID -> fields.put(name, event.id(f));
                    case HASH -> fields.put(name, HexFormat.of().formatHex(event.hash(f)));
                    case AMOUNT -> fields.put(name, event.amount(f));
                }
            }
            return new EventView(index, event.type().name(), event.timestampMillis(), fields);
        }
    }

    /** API model of a consistency proof between two checkpoints' tree sizes. */
    public record ConsistencyView(long fromSize, long toSize, List<String> proof) {
    }

    private final LedgerService ledger;

    @Inject
    AuditResource(LedgerService ledger) {
        this.ledger = ledger;
    }

    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ledger events from an index, optionally of one type")
    public List<EventView> events(@QueryParam("from") @DefaultValue("0") @Min(0) long from,
                                  @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
                                  @QueryParam("type") String type) {
        EventType wanted = type == null ? null : eventType(type);
        return ledger.entries(from, limit).stream()
                .filter(e -> wanted == null || e.event().type() == wanted)
                .map(e -> EventView.of(e.index(), e.event()))
                .toList();
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

    private static EventType eventType(String name) {
        try {
            return EventType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RequestRefusedException.badRequest("unknown-event-type", "Unknown event type",
                    "type must be one of " + List.of(EventType.values()) + ".");
        }
    }
}
