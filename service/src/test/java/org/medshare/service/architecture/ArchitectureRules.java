package org.medshare.service.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The module rules and the service's layering, as ArchUnit rules over a root package, so that the same rules can be
 * checked on the product ({@code org.medshare}) and on a deliberately bad fixture.
 */
final class ArchitectureRules {

    static final String[] FRAMEWORKS = {
        "io.quarkus..",
        "jakarta..",
        "javax.enterprise..",
        "javax.inject..",
        "javax.persistence..",
        "org.hibernate..",
        "io.smallrye..",
        "io.vertx..",
        "org.jboss.resteasy.."
    };

    private ArchitectureRules() {}

    /** Every rule, each named after what it protects. */
    static List<ArchRule> all(String root) {
        return List.of(
                librariesAreFrameworkFree(root),
                abeCryptoDependsOnNothingOfOurs(root),
                pureLibrariesStandAlone(root, "store"),
                pureLibrariesStandAlone(root, "ledger"),
                enclaveDependsOnlyOnAbe(root),
                restLayerNeverTouchesAbe(root),
                noCyclesBetweenModules(root),
                servicesNeverCallTheRestLayer(root),
                persistenceNeverCallsServicesOrTheRestLayer(root),
                onlyTheRestLayerUsesJaxRs(root));
    }

    static ArchRule librariesAreFrameworkFree(String root) {
        return noClasses()
                .that()
                .resideInAnyPackage(libraries(root))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS)
                .as("libraries never import Quarkus, Jakarta, CDI or Hibernate");
    }

    static ArchRule abeCryptoDependsOnNothingOfOurs(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".abe..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(othersThan(root, "abe"))
                .as("abe-crypto depends on nothing of ours");
    }

    static ArchRule pureLibrariesStandAlone(String root, String module) {
        return noClasses()
                .that()
                .resideInAPackage(root + "." + module + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(othersThan(root, module))
                .as(module + " is a pure library that depends on nothing of ours");
    }

    static ArchRule enclaveDependsOnlyOnAbe(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".enclave..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(root + ".store..", root + ".ledger..", root + ".service..", root + ".client..")
                .as("enclave-sim depends on abe-crypto only");
    }

    static ArchRule restLayerNeverTouchesAbe(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".service..rest..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(root + ".abe..")
                .as("the REST layer never calls ABE decryption");
    }

    static ArchRule servicesNeverCallTheRestLayer(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".service..service..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(root + ".service..rest..")
                .as("services never call the REST layer (rest -> service -> persistence)");
    }

    static ArchRule persistenceNeverCallsServicesOrTheRestLayer(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".service..persistence..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(root + ".service..service..", root + ".service..rest..")
                .as("persistence never calls services or the REST layer (rest -> service -> persistence)");
    }

    static ArchRule onlyTheRestLayerUsesJaxRs(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".service..")
                .and()
                .resideOutsideOfPackages(root + ".service..rest..", root + ".service.problem..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("jakarta.ws.rs..")
                .as("no jakarta.ws.rs outside the REST layer and its problem mapping (services and persistence "
                        + "refuse in domain terms)");
    }

    static ArchRule noCyclesBetweenModules(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles().as("no cycles between modules");
    }

    private static String[] libraries(String root) {
        return new String[] {root + ".abe..", root + ".ledger..", root + ".store..", root + ".enclave.."};
    }

    private static String[] othersThan(String root, String module) {
        return List.of("abe", "ledger", "store", "enclave", "service", "client", "bench").stream()
                .filter(m -> !m.equals(module))
                .map(m -> root + "." + m + "..")
                .toArray(String[]::new);
    }
}
