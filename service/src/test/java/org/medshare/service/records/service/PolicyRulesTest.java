package org.medshare.service.records.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medshare.service.refusal.RequestRefusedException;

/** Organisation attributes carry the current epoch in a policy, as departments and purposes do. */
class PolicyRulesTest {
    final PolicyRules rules = new PolicyRules("2027Q1");

    @Test
    void organisationAttributesNameTheCurrentEpoch() {
        rules.check("org:hospital-a@2027Q1 AND role:physician", "hospital-a");
        rules.check("org:hospital-b@2027Q1 OR (org:hospital-a@2027Q1 AND dept:cardiology@2027Q1)", "hospital-a");
        Map<String, String> refused = Map.of(
                "org:hospital-b AND role:physician", "must carry the current epoch, e.g. org:hospital-b@2027Q1",
                "org:hospital-b@2026Q4 AND role:physician", "carries epoch 2026Q4; new uploads use 2027Q1",
                "org:hospital-b@2027Q2 OR role:auditor", "carries epoch 2027Q2; new uploads use 2027Q1",
                "org:hospital-a@2027Q1 OR org:hospital-b", "'org:hospital-b' must carry the current epoch");
        List<String> failures = new ArrayList<>();
        refused.forEach((policy, detail) -> {
            RequestRefusedException e =
                    assertThrows(RequestRefusedException.class, () -> rules.check(policy, "hospital-a"), policy);
            if (!e.kind().equals("invalid-policy") || !e.detail().contains(detail)) {
                failures.add(policy + " -> " + e.kind() + ": " + e.detail());
            }
        });
        assertEquals(List.of(), failures);
    }

    @Test
    void aPreviewNamesOrganisationsWithoutTheirEpoch() {
        PolicyPreview preview =
                PolicyPreview.of("org:hospital-b@2027Q1 AND dept:cardiology@2027Q1", "hospital-a", rules);
        assertEquals(List.of("hospital-b"), preview.organisations());
        assertEquals(List.of("cardiology@2027Q1"), preview.departments());
        assertEquals(List.of(List.of("dept:cardiology@2027Q1", "org:hospital-b@2027Q1")), preview.satisfyingSets());
        assertFalse(preview.anyOrganisation());
    }
}
