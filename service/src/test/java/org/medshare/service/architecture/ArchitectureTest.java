package org.medshare.service.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.medshare.archfixture.ledger.CleanEntry;

/**
 * Keeps the module rules and the service's layering: the product obeys every rule, and every rule catches its violation in the
 * deliberately bad fixture under {@code org.medshare.archfixture} (test sources only).
 */
class ArchitectureTest {

    private static final String PRODUCT = "org.medshare";
    private static final String FIXTURE = "org.medshare.archfixture";

    @Test
    void productObeysEveryRule() {
        JavaClasses product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(PRODUCT);
        assertTrue(
                product.contain("org.medshare.service.identity.rest.MeResource"),
                "the service's own classes are imported");
        List<String> failures = new ArrayList<>();
        for (ArchRule rule : ArchitectureRules.all(PRODUCT)) {
            EvaluationResult result = rule.evaluate(product);
            if (result.hasViolation()) {
                failures.add(result.getFailureReport().toString());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyRuleCatchesItsViolationInTheBadFixture() {
        JavaClasses fixture = new ClassFileImporter().importPackages(FIXTURE);
        List<String> silent = new ArrayList<>();
        for (ArchRule rule : ArchitectureRules.all(FIXTURE)) {
            if (!rule.evaluate(fixture).hasViolation()) {
                silent.add(rule.getDescription());
            }
        }
        assertTrue(silent.isEmpty(), "rules that missed their violation: " + silent);
    }

    @Test
    void aCleanFixtureClassPassesTheFrameworkRule() {
        JavaClasses clean = new ClassFileImporter().importClasses(CleanEntry.class);
        assertFalse(ArchitectureRules.librariesAreFrameworkFree(FIXTURE)
                .evaluate(clean)
                .hasViolation());
    }
}
