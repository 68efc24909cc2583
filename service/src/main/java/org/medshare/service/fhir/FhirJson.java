package org.medshare.service.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The service's one HAPI FHIR R4 context (expensive to build, thread-safe once built) and its JSON form for
 * {@code application/fhir+json} answers. Parsers are cheap and not thread-safe: one per call.
 */
@ApplicationScoped
public class FhirJson {

    /** The FHIR JSON media type (FHIR R4 §3.1.0.1.2 / http.html#mime-type). */
    public static final String MEDIA_TYPE = "application/fhir+json";

    private final FhirContext context = FhirContext.forR4();

    public FhirContext context() {
        return context;
    }

    /** Compact JSON of {@code resource}. */
    public String write(IBaseResource resource) {
        IParser parser = context.newJsonParser();
        return parser.encodeResourceToString(resource);
    }
}
