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
                "2 groups suppressed by the enclave's minimum group size (fewer than k distinct patients); the "
                        + "released groups are unaffected.",
                SuppressionNote.of("{\"suppressedGroups\":2,\"suppressedBy\":{\"minimumGroupSize\":2,"
                        + "\"differencing\":0},\"groups\":[{\"key\":[\"F\"],\"values\":{\"count\":41}}]}"));
        assertEquals(
                "No group was released: 1 group was suppressed by the enclave's differencing guard (the rows would "
                        + "differ from those of a group of one of this insurer's earlier results in the rows of fewer than k "
                        + "patients). The query is "
                        + "charged like any other: the enclave read and computed on the records and spent the privacy "
                        + "budget, and a free empty answer would let an insurer probe group sizes at no cost.",
                SuppressionNote.of("{\"suppressedGroups\":1,\"suppressedBy\":{\"minimumGroupSize\":0,"
                        + "\"differencing\":1},\"groups\":[]}"));
        assertEquals(
                "3 groups suppressed: 1 by the enclave's minimum group size (fewer than k distinct patients) and 2 "
                        + "by the enclave's differencing guard (the rows would differ from those of a group of one of this "
                        + "insurer's earlier results in the rows of fewer than k patients); the released groups are "
                        + "unaffected.",
                SuppressionNote.of("{\"suppressedGroups\":3,\"suppressedBy\":{\"minimumGroupSize\":1,"
                        + "\"differencing\":2},\"groups\":[{\"key\":[\"F\"],\"values\":{\"count\":41}}]}"));
        assertEquals(
                "2 values withheld inside released groups (a histogram bin, quantile or regression that fewer than k "
                        + "distinct patients back and no noise covers).",
                SuppressionNote.of("{\"suppressedGroups\":0,\"suppressedValues\":2,\"groups\":[{\"key\":[\"F\"],"
                        + "\"values\":{\"count\":41}}]}"));
        assertEquals(
                "1 group suppressed by the enclave's minimum group size (fewer than k distinct patients); the released "
                        + "groups are unaffected. 1 value withheld inside released groups (a histogram bin, quantile or "
                        + "regression that fewer than k distinct patients back and no noise covers).",
                SuppressionNote.of("{\"suppressedGroups\":1,\"suppressedBy\":{\"minimumGroupSize\":1,"
                        + "\"differencing\":0},\"suppressedValues\":1,\"groups\":[{\"key\":[\"F\"],"
                        + "\"values\":{\"count\":41}}]}"));
        assertEquals(
                true,
                SuppressionNote.of("{\"suppressedGroups\":1,\"groups\":[]}")
                        .startsWith("No group was released: 1 group was suppressed"));
    }
}
