package org.medshare.service.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CachingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** HAPI's FHIR R4 instance validator against the base R4 definitions, built once (it is expensive). */
public final class FhirValidation {

    public static final FhirContext R4 = FhirContext.forR4();
    private static FhirValidator validator;

    private FhirValidation() {}

    public static synchronized FhirValidator validator() {
        if (validator == null) {
            ValidationSupportChain chain = new ValidationSupportChain(
                    new ca.uhn.fhir.context.support.DefaultProfileValidationSupport(R4),
                    new InMemoryTerminologyServerValidationSupport(R4),
                    new CommonCodeSystemsTerminologyService(R4));
            validator = R4.newValidator();
            validator.registerValidatorModule(new FhirInstanceValidator(new CachingValidationSupport(chain)));
        }
        return validator;
    }

    /** Error-level messages for {@code resource}, each with its location; empty when it is valid. */
    public static List<String> errors(IBaseResource resource) {
        List<String> problems = new ArrayList<>();
        validator().validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .forEach(m -> problems.add(m.getLocationString() + ": " + m.getMessage()));
        return problems;
    }
}
