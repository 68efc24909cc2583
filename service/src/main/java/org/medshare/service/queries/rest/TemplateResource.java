package org.medshare.service.queries.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.medshare.service.identity.CallerResolver;
import org.medshare.service.queries.service.TemplateService;
import org.medshare.service.queries.service.TemplateService.TemplateView;

/** Query templates: insurers propose, regulators approve or reject; everyone may read them. */
@Path("/api/v1/templates")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "SecurityScheme")
public class TemplateResource {

    @Inject
    CallerResolver callers;

    @Inject
    TemplateService templates;

    @POST
    @RolesAllowed("insurer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Propose a query template (enclave-sim/QUERY.md); it runs only once a regulator approves it")
    @APIResponse(
            responseCode = "201",
            description = "Submitted",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = TemplateView.class)))
    public Response submit(
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema =
                                                    @Schema(
                                                            type = SchemaType.OBJECT,
                                                            description =
                                                                    "A query template (enclave-sim/QUERY.md, \"Templates\"): a JSON object")))
                    String templateJson) {
        return Response.status(Response.Status.CREATED)
                .entity(templates.submit(callers.current(), templateJson))
                .build();
    }

    @GET
    @RolesAllowed({"hospital", "insurer", "regulator"})
    @Operation(summary = "Every template with its state")
    public List<TemplateView> list() {
        return templates.list();
    }

    @POST
    @Path("/{templateId}/{version}/approve")
    @RolesAllowed("regulator")
    @Operation(summary = "Approve a pending template")
    public TemplateView approve(@PathParam("templateId") String templateId, @PathParam("version") int version) {
        return templates.decide(callers.current(), templateId, version, true);
    }

    @POST
    @Path("/{templateId}/{version}/reject")
    @RolesAllowed("regulator")
    @Operation(summary = "Reject a pending template")
    public TemplateView reject(@PathParam("templateId") String templateId, @PathParam("version") int version) {
        return templates.decide(callers.current(), templateId, version, false);
    }
}
