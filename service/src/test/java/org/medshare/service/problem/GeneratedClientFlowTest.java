package org.medshare.service.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.RestAssured;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.abe.PublicParameters;
import org.medshare.apiclient.ApiClient;
import org.medshare.apiclient.ApiException;
import org.medshare.apiclient.ApiResponse;
import org.medshare.apiclient.api.AuditResourceApi;
import org.medshare.apiclient.api.AuthorityResourceApi;
import org.medshare.apiclient.api.DataUseResourceApi;
import org.medshare.apiclient.api.PaymentResourceApi;
import org.medshare.apiclient.api.QueryResourceApi;
import org.medshare.apiclient.api.RecordResourceApi;
import org.medshare.apiclient.api.SigningKeyResourceApi;
import org.medshare.apiclient.api.TemplateResourceApi;
import org.medshare.apiclient.model.Approval;
import org.medshare.apiclient.model.ApprovalTerms;
import org.medshare.apiclient.model.Deposit;
import org.medshare.apiclient.model.EventView;
import org.medshare.apiclient.model.LedgerReceipt;
import org.medshare.apiclient.model.QueryView;
import org.medshare.apiclient.model.RecordView;
import org.medshare.apiclient.model.Registration;
import org.medshare.apiclient.model.Rules;
import org.medshare.apiclient.model.SigningKey;
import org.medshare.apiclient.model.UploadResult;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.PartySigners;
import org.medshare.service.testing.QuerySteps;

/**
 * The Java client generated at build time from the OpenAPI document ({@code openapi-generator-maven-plugin},
 * library {@code native}: java.net.http and Jackson) runs the three parties' flows against the service: a hospital
 * registers its signing key, uploads records (multipart) and allows a template; an insurer proposes the template,
 * deposits escrow and submits a query; the regulator approves both, the enclave computes, and the regulator reads
 * the trail, pages through it and fetches an entry's inclusion proof. The client's JSON mapper refuses unknown
 * properties, so an answer carrying a field the document does not list fails here.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GeneratedClientFlowTest {

    static final String HOSPITAL = "hospital-generated";
    static final String INSURER = "insurer-generated";
    static final String POLICY = "org:" + HOSPITAL + "@2026Q4 OR purpose:insurance-stats@2026Q4";

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String template = "generated-" + run;
    String queryId;

    private ApiClient client() {
        ApiClient client = new ApiClient();
        client.updateBaseUri(RestAssured.baseURI + ":" + RestAssured.port);
        ObjectMapper strict =
                client.getObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        client.setObjectMapper(strict);
        return client;
    }

    @Test
    @Order(1)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void hospitalRegistersItsKeyUploadsAndAllowsTheTemplate() throws Exception {
        ApiClient client = client();
        File parameters = new AuthorityResourceApi(client).apiV1AuthorityParametersGet();
        HospitalClient hospital = new HospitalClient(HOSPITAL)
                .withParameters(PublicParameters.parse(Files.readAllBytes(parameters.toPath())));
        SigningKey key = new SigningKeyResourceApi(client)
                .apiV1SigningKeysPost(new Registration()
                        .publicKey(Base64.getEncoder()
                                .encodeToString(
                                        hospital.signingKey().getPublic().getEncoded())));
        assertNull(key.getRevokedAt());
        hospital.withRegisteredKey(key.getKeyId(), key.getHospitalNumber());

        RecordResourceApi records = new RecordResourceApi(client);
        for (int r = 0; r < 3; r++) {
            HospitalClient.Upload upload = hospital.upload(
                    run + "-" + r,
                    POLICY,
                    "{\"resourceType\":\"Bundle\"}",
                    1_000_000L * (r + 1),
                    key.getHospitalNumber());
            Path envelope = Files.createTempFile("generated-envelope", ".bin");
            Path rows = Files.createTempFile("generated-rows", ".bin");
            try {
                Files.write(envelope, upload.envelope);
                Files.write(rows, upload.rows);
                ApiResponse<UploadResult> stored =
                        records.apiV1RecordsPostWithHttpInfo(upload.metadata(), envelope.toFile(), rows.toFile());
                assertEquals(201, stored.getStatusCode());
                assertEquals(HOSPITAL, stored.getData().getRecord().getOrganisation());
                assertNotNull(stored.getData().getReceipt().getInclusionProof());
            } finally {
                Files.deleteIfExists(envelope);
                Files.deleteIfExists(rows);
            }
        }
        ApiResponse<List<RecordView>> firstPage = records.apiV1RecordsGetWithHttpInfo(2, 0, null);
        assertEquals(2, firstPage.getData().size());
        String next = header(firstPage, "X-Next-From");
        assertTrue(header(firstPage, "Link").endsWith("offset=2>; rel=\"next\""), header(firstPage, "Link"));
        List<RecordView> secondPage = records.apiV1RecordsGet(2, Integer.parseInt(next), null);
        assertEquals(1, secondPage.size(), "three records, two a page");
        assertNull(header(records.apiV1RecordsGetWithHttpInfo(2, 2, null), "Link"), "the last page has no next");

        new DataUseResourceApi(client)
                .apiV1DataUseRulesPut(new Rules().rules(List.of(QuerySteps.PURPOSE + "/" + template)));
    }

    @Test
    @Order(2)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerProposesTheTemplateAndDeposits() throws Exception {
        ApiClient client = client();
        new TemplateResourceApi(client)
                .apiV1TemplatesPost(new ObjectMapper().readValue(QuerySteps.template(template), Map.class));
        assertEquals(
                1000,
                new PaymentResourceApi(client)
                        .apiV1PaymentsDepositsPost(new Deposit().amount(1000))
                        .getEscrow());
    }

    @Test
    @Order(3)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorApprovesTheTemplate() throws Exception {
        assertEquals(
                "APPROVED",
                new TemplateResourceApi(client())
                        .apiV1TemplatesTemplateIdVersionApprovePost(template, 1)
                        .getState());
    }

    @Test
    @Order(4)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerSubmitsAQueryAndMayNotApproveIt() throws Exception {
        QueryResourceApi queries = new QueryResourceApi(client());
        QueryView submitted = queries.apiV1QueriesPost(
                new ObjectMapper().readValue(QuerySteps.request(template, INSURER, null), Map.class));
        assertEquals("SUBMITTED", submitted.getStatus());
        queryId = submitted.getQueryId();
        ApiException refused = assertThrows(
                ApiException.class,
                () -> queries.apiV1QueriesQueryIdApprovePost(queryId, new Approval().approval("AA==")));
        assertEquals(403, refused.getCode());
        assertTrue(refused.getResponseBody().contains("\"status\":403"), refused.getResponseBody());
    }

    @Test
    @Order(5)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorApprovesTheEnclaveComputesAndTheTrailShowsIt() throws Exception {
        ApiClient client = client();
        QueryResourceApi queries = new QueryResourceApi(client);
        ApprovalTerms terms = queries.apiV1QueriesQueryIdApprovalTermsGet(queryId);
        String signed = PartySigners.sign(
                queryId,
                HexFormat.of().parseHex(terms.getContentHash()),
                new TreeSet<>(terms.getPurposeAttributes()),
                PartySigners.regulator());
        QueryView done = queries.apiV1QueriesQueryIdApprovePost(queryId, new Approval().approval(signed));
        assertEquals("COMPLETED", done.getStatus());
        assertEquals(3, done.getInputRecords());
        assertNotNull(done.getResult());

        AuditResourceApi audit = new AuditResourceApi(client);
        ApiResponse<List<EventView>> page =
                audit.apiV1AuditEventsGetWithHttpInfo(0L, 100, null, queryId, null, null, null, null);
        assertTrue(
                page.getData().stream().anyMatch(e -> e.getType().equals("COMPUTE")),
                page.getData().toString());
        EventView compute = page.getData().stream()
                .filter(e -> e.getType().equals("COMPUTE"))
                .findFirst()
                .orElseThrow();
        LedgerReceipt proof = null;
        for (int attempt = 0; attempt < 50 && proof == null; attempt++) {
            try {
                proof = audit.apiV1AuditProofsInclusionGet(compute.getIndex(), null);
            } catch (ApiException notYetCheckpointed) {
                assertEquals(404, notYetCheckpointed.getCode());
                Thread.sleep(100);
            }
        }
        assertNotNull(proof, "an inclusion proof once a checkpoint covers the event");
        assertEquals(compute.getIndex(), proof.getIndex());
    }

    /** The first value of an answer's header, or null. */
    private static String header(ApiResponse<?> answer, String name) {
        return answer.getHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty())
                .map(h -> h.getValue().get(0))
                .findFirst()
                .orElse(null);
    }
}
