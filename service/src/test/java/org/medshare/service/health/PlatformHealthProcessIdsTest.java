package org.medshare.service.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medshare.service.enclave.EnclaveGateway;

/**
 * The enclaves' process ids name processes on the operator's hosts: the regulator sees them (to match them against
 * the operator's logs in an inspection), hospitals and insurers do not.
 */
@QuarkusTest
class PlatformHealthProcessIdsTest {

    @Inject
    EnclaveGateway enclaves;

    @BeforeEach
    void enclavesRun() {
        enclaves.enclaves();
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void aHospitalSeesNoProcessIds() {
        hidden();
    }

    @Test
    @TestSecurity(user = "irene", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "insurer-x"))
    void anInsurerSeesNoProcessIds() {
        hidden();
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void theRegulatorSeesThem() {
        given().get("/api/v1/health/platform")
                .then()
                .statusCode(200)
                .body("enclave.enclaves", hasSize(2))
                .body("enclave.enclaves.pid", everyItem(greaterThan(0)));
    }

    private static void hidden() {
        given().get("/api/v1/health/platform")
                .then()
                .statusCode(200)
                .body("enclave.enclaves", hasSize(2))
                .body("enclave.enclaves.pid", everyItem(nullValue()))
                .body("enclave.enclaves.measurement", everyItem(matchesPattern("[0-9a-f]{64}")));
    }
}
