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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.audit.service.AuditFilter;
import org.medshare.service.audit.service.AuditService;
import org.medshare.service.audit.service.AuditService.CheckpointView;
import org.medshare.service.audit.service.AuditService.ConsistencyView;
import org.medshare.service.audit.service.AuditService.EventPage;
import org.medshare.service.audit.service.AuditService.EventTypeView;
import org.medshare.service.audit.service.AuditService.EventView;
import org.medshare.service.audit.service.AuditService.Export;
import org.medshare.service.audit.service.AuditService.ExportFormat;
import org.medshare.service.fhir.FhirJson;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.rest.Paging;

/**
 * The audit trail for regulators: events (filtered, paged), signed checkpoints with their cosignatures, the proofs
 * to check them offline, the incentive contract's balances, and the FHIR AuditEvent export (IHE BALP).
 */
@Path("/api/v1/audit")
@SecurityRequirement(name = "SecurityScheme")
@RolesAllowed("regulator")
public class AuditResource {

    /** Response header: the index to continue from (present when entries after the answer remain unexamined). */
    /** FHIR bulk data's NDJSON media type. */
    static final String FHIR_NDJSON = "application/fhir+ndjson";

    @Inject
    AuditService audit;

    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Ledger events from an index, filtered by type, party, record, query and time; "
                    + "Link rel=next and X-Next-From name where to continue")
    @APIResponse(
            responseCode = "200",
            description = "One page of events",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = EventView.class)))
    public Response events(
            @QueryParam("from") @DefaultValue("0") @Min(0) long from,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @QueryParam("type") String type,
            @QueryParam("party") String party,
            @QueryParam("record") String record,
            @QueryParam("query") String query,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @Context UriInfo uri) {
        EventPage page = audit.events(AuditFilter.of(type, party, record, query, since, until), from, limit);
        return Paging.withNext(Response.ok(page.events(), MediaType.APPLICATION_JSON), uri, "from", page.nextFrom())
                .build();
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
    @APIResponse(
            responseCode = "200",
            description = "One page of checkpoints; Link rel=next and X-Next-From when more follow",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = CheckpointView.class)))
    public Response checkpoints(
            @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @Context UriInfo uri) {
        return Paging.page(uri, "offset", offset, limit, audit.checkpoints(offset, limit + 1));
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
            summary = "The trail as FHIR R4 AuditEvents after IHE BALP: format=fhir (a collection Bundle) or "
                    + "format=ndjson (one AuditEvent per line); filters as for events; Link rel=next and X-Next-From "
                    + "name where to continue")
    @APIResponse(
            responseCode = "200",
            description = "One page of the trail",
            content = {
                @Content(
                        mediaType = FhirJson.MEDIA_TYPE,
                        schema =
                                @Schema(
                                        type = SchemaType.OBJECT,
                                        requiredProperties = "resourceType",
                                        additionalProperties = Schema.True.class,
                                        properties =
                                                @SchemaProperty(
                                                        name = "resourceType",
                                                        type = SchemaType.STRING,
                                                        enumeration = "Bundle"))),
                @Content(
                        mediaType = FHIR_NDJSON,
                        schema = @Schema(type = SchemaType.STRING, description = "One AuditEvent (JSON) per line"))
            })
    public Response export(
            @QueryParam("format") @DefaultValue("fhir") String format,
            @QueryParam("from") @DefaultValue("0") @Min(0) long from,
            @QueryParam("limit") @DefaultValue("1000") @Min(1) @Max(1000) int limit,
            @QueryParam("type") String type,
            @QueryParam("party") String party,
            @QueryParam("record") String record,
            @QueryParam("query") String query,
            @QueryParam("since") String since,
            @QueryParam("until") String until,
            @Context UriInfo uri) {
        ExportFormat wanted = ExportFormat.parse(format);
        Export export = audit.export(wanted, AuditFilter.of(type, party, record, query, since, until), from, limit);
        String mediaType = wanted == ExportFormat.FHIR ? FhirJson.MEDIA_TYPE : FHIR_NDJSON;
        return Paging.withNext(Response.ok(export.body(), mediaType), uri, "from", export.nextFrom())
                .build();
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
}
