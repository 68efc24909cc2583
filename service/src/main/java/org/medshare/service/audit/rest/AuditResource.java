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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.audit.service.AuditFilter;
import org.medshare.service.audit.service.AuditService;
import org.medshare.service.audit.service.AuditService.CheckpointView;
import org.medshare.service.audit.service.AuditService.ConsistencyView;
import org.medshare.service.audit.service.AuditService.EventPage;
import org.medshare.service.audit.service.AuditService.EventTypeView;
import org.medshare.service.audit.service.AuditService.Export;
import org.medshare.service.audit.service.AuditService.ExportFormat;
import org.medshare.service.fhir.FhirJson;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.payments.service.PaymentService;

/**
 * The audit trail for regulators: events (filtered, paged), signed checkpoints with their cosignatures, the proofs
 * to check them offline, the incentive contract's balances, and the FHIR AuditEvent export (IHE BALP).
 */
@Path("/api/v1/audit")
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("regulator")
public class AuditResource {

    /** Response header: the index to continue from (present when entries after the answer remain unexamined). */
    static final String NEXT_FROM = "X-Next-From";
    /** FHIR bulk data's NDJSON media type. */
    static final String FHIR_NDJSON = "application/fhir+ndjson";

    @Inject
    AuditService audit;

    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Ledger events from an index, filtered by type, party, record, query and time; "
                    + "X-Next-From names where to continue")
    public Response events(
            @QueryParam("from") @DefaultValue("0") @Min(0) long from,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @QueryParam("type") String type,
            @QueryParam("party") String party,
            @QueryParam("record") String record,
            @QueryParam("query") String query,
            @QueryParam("since") String since,
            @QueryParam("until") String until) {
        EventPage page = audit.events(AuditFilter.of(type, party, record, query, since, until), from, limit);
        return withNextFrom(Response.ok(page.events(), MediaType.APPLICATION_JSON), page.nextFrom());
    }

    @GET
    @Path("/event-types")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Every ledger event type: its name (the events' type filter), wire code and field names "
                    + "in canonical order")
    public List<EventTypeView> eventTypes() {
        return audit.eventTypes();
    }

    @GET
    @Path("/checkpoints")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Signed checkpoints, oldest first, with the signatures and cosignatures each note carries")
    public List<CheckpointView> checkpoints(
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        return audit.checkpoints(offset, limit);
    }

    @GET
    @Path("/balances")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The incentive contract's escrow and earnings of every organisation known to the service "
                    + "(parties that contacted it and hospitals with records)")
    public List<PaymentService.Balance> balances() {
        return audit.balances();
    }

    @GET
    @Path("/export")
    @Produces({FhirJson.MEDIA_TYPE, FHIR_NDJSON, MediaType.APPLICATION_JSON})
    @Operation(
            summary =
                    "The trail as FHIR R4 AuditEvents after IHE BALP: format=fhir (a collection Bundle) or "
                            + "format=ndjson (one AuditEvent per line); filters as for events; X-Next-From names where to continue")
    public Response export(
            @QueryParam("format") @DefaultValue("fhir") String format,
            @QueryParam("from") @DefaultValue("0") @Min(0) long from,
            @QueryParam("limit") @DefaultValue("1000") @Min(1) @Max(1000) int limit,
            @QueryParam("type") String type,
            @QueryParam("party") String party,
            @QueryParam("record") String record,
            @QueryParam("query") String query,
            @QueryParam("since") String since,
            @QueryParam("until") String until) {
        ExportFormat wanted = ExportFormat.parse(format);
        Export export = audit.export(wanted, AuditFilter.of(type, party, record, query, since, until), from, limit);
        String mediaType = wanted == ExportFormat.FHIR ? FhirJson.MEDIA_TYPE : FHIR_NDJSON;
        return withNextFrom(Response.ok(export.body(), mediaType), export.nextFrom());
    }

    @GET
    @Path("/checkpoint")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The latest signed checkpoint (C2SP signed note)")
    public String latestCheckpoint() {
        return audit.latestCheckpoint();
    }

    @GET
    @Path("/proofs/inclusion")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Inclusion proof of an event against the latest checkpoint covering it or, with size, against the"
                    + " checkpoint signed at that tree size (one a regulator pinned earlier)")
    public LedgerReceipt inclusion(@QueryParam("index") @Min(0) long index, @QueryParam("size") @Min(1) Long size) {
        return audit.inclusion(index, size);
    }

    @GET
    @Path("/proofs/consistency")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "RFC 9162 consistency proof between two tree sizes")
    public ConsistencyView consistency(@QueryParam("from") @Min(0) long from, @QueryParam("to") @Min(1) long to) {
        return audit.consistency(from, to);
    }

    private static Response withNextFrom(Response.ResponseBuilder answer, Long nextFrom) {
        if (nextFrom != null) {
            answer.header(NEXT_FROM, nextFrom);
        }
        return answer.build();
    }
}
