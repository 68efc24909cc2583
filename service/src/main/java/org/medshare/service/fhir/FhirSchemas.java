package org.medshare.service.fhir;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * The OpenAPI schemas of the FHIR R4 resources the API answers with. The contract names only the
 * {@code resourceType}; the rest of each resource is defined by FHIR R4 itself, so any further member is allowed.
 * These classes are never instantiated: operations point at them with {@code @Schema(implementation = …)}.
 */
public final class FhirSchemas {

    private FhirSchemas() {}

    /** A FHIR R4 Bundle (a searchset: {@code total} counts every match, {@code link} pages). */
    @Schema(
            name = "FhirBundle",
            type = SchemaType.OBJECT,
            requiredProperties = "resourceType",
            additionalProperties = Schema.True.class,
            properties = @SchemaProperty(name = "resourceType", type = SchemaType.STRING, enumeration = "Bundle"))
    public static final class Bundle {
        private Bundle() {}
    }

    /** A FHIR R4 Consent. */
    @Schema(
            name = "FhirConsent",
            type = SchemaType.OBJECT,
            requiredProperties = "resourceType",
            additionalProperties = Schema.True.class,
            properties = @SchemaProperty(name = "resourceType", type = SchemaType.STRING, enumeration = "Consent"))
    public static final class Consent {
        private Consent() {}
    }
}
