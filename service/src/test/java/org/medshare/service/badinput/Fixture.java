package org.medshare.service.badinput;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.medshare.service.consent.service.ConsentIds;
import org.medshare.service.identity.Caller;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.queries.service.QueryApproval;
import org.medshare.service.queries.service.QueryService;
import org.medshare.service.queries.service.TemplateService;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.records.service.SigningKeyService;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.service.testing.PartySigners;

/**
 * The state the bad inputs are aimed at, built once through the service classes (so it does not depend on
 * which role's cases run first): signing keys (active, revoked, another hospital's), a record of each hospital,
 * templates in every state and with every DP mode, and queries that are already decided, belong to another
 * insurer, or cannot be paid in privacy budget or escrow.
 */
final class Fixture {

    static final String POLICY_A = "(org:hospital-a@2026Q4 AND role:physician) OR purpose:insurance-stats@2026Q4";
    static final String POLICY_B = "org:hospital-b@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final String INSURER = "insurer-x";
    static final String OTHER_INSURER = "insurer-other";
    static final String EXHAUSTED_INSURER = "insurer-exhausted";
    static final String POOR_INSURER = "insurer-poor";
    /** Organisations whose contract balances the snapshot compares. */
    static final List<String> ORGANISATIONS = List.of(
            "hospital-a", "hospital-b", INSURER, OTHER_INSURER, EXHAUSTED_INSURER, POOR_INSURER, "regulator-nhc");

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final HospitalClient hospitalA = new HospitalClient("hospital-a");
    final HospitalClient hospitalB = new HospitalClient("hospital-b");
    final String revokedKeyId;
    final String revokedPublicKey;
    final String keyIdB;
    final String publicKeyB;
    final Upload existingUpload;
    final String recordA;
    final String recordB;
    /** The pseudonymous patient both fixture records name, and the consents of that patient at each hospital. */
    final String patient;

    final String consentA;
    final String consentB;
    /** Template ids by name: optional, none, required (approved, with that DP mode), pending, rejected. */
    final Map<String, String> templates;

    final String refusedQuery;
    final String otherInsurersQuery;
    final String exhaustedQuery;
    final String unpaidQuery;
    private final QueryApproval approval;

    Fixture(
            RecordService records,
            SigningKeyService keys,
            TemplateService templateService,
            QueryService queries,
            QueryApproval approval,
            QueryRepository queryRepository,
            PaymentService payments,
            long budgetMicros) {
        this.approval = approval;
        Caller a = caller("alice", "hospital", "hospital-a");
        Caller b = caller("bob", "hospital", "hospital-b");
        Caller regulator = caller("rita", "regulator", "regulator-nhc");

        var keyA = keys.register(a, publicKeyOf(hospitalA));
        hospitalA.withRegisteredKey(keyA.keyId(), keyA.hospitalNumber());
        HospitalClient retired = new HospitalClient("hospital-a");
        revokedPublicKey = publicKeyOf(retired);
        revokedKeyId = keys.register(a, revokedPublicKey).keyId();
        keys.revoke(a, revokedKeyId);
        publicKeyB = publicKeyOf(hospitalB);
        var registeredB = keys.register(b, publicKeyB);
        keyIdB = registeredB.keyId();
        hospitalB.withRegisteredKey(keyIdB, registeredB.hospitalNumber());

        patient = "feed" + run + "0000beef";
        consentA = ConsentIds.of("hospital-a", patient);
        consentB = ConsentIds.of("hospital-b", patient);
        existingUpload = hospitalA.upload("corpus-existing-" + run, POLICY_A, "existing record");
        existingUpload.tags.put("patient", patient);
        recordA = upload(records, a, existingUpload);
        Upload uploadB = hospitalB.upload("corpus-b-" + run, POLICY_B, "hospital-b record");
        uploadB.tags.put("patient", patient);
        recordB = upload(records, b, uploadB);

        Caller insurer = caller("irene", "insurer", INSURER);
        templates = Map.of(
                "optional", approvedTemplate(templateService, insurer, regulator, "optional", "optional"),
                "none", approvedTemplate(templateService, insurer, regulator, "none", "none"),
                "required", approvedTemplate(templateService, insurer, regulator, "required", "required"),
                "pending", templateId("pending"),
                "rejected", templateId("rejected"));
        templateService.submit(insurer, template(templates.get("pending"), "optional"));
        templateService.submit(insurer, template(templates.get("rejected"), "optional"));
        templateService.decide(regulator, templates.get("rejected"), 1, false);

        refusedQuery = queries.submit(insurer, request(templates.get("optional"), INSURER, "0.5"))
                .queryId();
        approval.refuse(regulator, refusedQuery, "refused by the bad-input corpus fixture");
        otherInsurersQuery = queries.submit(
                        caller("olga", "insurer", OTHER_INSURER),
                        request(templates.get("optional"), OTHER_INSURER, "0.5"))
                .queryId();
        exhaustedQuery = queries.submit(
                        caller("erin", "insurer", EXHAUSTED_INSURER),
                        request(templates.get("optional"), EXHAUSTED_INSURER, "0.5"))
                .queryId();
        payments.deposit(EXHAUSTED_INSURER, BigInteger.valueOf(1_000_000));
        QuarkusTransaction.requiringNew().run(() -> {
            boolean spentBefore = queryRepository
                    .budget(EXHAUSTED_INSURER)
                    .map(budget -> budget[0] >= budget[1])
                    .orElse(false);
            if (!spentBefore && !queryRepository.tryChargeBudget(EXHAUSTED_INSURER, budgetMicros, budgetMicros)) {
                throw new IllegalStateException("could not spend the fixture insurer's budget");
            }
        });
        unpaidQuery = queries.submit(
                        caller("paul", "insurer", POOR_INSURER), request(templates.get("optional"), POOR_INSURER, null))
                .queryId();
    }

    String templateId(String name) {
        return "corpus-" + name + "-" + run;
    }

    /** Replaces ${optional}, ${none}, ${required}, ${pending}, ${rejected} and ${insurer} in a corpus body. */
    /**
     * A body {@code {"approval": …}} with the regulator's approval of {@code queryId}'s current terms, valid until
     * {@code notAfter}, signed by {@code key}; the signature's last byte flipped when {@code broken}.
     */
    String approvalBody(String queryId, KeyPair key, Instant notAfter, boolean broken) {
        QueryApproval.ApprovalTerms terms = approval.terms(queryId);
        try {
            byte[] signed = org.medshare.enclave.keyrelease.QueryApproval.sign(
                            queryId,
                            HexFormat.of().parseHex(terms.contentHash()),
                            new TreeSet<>(terms.purposeAttributes()),
                            notAfter,
                            key)
                    .toBytes();
            if (broken) {
                signed[signed.length - 1] ^= 1;
            }
            return "{\"approval\":\"" + Base64.getEncoder().encodeToString(signed) + "\"}";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #approvalBody} by the regulator, valid for ten minutes. */
    String approvalBody(String queryId) {
        return approvalBody(queryId, PartySigners.regulator(), Instant.now().plusSeconds(600), false);
    }

    String resolve(String body) {
        String out = body.replace("${insurer}", INSURER).replace("${patient}", patient);
        for (Map.Entry<String, String> t : templates.entrySet()) {
            out = out.replace("${" + t.getKey() + "}", t.getValue());
        }
        return out;
    }

    static Caller caller(String subject, String role, String organisation) {
        return new Caller(subject, new TreeSet<>(Set.of(role)), organisation, new TreeSet<>());
    }

    /** A count template with one ICD-10 prefix parameter, k = 10 and the given DP mode. */
    static String template(String id, String dp) {
        return "{\"id\":\"" + id + "\",\"version\":1,\"purpose\":\"insurance-stats\","
                + "\"parameters\":{\"icd\":{\"type\":\"icd10Prefix\",\"min\":1,\"max\":4}},"
                + "\"filter\":{\"icd10Prefix\":\"$icd\"},\"groupBy\":[\"ageBand\"],\"aggregate\":{\"type\":\"count\"},"
                + "\"privacy\":{\"minGroupSize\":10,\"maxRowsPerPatient\":1,\"dp\":\"" + dp + "\""
                + (dp.equals("none") ? "" : ",\"mechanism\":\"discreteLaplace\",\"maxEpsilon\":1.0") + "}}";
    }

    static String request(String templateId, String insurer, String epsilon) {
        return "{\"templateId\":\"" + templateId + "\",\"templateVersion\":1,\"insurerId\":\"" + insurer + "\","
                + "\"purpose\":\"insurance-stats\",\"parameters\":{\"icd\":\"E11\"}"
                + (epsilon == null ? "" : ",\"epsilon\":" + epsilon) + "}";
    }

    private String approvedTemplate(
            TemplateService templateService, Caller insurer, Caller regulator, String name, String dp) {
        String id = templateId(name);
        templateService.submit(insurer, template(id, dp));
        templateService.decide(regulator, id, 1, true);
        return id;
    }

    static String publicKeyOf(HospitalClient client) {
        return Base64.getEncoder()
                .encodeToString(client.signingKey().getPublic().getEncoded());
    }

    private static String upload(RecordService records, Caller hospital, Upload upload) {
        try {
            Path envelope = Files.createTempFile("corpus-envelope", ".bin");
            Path rows = Files.createTempFile("corpus-rows", ".bin");
            try {
                Files.write(envelope, upload.envelope);
                Files.write(rows, upload.rows);
                return records.upload(hospital, new RecordService.UploadParts(upload.metadata(), envelope, rows))
                        .record()
                        .recordId();
            } finally {
                Files.deleteIfExists(envelope);
                Files.deleteIfExists(rows);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
