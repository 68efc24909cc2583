package org.medshare.service.queries.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SuppressionNoteTest {

    @Test
    void namesTheGuardsAndSaysThatAnAllSuppressedResultIsCharged() {
        assertNull(SuppressionNote.of(null));
        assertNull(SuppressionNote.of("not json"));
        assertNull(SuppressionNote.of("{\"suppressedGroups\":0,\"groups\":[]}"));
        assertEquals(
                "2 groups suppressed by " + SuppressionNote.GUARDS + "; the released groups are unaffected.",
                SuppressionNote.of(
                        "{\"suppressedGroups\":2,\"groups\":[{\"key\":[\"F\"],\"values\":{\"count\":41}}]}"));
        assertEquals(
                "No group was released: 2 groups were suppressed by " + SuppressionNote.GUARDS + ". The query is "
                        + "charged like any other: the enclave read and computed on the records and spent the privacy budget, "
                        + "and a free empty answer would let an insurer probe group sizes at no cost.",
                SuppressionNote.of("{\"suppressedGroups\":2,\"groups\":[]}"));
        assertEquals(
                true,
                SuppressionNote.of("{\"suppressedGroups\":1,\"groups\":[]}")
                        .startsWith("No group was released: 1 group was suppressed"));
    }
}
