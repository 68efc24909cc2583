package org.medshare.service.queries.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void groupsByHospitalAreKeyedByOrganisationInTheirKeyOrder() throws Exception {
        String signed = "{\"format\":1,\"inputRecords\":3,\"groups\":["
                + "{\"key\":{\"hospital\":\"1\",\"sex\":\"F\"},\"values\":{\"count\":12}},"
                + "{\"key\":{\"sex\":\"M\",\"hospital\":\"2\"},\"values\":{\"count\":7}}]}";
        assertEquals(
                JSON.readTree("{\"format\":1,\"inputRecords\":3,\"groups\":["
                        + "{\"key\":{\"organisation\":\"hospital-a\",\"sex\":\"F\"},\"values\":{\"count\":12}},"
                        + "{\"key\":{\"sex\":\"M\",\"organisation\":\"hospital-b\"},\"values\":{\"count\":7}}]}"),
                JSON.valueToTree(ResultDocument.organisationKeyed(signed, Map.of(1, "hospital-a", 2, "hospital-b"))));
        assertEquals(
                "{\"organisation\":\"hospital-a\",\"sex\":\"F\"}",
                JSON.valueToTree(ResultDocument.organisationKeyed(signed, Map.of(1, "hospital-a", 2, "hospital-b")))
                        .path("groups")
                        .get(0)
                        .path("key")
                        .toString(),
                "the key's field order is kept");
    }

    /** A format 3 group's accuracy report is relayed as signed; stored results of earlier formats, without one, read as before. */
    @Test
    void theAccuracyReportIsRelayedAndOlderResultsStillRead() throws Exception {
        String accuracy = "{\"count\":{\"confidence\":0.95,\"halfWidth\":6.0,\"lower\":6.0,"
                + "\"mechanism\":\"discreteLaplace\",\"scale\":2.0,\"upper\":18.0}}";
        String signed = "{\"format\":3,\"groups\":[{\"key\":{\"hospital\":\"1\"},\"values\":{\"count\":12.0},"
                + "\"accuracy\":" + accuracy + "}]}";
        assertEquals(
                JSON.readTree("{\"format\":3,\"groups\":[{\"key\":{\"organisation\":\"hospital-a\"},"
                        + "\"values\":{\"count\":12.0},\"accuracy\":" + accuracy + "}]}"),
                JSON.valueToTree(ResultDocument.organisationKeyed(signed, Map.of(1, "hospital-a"))));
        String format2 = "{\"format\":2,\"consentExcludedRecords\":0,\"groups\":[{\"key\":{\"hospital\":\"1\"},"
                + "\"values\":{\"count\":12}}]}";
        assertEquals(
                JSON.readTree("{\"format\":2,\"consentExcludedRecords\":0,\"groups\":[{\"key\":"
                        + "{\"organisation\":\"hospital-a\"},\"values\":{\"count\":12}}]}"),
                JSON.valueToTree(ResultDocument.organisationKeyed(format2, Map.of(1, "hospital-a"))));
    }

    @Test
    void otherResultsAreTheSignedDocumentAsAnObject() throws Exception {
        String signed = "{\"format\":1,\"groups\":[{\"key\":{\"sex\":\"F\"},\"values\":{\"count\":12}}]}";
        assertEquals(
                JSON.readTree(signed),
                JSON.valueToTree(ResultDocument.organisationKeyed(signed, Map.of(1, "hospital-a"))));
        assertNull(ResultDocument.organisationKeyed(null, Map.of()));
    }
}
