import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Checks the MedShare sample bundles: each file must parse as FHIR R4 JSON under HAPI's strict
 * parser (unknown elements, invalid values and duplicate members are errors), pass HAPI's instance
 * validator against the base R4 specification with no ERROR or FATAL message, and meet the sample's
 * own rules: a transaction Bundle with exactly one living Patient, only Patient, Encounter,
 * Condition, Observation, Claim and ExplanationOfBenefit entries, no narrative, and every literal
 * reference an {@code urn:uuid:} that resolves to an entry of the same bundle.
 *
 * <p>Run with HAPI FHIR on the class path (Synthea's class path provides HAPI 6.1.0):
 * {@code java -cp CP ValidateBundles.java DIR...}. Prints a summary per directory; exit status 1 if
 * any bundle fails, with one line per problem.
 */
public final class ValidateBundles {

  private static final Set<String> KEPT_TYPES =
      Set.of("Patient", "Encounter", "Condition", "Observation", "Claim", "ExplanationOfBenefit");

  private ValidateBundles() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: ValidateBundles DIR...");
      System.exit(2);
    }
    FhirContext ctx = FhirContext.forR4();
    IParser parser = ctx.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    ValidationSupportChain support = new ValidationSupportChain(
        new DefaultProfileValidationSupport(ctx),
        new InMemoryTerminologyServerValidationSupport(ctx),
        new CommonCodeSystemsTerminologyService(ctx),
        new SnapshotGeneratingValidationSupport(ctx));
    FhirValidator validator = ctx.newValidator();
    validator.registerValidatorModule(new FhirInstanceValidator(support));

    List<String> problems = new ArrayList<>();
    for (String dirName : args) {
      Path dir = Path.of(dirName);
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
      }
      Map<String, Integer> counts = new TreeMap<>();
      long bytes = 0;
      Map<String, Integer> warnings = new TreeMap<>();
      for (Path file : files) {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        bytes += Files.size(file);
        String name = dir.getFileName() + "/" + file.getFileName();
        Bundle bundle;
        try {
          bundle = parser.parseResource(Bundle.class, json);
        } catch (RuntimeException e) {
          problems.add(name + ": does not parse as FHIR R4: " + e.getMessage());
          continue;
        }
        checkRules(ctx, bundle, name, counts, problems);
        ValidationResult result = validator.validateWithResult(json);
        for (SingleValidationMessage m : result.getMessages()) {
          if (m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL) {
            problems.add(name + ": " + m.getSeverity() + " at " + m.getLocationString() + ": " + m.getMessage());
          } else if (m.getSeverity() == ResultSeverityEnum.WARNING) {
            warnings.merge(m.getMessage().replaceAll("'[^']*'", "'…'"), 1, Integer::sum);
          }
        }
      }
      System.out.printf("%s: %d bundles, %d bytes, resources %s%n", dir, files.size(), bytes, counts);
      warnings.forEach((m, n) -> System.out.printf("  validator warning x%d: %s%n", n, m));
    }
    problems.forEach(System.err::println);
    if (!problems.isEmpty()) {
      System.err.println(problems.size() + " problem(s)");
      System.exit(1);
    }
    System.out.println("all bundles parse as FHIR R4 and pass the checks");
  }

  private static void checkRules(FhirContext ctx, Bundle bundle, String name, Map<String, Integer> counts,
      List<String> problems) {
    if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
      problems.add(name + ": bundle type is " + bundle.getType() + ", expected transaction");
    }
    Set<String> fullUrls = new HashSet<>();
    int patients = 0;
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (!fullUrls.add(entry.getFullUrl())) {
        problems.add(name + ": duplicate fullUrl " + entry.getFullUrl());
      }
      Resource r = entry.getResource();
      String type = r.fhirType();
      counts.merge(type, 1, Integer::sum);
      if (!KEPT_TYPES.contains(type)) {
        problems.add(name + ": unexpected resource type " + type);
      }
      if (r instanceof Patient p) {
        patients++;
        if (p.hasDeceased()) {
          problems.add(name + ": patient is deceased");
        }
      }
    }
    if (patients != 1) {
      problems.add(name + ": " + patients + " Patient entries, expected 1");
    }
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource r = entry.getResource();
      if (r instanceof org.hl7.fhir.r4.model.DomainResource d && d.hasText()) {
        problems.add(name + ": " + r.fhirType() + " has narrative text");
      }
      for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
        if (!ref.hasReference()) {
          continue;
        }
        String target = ref.getReference();
        if (!fullUrls.contains(target)) {
          problems.add(name + ": " + r.fhirType() + " refers to " + target + ", which is not in the bundle");
        }
      }
    }
  }
}
