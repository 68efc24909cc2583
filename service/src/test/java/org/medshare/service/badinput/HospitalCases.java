package org.medshare.service.badinput;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.medshare.abe.Policy;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.Sex;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.service.testing.PartySigners;

/** Bad inputs a hospital (hospital-a) can send: uploads, signing keys, data-use rules, record ids. */
final class HospitalCases {

    private HospitalCases() {}

    static List<BadInput> all() {
        List<BadInput> cases = new ArrayList<>();
        metadata(cases);
        policies(cases);
        envelopes(cases);
        rows(cases);
        multipart(cases);
        replays(cases);
        cases.addAll(Requests.fromFile("signing-keys.txt", "POST", fx -> "/api/v1/signing-keys"));
        signingKeys(cases);
        cases.addAll(Requests.fromFile("data-use-rules.txt", "PUT", fx -> "/api/v1/data-use-rules"));
        dataUseRules(cases);
        cases.addAll(Requests.fromFile("budget-own-limit.txt", "PUT", fx -> "/api/v1/budgets/own-limit"));
        ownLimit(cases);
        cases.addAll(Requests.fromFile("budget-warning.txt", "PUT", fx -> "/api/v1/budgets/warning"));
        cases.addAll(Requests.fromFile("disclosure-limits.txt", "PUT", fx -> "/api/v1/disclosure-limits"));
        disclosureLimits(cases);
        records(cases);
        consents(cases);
        return cases;
    }

    // ---- upload: the metadata part ------------------------------------------------------------------------

    private static void metadata(List<BadInput> cases) {
        for (CorpusFile.Entry e : CorpusFile.read("upload-metadata.txt")) {
            cases.add(upload(e.name(), e.status(), e.kind(), (fx, u) -> u.metadataOverride = e.body()));
        }
        cases.add(upload(
                "metadata-unknown-field",
                400,
                "invalid-metadata",
                (fx, u) -> u.metadataOverride =
                        u.metadata().replace("{\"idempotencyKey\"", "{\"owner\":\"hospital-b\",\"idempotencyKey\"")));
        cases.add(upload(
                "metadata-deeply-nested-tag",
                413,
                null,
                (fx, u) -> u.metadataOverride =
                        u.metadata().replace("\"tags\":{", "\"tags\":{\"deep\":" + Requests.nested(5000) + ",")));
        cases.add(upload(
                "metadata-invalid-utf8",
                400,
                null,
                (fx, u) -> u.metadataOverride = new String(
                        new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                        StandardCharsets.ISO_8859_1)));
        cases.add(upload(
                "metadata-idempotency-key-empty",
                400,
                "invalid-metadata",
                (fx, u) -> unsigned(u, () -> u.idempotencyKey = "")));
        cases.add(upload(
                "metadata-idempotency-key-with-spaces",
                400,
                "invalid-metadata",
                (fx, u) -> unsigned(u, () -> u.idempotencyKey = "has spaces")));
        cases.add(upload(
                "metadata-idempotency-key-path-traversal",
                400,
                "invalid-metadata",
                (fx, u) -> unsigned(u, () -> u.idempotencyKey = "../../etc/passwd")));
        cases.add(upload(
                "metadata-idempotency-key-unicode",
                400,
                "invalid-metadata",
                (fx, u) -> unsigned(u, () -> u.idempotencyKey = "schl\u00fcssel-\ud83d\ude00")));
        cases.add(upload(
                "metadata-idempotency-key-129-characters",
                400,
                "invalid-metadata",
                (fx, u) -> unsigned(u, () -> u.idempotencyKey = "k".repeat(129))));
        cases.add(upload(
                "metadata-idempotency-key-10000-characters",
                413,
                null,
                (fx, u) -> unsigned(u, () -> u.idempotencyKey = "k".repeat(10_000))));
        cases.add(upload(
                "metadata-idempotency-key-control-character",
                400,
                "invalid-metadata",
                (fx, u) -> unsigned(u, () -> u.idempotencyKey = "key\\u0007bell")));
        cases.add(upload(
                "metadata-tag-key-with-equals-sign",
                400,
                "invalid-metadata",
                (fx, u) -> unsigned(u, () -> u.tags.put("year=2025", "x"))));
        cases.add(upload(
                "metadata-tag-value-with-newline",
                400,
                "invalid-metadata",
                (fx, u) -> unsigned(u, () -> u.tags.put("note", "line1\\nline2"))));
        cases.add(upload(
                "metadata-tag-empty-key", 400, "invalid-metadata", (fx, u) -> unsigned(u, () -> u.tags.put("", "x"))));
        cases.add(upload(
                "metadata-tags-too-many",
                413,
                null,
                (fx, u) -> unsigned(u, () -> {
                    for (int i = 0; i < 500; i++) {
                        u.tags.put("tag" + i, "value-" + i);
                    }
                })));
        cases.add(upload(
                "metadata-tag-value-5000-characters", 413, null, (fx, u) -> u.tags.put("note", "v".repeat(5000))));
        cases.add(upload(
                "metadata-tag-value-null",
                400,
                null,
                (fx, u) -> u.metadataOverride = u.metadata().replace("\"tags\":{", "\"tags\":{\"nothing\":null,")));
        cases.add(upload(
                "metadata-tag-document-identifier-in-clear",
                400,
                "invalid-document-reference",
                (fx, u) -> u.tags.put("document", "urn:ietf:rfc:3986|urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0")));
        cases.add(upload(
                "metadata-tag-document-uppercase-hex",
                400,
                "invalid-document-reference",
                (fx, u) -> u.tags.put("document", "ABCDEF0123456789")));
        cases.add(upload(
                "metadata-tag-document-15-digits",
                400,
                "invalid-document-reference",
                (fx, u) -> u.tags.put("document", "abcdef012345678")));
        cases.add(upload(
                "metadata-tag-replaces-not-a-record-id",
                400,
                "invalid-replaces",
                (fx, u) -> u.tags.put("replaces", "the previous one")));
        cases.add(upload(
                "metadata-tag-replaces-uppercase-id",
                400,
                "invalid-replaces",
                (fx, u) -> u.tags.put("replaces", fx.recordA.toUpperCase(java.util.Locale.ROOT))));
        cases.add(upload(
                "metadata-tag-replaces-unknown-record",
                404,
                "not-found",
                (fx, u) -> u.tags.put("replaces", java.util.UUID.randomUUID().toString())));
        cases.add(upload(
                "metadata-tag-replaces-another-organisations-record",
                404,
                "not-found",
                (fx, u) -> u.tags.put("replaces", fx.recordB)));
        cases.add(upload(
                "metadata-tag-resources-exact-count",
                400,
                "invalid-resource-summary",
                (fx, u) -> u.tags.put("resources", "Observation:17,Patient:1")));
        cases.add(upload(
                "metadata-tag-resources-lowercase-type",
                400,
                "invalid-resource-summary",
                (fx, u) -> u.tags.put("resources", "patient:1")));
        cases.add(upload(
                "metadata-tag-resources-free-text",
                400,
                "invalid-resource-summary",
                (fx, u) -> u.tags.put("resources", "Eve Everywoman, born 1955-01-06")));
        cases.add(upload(
                "metadata-tag-resources-empty-entry",
                400,
                "invalid-resource-summary",
                (fx, u) -> u.tags.put("resources", "Patient:1,,Encounter:1")));
        cases.add(upload(
                "metadata-tag-resources-65-types",
                400,
                "invalid-resource-summary",
                (fx, u) -> u.tags.put("resources", String.join(",", java.util.Collections.nCopies(65, "Patient:1")))));
        cases.add(upload(
                "signature-not-base64", 400, "bad-signature", (fx, u) -> u.signatureOverride = "***not base64***"));
        cases.add(upload(
                "signature-all-zero",
                400,
                "bad-signature",
                (fx, u) -> u.signatureOverride = Base64.getEncoder().encodeToString(new byte[64])));
        cases.add(upload("signature-empty", 400, null, (fx, u) -> u.signatureOverride = ""));
        cases.add(upload(
                "signature-truncated",
                400,
                "bad-signature",
                (fx, u) -> u.signatureOverride = u.signature().substring(0, 40)));
        cases.add(upload("signature-4000-characters", 413, null, (fx, u) -> u.signatureOverride = "A".repeat(4000)));
        cases.add(upload(
                "signature-for-another-organisation",
                400,
                "bad-signature",
                (fx, u) -> u.signedOrganisation = "hospital-b"));
        cases.add(upload("signature-over-other-tags", 400, "bad-signature", (fx, u) -> {
            u.signatureOverride = u.signature();
            u.tags.put("year", "2024");
        }));
        cases.add(upload("signature-over-other-idempotency-key", 400, "bad-signature", (fx, u) -> {
            u.signatureOverride = u.signature();
            u.idempotencyKey = u.idempotencyKey + "-x";
            u.rows = fx.hospitalA.rows(UploadStatement.recordId("hospital-a", u.idempotencyKey), u.policy, 100, 1);
        }));
        cases.add(upload(
                "signature-by-hospital-b-key",
                400,
                "bad-signature",
                (fx, u) -> u.signatureOverride =
                        fx.hospitalB.upload(u.idempotencyKey, u.policy, "x").signature()));
        cases.add(upload(
                "signing-key-id-unknown",
                400,
                "unknown-signing-key",
                (fx, u) -> u.metadataOverride = withKeyId(u, "0000")));
        cases.add(upload(
                "signing-key-id-of-hospital-b",
                400,
                "unknown-signing-key",
                (fx, u) -> u.metadataOverride = withKeyId(u, fx.keyIdB)));
        cases.add(upload(
                "signing-key-id-revoked",
                400,
                "revoked-signing-key",
                (fx, u) -> u.metadataOverride = withKeyId(u, fx.revokedKeyId)));
        cases.add(upload(
                "signing-key-id-path-traversal",
                400,
                "unknown-signing-key",
                (fx, u) -> u.metadataOverride = withKeyId(u, "../../ledger-keys/member.skey")));
        cases.add(upload(
                "signing-key-id-5000-characters",
                413,
                null,
                (fx, u) -> u.metadataOverride = withKeyId(u, "f".repeat(5000))));
    }

    // ---- upload: policies the hospital may not set -----------------------------------------------------------

    private static void policies(List<BadInput> cases) {
        cases.add(policy(
                "policy-unbalanced-parenthesis", 400, "invalid-policy", "org:hospital-a@2026Q4 AND (role:physician"));
        cases.add(upload("policy-empty", 400, "invalid-metadata", (fx, u) -> unsigned(u, () -> u.policy = "")));
        cases.add(policy("policy-only-operators", 400, "invalid-policy", "AND OR"));
        cases.add(policy(
                "policy-threshold-above-count", 400, "invalid-policy", "3 of (org:hospital-a@2026Q4, role:physician)"));
        cases.add(
                policy("policy-threshold-zero", 400, "invalid-policy", "0 of (org:hospital-a@2026Q4, role:physician)"));
        cases.add(policy("policy-illegal-character", 400, "invalid-policy", "org:hospital-a@2026Q4 OR role:phys!cian"));
        cases.add(
                policy("policy-unicode-attribute", 400, "invalid-policy", "org:hospital-a@2026Q4 OR role:\u00e4rztin"));
        cases.add(policy(
                "policy-another-hospital-with-unknown-key",
                400,
                "invalid-policy",
                "org:hospital-b@2026Q4 AND ward:cardiology"));
        cases.add(policy(
                "policy-another-hospital-dept-of-old-epoch",
                400,
                "invalid-policy",
                "2 of (org:hospital-a@2026Q4, org:hospital-b@2026Q4, dept:cardiology@2025Q1)"));
        cases.add(
                policy("policy-unknown-attribute-key", 400, "invalid-policy", "org:hospital-a@2026Q4 OR patient:123"));
        cases.add(
                policy("policy-dept-without-epoch", 400, "invalid-policy", "org:hospital-a@2026Q4 OR dept:cardiology"));
        cases.add(policy("policy-org-without-epoch", 400, "invalid-policy", "org:hospital-a AND role:physician"));
        cases.add(policy(
                "policy-org-old-epoch", 400, "invalid-policy", "org:hospital-a@2026Q4 OR org:hospital-b@2026Q3"));
        cases.add(policy(
                "policy-purpose-without-epoch",
                400,
                "invalid-policy",
                "org:hospital-a@2026Q4 OR purpose:insurance-stats"));
        cases.add(policy(
                "policy-old-epoch", 400, "invalid-policy", "org:hospital-a@2026Q4 OR purpose:insurance-stats@2025Q1"));
        cases.add(policy(
                "policy-future-epoch",
                400,
                "invalid-policy",
                "org:hospital-a@2026Q4 OR purpose:insurance-stats@2027Q1"));
        cases.add(policy(
                "policy-role-with-epoch-of-another-quarter",
                400,
                "invalid-policy",
                "org:hospital-a@2026Q4 OR role:physician@2020Q1"));
        cases.add(upload(
                "policy-20000-characters",
                413,
                null,
                (fx, u) -> unsigned(
                        u,
                        () -> u.policy = "org:hospital-a@2026Q4 OR ("
                                + String.join(" OR ", java.util.Collections.nCopies(1200, "role:physician")) + ")")));
        cases.add(upload(
                "policy-1100-characters",
                400,
                "policy-mismatch",
                (fx, u) -> u.policy = "org:hospital-a@2026Q4 OR ("
                        + String.join(" OR ", java.util.Collections.nCopies(60, "role:physician")) + ")"));
        cases.add(upload(
                "policy-differs-from-envelope", 400, "policy-mismatch", (fx, u) -> u.policy = "org:hospital-a@2026Q4"));
        cases.add(upload(
                "policy-of-rows-differs",
                400,
                "policy-mismatch",
                (fx, u) -> u.rows = fx.hospitalA.rows(recordId(u), "org:hospital-a@2026Q4", 100, 1)));
    }

    // ---- upload: tampered envelopes --------------------------------------------------------------------------
    // Layout (abe-crypto README): "MSAE" | version | suite | log2(chunk) | u32 n | KEM (n bytes: "MSCT" | version |
    // u16 len | policy | u16 rows | ct0 | rows) | nonce prefix (7) | payload chunks, each ending in a 16-byte tag.
    // Header fields are re-signed (the hospital's own client could have produced them); bytes the service cannot
    // check without a key (points, nonce, payload, tag) are changed after signing.

    private static void envelopes(List<BadInput> cases) {
        cases.add(resigned("envelope-magic-first-byte", "malformed-envelope", e -> e[0] ^= 1));
        cases.add(resigned(
                "envelope-magic-replaced",
                "malformed-envelope",
                e -> System.arraycopy("XXXX".getBytes(StandardCharsets.US_ASCII), 0, e, 0, 4)));
        cases.add(resigned("envelope-version-0", "malformed-envelope", e -> e[4] = 0));
        cases.add(resigned("envelope-version-2", "malformed-envelope", e -> e[4] = 2));
        cases.add(resigned("envelope-version-255", "malformed-envelope", e -> e[4] = (byte) 255));
        cases.add(resigned("envelope-suite-id-0", "malformed-envelope", e -> e[5] = 0));
        cases.add(resigned("envelope-suite-id-3", "malformed-envelope", e -> e[5] = 3));
        cases.add(resigned("envelope-suite-gm-with-nist-rows", "suite-mismatch", e -> e[5] = 2));
        cases.add(resigned("envelope-chunk-size-below-minimum", "malformed-envelope", e -> e[6] = 7));
        cases.add(resigned("envelope-chunk-size-above-maximum", "malformed-envelope", e -> e[6] = 25));
        cases.add(resigned("envelope-kem-length-zero", "malformed-envelope", e -> putU32(e, 7, 0)));
        cases.add(resigned("envelope-kem-length-above-1-mib", "malformed-envelope", e -> putU32(e, 7, (1 << 20) + 1)));
        cases.add(resigned("envelope-kem-length-beyond-end", "malformed-envelope", e -> putU32(e, 7, e.length)));
        cases.add(resigned("envelope-kem-length-max-u32", "malformed-envelope", e -> putU32(e, 7, 0xFFFFFFFFL)));
        cases.add(resigned("envelope-kem-magic", "malformed-envelope", e -> e[11] ^= 1));
        cases.add(resigned("envelope-kem-version", "malformed-envelope", e -> e[15] = 9));
        cases.add(resigned("envelope-kem-policy-length-too-long", "malformed-envelope", e -> e[16] = (byte) 0x7F));
        cases.add(resigned("envelope-kem-policy-text-malformed", "malformed-envelope", e -> e[18] = ')'));
        cases.add(resigned("envelope-kem-policy-invalid-utf8", "malformed-envelope", e -> e[18] = (byte) 0xFF));
        cases.add(resigned("envelope-kem-row-count", "malformed-envelope", e -> {
            int rowsAt = 18 + (((e[16] & 0xff) << 8) | (e[17] & 0xff));
            e[rowsAt + 1] ^= 1;
        }));
        cases.add(upload("envelope-kem-truncated-by-one", 400, "malformed-envelope", (fx, u) -> {
            long n = u32(u.envelope, 7);
            byte[] e = new byte[u.envelope.length - 1];
            System.arraycopy(u.envelope, 0, e, 0, 11 + (int) n - 1);
            System.arraycopy(u.envelope, 11 + (int) n, e, 11 + (int) n - 1, u.envelope.length - 11 - (int) n);
            putU32(e, 7, n - 1);
            u.envelope = e;
        }));
        cases.add(upload("envelope-empty", 400, "malformed-envelope", (fx, u) -> u.envelope = new byte[0]));
        cases.add(upload(
                "envelope-magic-only",
                400,
                "malformed-envelope",
                (fx, u) -> u.envelope = Arrays.copyOf(u.envelope, 4)));
        cases.add(upload(
                "envelope-truncated-in-fixed-header",
                400,
                "malformed-envelope",
                (fx, u) -> u.envelope = Arrays.copyOf(u.envelope, 10)));
        cases.add(upload(
                "envelope-truncated-in-kem",
                400,
                "malformed-envelope",
                (fx, u) -> u.envelope = Arrays.copyOf(u.envelope, 200)));
        cases.add(upload(
                "envelope-truncated-in-nonce-prefix",
                400,
                "malformed-envelope",
                (fx, u) -> u.envelope = Arrays.copyOf(u.envelope, 11 + (int) u32(u.envelope, 7) + 3)));
        cases.add(upload(
                "envelope-is-the-rows-container", 400, "malformed-envelope", (fx, u) -> u.envelope = u.rows.clone()));
        cases.add(upload("envelope-random-bytes", 400, "malformed-envelope", (fx, u) -> {
            u.envelope = new byte[4096];
            new SecureRandom().nextBytes(u.envelope);
        }));
        cases.add(upload(
                "envelope-is-plaintext-fhir",
                400,
                "malformed-envelope",
                (fx, u) -> u.envelope = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}"
                        .getBytes(StandardCharsets.UTF_8)));
        cases.add(afterSigning(
                "envelope-ct0-point-after-signing",
                (fx, u) -> u.envelope[11 + 4 + 1 + 2 + policyLength(u.envelope) + 2 + 5] ^= 1));
        cases.add(afterSigning(
                "envelope-nonce-prefix-after-signing", (fx, u) -> u.envelope[11 + (int) u32(u.envelope, 7)] ^= 1));
        cases.add(afterSigning(
                "envelope-payload-after-signing", (fx, u) -> u.envelope[11 + (int) u32(u.envelope, 7) + 7] ^= 1));
        cases.add(afterSigning("envelope-tag-after-signing", (fx, u) -> u.envelope[u.envelope.length - 1] ^= 1));
        cases.add(afterSigning(
                "envelope-truncated-payload-after-signing",
                (fx, u) -> u.envelope = Arrays.copyOf(u.envelope, u.envelope.length - 16)));
        cases.add(afterSigning(
                "envelope-trailing-byte-after-signing",
                (fx, u) -> u.envelope = Arrays.copyOf(u.envelope, u.envelope.length + 1)));
        cases.add(upload("envelope-version-after-signing", 400, "malformed-envelope", (fx, u) -> {
            u.signatureOverride = u.signature();
            u.envelope[4] = 2;
        }));
        cases.add(afterSigning(
                "envelope-swapped-with-another-records-after-signing",
                (fx, u) -> u.envelope = fx.hospitalA.upload("other", u.policy, "other content").envelope));
    }

    // ---- upload: tampered analytics rows ---------------------------------------------------------------------
    // Layout (version 2, enclave-sim ROWS.md): "MSRW" | version | suite | u32 KEM length | KEM ciphertext ("MSCT"...) |
    // u32 chunk count | per chunk: u32 length | "MSRC" | version | flags | u16 rows | u32 index | u32 count | ...

    private static void rows(List<BadInput> cases) {
        cases.add(rows("rows-magic", "malformed-rows", r -> r[0] ^= 1));
        cases.add(rows("rows-version-3", "malformed-rows", r -> r[4] = 3));
        cases.add(rows("rows-version-1-with-a-version-2-body", "malformed-rows", r -> r[4] = 1));
        cases.add(rows("rows-suite-unknown", "malformed-rows", r -> r[5] = 9));
        cases.add(rows("rows-kem-length-huge", "malformed-rows", r -> putU32(r, 6, 0x7FFFFFFFL)));
        cases.add(rows("rows-kem-length-zero", "malformed-rows", r -> putU32(r, 6, 0)));
        cases.add(rows("rows-kem-magic", "malformed-rows", r -> r[10] ^= 1));
        cases.add(rows("rows-kem-policy-text-malformed", "malformed-rows", r -> r[17] = ')'));
        cases.add(rows("rows-chunk-count-zero", "malformed-rows", r -> putU32(r, chunkCountAt(r), 0)));
        cases.add(rows("rows-chunk-count-huge", "malformed-rows", r -> putU32(r, chunkCountAt(r), 0xFFFFFFFFL)));
        cases.add(rows(
                "rows-chunk-length-beyond-end", "malformed-rows", r -> putU32(r, chunkCountAt(r) + 4, 0x00FFFFFFL)));
        cases.add(rows("rows-chunk-magic", "malformed-rows", r -> r[chunkCountAt(r) + 8] ^= 1));
        cases.add(rows("rows-chunk-version", "malformed-rows", r -> r[chunkCountAt(r) + 12] = 9));
        cases.add(rows("rows-chunk-flags", "malformed-rows", r -> r[chunkCountAt(r) + 13] = (byte) 0x80));
        cases.add(rows("rows-chunk-row-count", "malformed-rows", r -> r[chunkCountAt(r) + 15] ^= 0x40));
        cases.add(upload("rows-empty", 400, "malformed-rows", (fx, u) -> u.rows = new byte[0]));
        cases.add(upload("rows-three-bytes", 400, "malformed-rows", (fx, u) -> u.rows = new byte[] {1, 2, 3}));
        cases.add(upload(
                "rows-truncated-by-one",
                400,
                "malformed-rows",
                (fx, u) -> u.rows = Arrays.copyOf(u.rows, u.rows.length - 1)));
        cases.add(upload(
                "rows-trailing-byte",
                400,
                "malformed-rows",
                (fx, u) -> u.rows = Arrays.copyOf(u.rows, u.rows.length + 1)));
        cases.add(upload("rows-are-the-envelope", 400, "malformed-rows", (fx, u) -> u.rows = u.envelope.clone()));
        cases.add(upload(
                "rows-bound-to-another-record",
                400,
                "rows-record-mismatch",
                (fx, u) -> u.rows = fx.hospitalA.rows("another-record", u.policy, 100, 1)));
        cases.add(upload(
                "rows-bound-to-an-existing-record",
                400,
                "rows-record-mismatch",
                (fx, u) -> u.rows = fx.hospitalA.rows(fx.recordA, u.policy, 100, 1)));
        cases.add(upload(
                "rows-under-gm-suite-with-nist-envelope",
                400,
                "suite-mismatch",
                (fx, u) -> u.rows = gmRows(recordId(u), u.policy)));
        cases.add(afterSigning("rows-changed-after-signing", (fx, u) -> u.rows[u.rows.length - 1] ^= 1));
    }

    // ---- upload: the multipart body itself ---------------------------------------------------------------------

    private static void multipart(List<BadInput> cases) {
        cases.add(new BadInput("upload-missing-metadata-part", 400, "missing-part", fx -> {
            Upload u = fresh(fx, "missing-metadata");
            return Requests.multipart(Requests.envelopePart(u.envelope), Requests.rowsPart(u.rows));
        }));
        cases.add(new BadInput("upload-missing-envelope-part", 400, "missing-part", fx -> {
            Upload u = fresh(fx, "missing-envelope");
            return Requests.multipart(metadataPart(u.metadata()), Requests.rowsPart(u.rows));
        }));
        cases.add(new BadInput("upload-missing-rows-part", 400, "missing-part", fx -> {
            Upload u = fresh(fx, "missing-rows");
            return Requests.multipart(metadataPart(u.metadata()), Requests.envelopePart(u.envelope));
        }));
        cases.add(upload("upload-blank-metadata-part", 400, "missing-part", (fx, u) -> u.metadataOverride = " "));
        cases.add(new BadInput("upload-parts-under-wrong-names", 400, "missing-part", fx -> {
            Upload u = fresh(fx, "wrong-names");
            return Requests.multipart(
                    new Requests.Part("meta", null, "text/plain", u.metadata().getBytes(StandardCharsets.UTF_8)),
                    new Requests.Part("env", "e.bin", "application/octet-stream", u.envelope),
                    new Requests.Part("row", "r.bin", "application/octet-stream", u.rows));
        }));
        cases.add(new BadInput(
                "upload-as-json", 415, null, Requests.json("POST", "/api/v1/records", "{\"metadata\":{}}")));
        cases.add(new BadInput(
                "upload-as-text",
                415,
                null,
                Requests.raw("POST", "/api/v1/records", "text/plain", "metadata".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "upload-as-octet-stream",
                415,
                null,
                fx -> Requests.send(
                        "POST", "/api/v1/records", "application/octet-stream", fresh(fx, "octets").envelope, null)));
        cases.add(new BadInput(
                "upload-as-urlencoded-form",
                415,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/records",
                        "application/x-www-form-urlencoded",
                        "metadata=%7B%7D&envelope=AAAA".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "upload-without-content-type",
                400,
                "missing-part",
                Requests.raw("POST", "/api/v1/records", null, new byte[] {1})));
        cases.add(new BadInput(
                "upload-multipart-without-boundary",
                400,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/records",
                        "multipart/form-data",
                        "--x\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}\r\n--x--\r\n"
                                .getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "upload-multipart-body-not-matching-boundary",
                400,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/records",
                        "multipart/form-data; boundary=abc",
                        "this is not a multipart body".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput("upload-multipart-without-closing-boundary", 400, null, fx -> {
            byte[] body = Requests.form("b0undary", metadataPart("{\"idempotencyKey\":\"x\"}"));
            return Requests.send(
                    "POST",
                    "/api/v1/records",
                    "multipart/form-data; boundary=b0undary",
                    Arrays.copyOf(body, body.length - 14),
                    null);
        }));
        cases.add(new BadInput(
                "upload-multipart-part-header-without-colon",
                400,
                "unreadable-body",
                Requests.raw(
                        "POST",
                        "/api/v1/records",
                        "multipart/form-data; boundary=b0undary",
                        "--b0undary\r\nnot a header line\r\n\r\n{}\r\n--b0undary--\r\n"
                                .getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "upload-multipart-part-without-name",
                400,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/records",
                        "multipart/form-data; boundary=b0undary",
                        "--b0undary\r\nContent-Disposition: form-data\r\n\r\n{}\r\n--b0undary--\r\n"
                                .getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "upload-multipart-no-parts",
                400,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/records",
                        "multipart/form-data; boundary=b0undary",
                        "--b0undary--\r\n".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput("upload-envelope-part-over-16-mib", 413, "part-too-large", fx -> {
            Upload u = fresh(fx, "big-envelope");
            u.envelope = Arrays.copyOf(u.envelope, 16 * 1024 * 1024 + 1);
            return Requests.post(u);
        }));
        cases.add(new BadInput("upload-rows-part-over-16-mib", 413, "part-too-large", fx -> {
            Upload u = fresh(fx, "big-rows");
            u.rows = Arrays.copyOf(u.rows, 16 * 1024 * 1024 + 1);
            return Requests.post(u);
        }));
        cases.add(new BadInput("upload-body-over-the-40-mib-request-limit", 413, "body-too-large", fx -> {
            Upload u = fresh(fx, "huge-body");
            u.signatureOverride = "AAAA";
            u.envelope = new byte[41 * 1024 * 1024];
            return Requests.post(u);
        }));
    }

    // ---- upload: replays --------------------------------------------------------------------------------------

    private static void replays(List<BadInput> cases) {
        cases.add(new BadInput(
                "replay-idempotency-key-with-other-content",
                409,
                "idempotency-conflict",
                fx -> Requests.post(
                        fx.hospitalA.upload(fx.existingUpload.idempotencyKey, Fixture.POLICY_A, "different content"))));
        cases.add(new BadInput("replay-idempotency-key-with-other-tags", 409, "idempotency-conflict", fx -> {
            Upload u = fx.hospitalA.upload(fx.existingUpload.idempotencyKey, Fixture.POLICY_A, "x");
            u.envelope = fx.existingUpload.envelope;
            u.rows = fx.existingUpload.rows;
            u.tags.put("year", "1999");
            return Requests.post(u);
        }));
        cases.add(new BadInput("replay-idempotency-key-with-other-policy", 409, "idempotency-conflict", fx -> {
            String policy = "org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4";
            return Requests.post(fx.hospitalA.upload(fx.existingUpload.idempotencyKey, policy, "existing record"));
        }));
        cases.add(new BadInput("replay-existing-upload-with-forged-signature", 400, "bad-signature", fx -> {
            Upload u = fx.hospitalA.upload(fx.existingUpload.idempotencyKey, Fixture.POLICY_A, "x");
            u.envelope = fx.existingUpload.envelope;
            u.rows = fx.existingUpload.rows;
            u.signatureOverride = Base64.getEncoder().encodeToString(new byte[64]);
            return Requests.post(u);
        }));
    }

    // ---- signing keys, data-use rules, records ---------------------------------------------------------------

    private static void signingKeys(List<BadInput> cases) {
        cases.add(new BadInput(
                "signing-key-over-1024-characters",
                400,
                "invalid-request",
                Requests.json("POST", "/api/v1/signing-keys", "{\"publicKey\":\"" + "A".repeat(1028) + "\"}")));
        cases.add(new BadInput(
                "signing-key-registered-to-hospital-b",
                409,
                "key-taken",
                fx -> Requests.json("POST", "/api/v1/signing-keys", "{\"publicKey\":\"" + fx.publicKeyB + "\"}")
                        .apply(fx)));
        cases.add(new BadInput(
                "signing-key-revoked-registered-again",
                409,
                "key-revoked",
                fx -> Requests.json("POST", "/api/v1/signing-keys", "{\"publicKey\":\"" + fx.revokedPublicKey + "\"}")
                        .apply(fx)));
        cases.add(new BadInput(
                "signing-key-deeply-nested-json",
                400,
                null,
                Requests.json("POST", "/api/v1/signing-keys", "{\"publicKey\":" + Requests.nested(100_000) + "}")));
        cases.add(new BadInput(
                "signing-key-as-text-plain",
                415,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/signing-keys",
                        "text/plain",
                        "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="
                                .getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "signing-key-as-xml",
                415,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/signing-keys",
                        "application/xml",
                        "<key>MCowBQYDK2VwAyEA</key>".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "signing-key-without-body",
                400,
                null,
                Requests.raw("POST", "/api/v1/signing-keys", "application/json", null)));
        cases.add(new BadInput(
                "signing-keys-list-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/signing-keys")));
        cases.addAll(PathCases.of("signing-key-revoke", "DELETE", id -> "/api/v1/signing-keys/" + id, 404));
        cases.add(new BadInput(
                "signing-key-revoke-of-hospital-b-key",
                404,
                "not-found",
                Requests.call("DELETE", fx -> "/api/v1/signing-keys/" + fx.keyIdB)));
    }

    private static void disclosureLimits(List<BadInput> cases) {
        cases.add(new BadInput(
                "limits-as-text-plain",
                415,
                null,
                Requests.raw(
                        "PUT",
                        "/api/v1/disclosure-limits",
                        "text/plain",
                        "minGroupSize=20".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "limits-without-body",
                400,
                null,
                Requests.raw("PUT", "/api/v1/disclosure-limits", "application/json", null)));
        cases.add(new BadInput(
                "limits-deeply-nested-json",
                400,
                null,
                Requests.json(
                        "PUT", "/api/v1/disclosure-limits", "{\"minGroupSize\":" + Requests.nested(100_000) + "}")));
        cases.add(new BadInput(
                "limits-read-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/disclosure-limits")));
        cases.add(new BadInput(
                "limits-with-post-instead-of-put",
                405,
                null,
                Requests.json("POST", "/api/v1/disclosure-limits", "{\"minGroupSize\":20}")));
        cases.add(new BadInput(
                "limits-with-delete", 405, null, Requests.call("DELETE", fx -> "/api/v1/disclosure-limits")));
    }

    private static void ownLimit(List<BadInput> cases) {
        cases.add(new BadInput(
                "own-limit-as-text-plain",
                415,
                null,
                Requests.raw(
                        "PUT", "/api/v1/budgets/own-limit", "text/plain", "1.5".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "own-limit-without-body",
                400,
                null,
                Requests.raw("PUT", "/api/v1/budgets/own-limit", "application/json", null)));
        cases.add(new BadInput(
                "own-limit-deeply-nested-json",
                400,
                null,
                Requests.json("PUT", "/api/v1/budgets/own-limit", "{\"limit\":" + Requests.nested(100_000) + "}")));
        cases.add(new BadInput(
                "warning-as-text-plain",
                415,
                null,
                Requests.raw("PUT", "/api/v1/budgets/warning", "text/plain", "80".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "budgets-read-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/budgets")));
        cases.add(new BadInput(
                "budgets-with-post-instead-of-get", 405, null, Requests.json("POST", "/api/v1/budgets", "{}")));
    }

    private static void dataUseRules(List<BadInput> cases) {
        cases.add(new BadInput(
                "rules-101-entries",
                400,
                "invalid-request",
                fx -> Requests.json(
                                "PUT",
                                "/api/v1/data-use-rules",
                                "{\"rules\":["
                                        + String.join(",", java.util.Collections.nCopies(101, "\"insurance-stats/*\""))
                                        + "]}")
                        .apply(fx)));
        cases.add(new BadInput(
                "rules-deeply-nested-json",
                400,
                null,
                Requests.json("PUT", "/api/v1/data-use-rules", "{\"rules\":" + Requests.nested(100_000) + "}")));
        cases.add(new BadInput(
                "rules-as-text-plain",
                415,
                null,
                Requests.raw(
                        "PUT",
                        "/api/v1/data-use-rules",
                        "text/plain",
                        "insurance-stats/*".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "rules-without-body",
                400,
                null,
                Requests.raw("PUT", "/api/v1/data-use-rules", "application/json", null)));
        cases.add(new BadInput(
                "rules-read-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/data-use-rules")));
        cases.add(new BadInput(
                "rules-with-post-instead-of-put",
                405,
                null,
                Requests.json("POST", "/api/v1/data-use-rules", "{\"rules\":[]}")));
    }

    // ---- sharing across hospitals: release, search, statement, access, policy preview ---------------------------

    private static final String REASON = Requests.encode("unconscious patient in the emergency room");

    private static void sharing(List<BadInput> cases) {
        cases.add(new BadInput(
                "ciphertext-of-hospital-b-without-purpose",
                403,
                "purpose-required",
                Requests.call("GET", fx -> "/api/v1/records/" + fx.recordB + "/ciphertext")));
        cases.add(new BadInput(
                "ciphertext-of-hospital-b-policy-not-satisfied",
                403,
                "policy-not-satisfied",
                Requests.call("GET", fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=TREAT")));
        cases.add(new BadInput(
                "ciphertext-of-hospital-b-emergency-policy-not-satisfied",
                403,
                "policy-not-satisfied",
                Requests.call(
                        "GET", fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=ETREAT&reason=" + REASON)));
        for (String purpose : List.of("treatment", "treat", "", "TREAT%20", "HRESCH,TREAT", "%00")) {
            cases.add(new BadInput(
                    "ciphertext-purpose-"
                            + (purpose.isEmpty()
                                    ? "empty"
                                    : Requests.encode(purpose).replace('%', 'x')),
                    400,
                    "invalid-purpose",
                    Requests.call("GET", fx -> "/api/v1/records/" + fx.recordA + "/ciphertext?purpose=" + purpose)));
        }
        cases.add(new BadInput(
                "ciphertext-purpose-of-hospital-b-unknown",
                400,
                "invalid-purpose",
                Requests.call("GET", fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=MARKETING")));
        cases.add(new BadInput(
                "ciphertext-purpose-repeated",
                400,
                null,
                Requests.call(
                        "GET", fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=TREAT&purpose=ETREAT")));
        cases.add(new BadInput(
                "ciphertext-reason-without-emergency",
                400,
                "invalid-reason",
                Requests.call(
                        "GET", fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=TREAT&reason=" + REASON)));
        cases.add(new BadInput(
                "ciphertext-reason-without-purpose",
                400,
                "invalid-reason",
                Requests.call("GET", fx -> "/api/v1/records/" + fx.recordA + "/ciphertext?reason=" + REASON)));
        cases.add(new BadInput(
                "ciphertext-reason-too-short",
                400,
                "invalid-reason",
                Requests.call(
                        "GET", fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=ETREAT&reason=hurry")));
        cases.add(new BadInput(
                "ciphertext-reason-blank",
                400,
                "invalid-reason",
                Requests.call(
                        "GET",
                        fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=ETREAT&reason="
                                + Requests.encode(" ".repeat(20)))));
        cases.add(new BadInput(
                "ciphertext-reason-control-character",
                400,
                "invalid-reason",
                Requests.call(
                        "GET",
                        fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=ETREAT&reason="
                                + Requests.encode("patient collapsed \u0007 in the ward"))));
        cases.add(new BadInput(
                "ciphertext-reason-1001-characters",
                400,
                "invalid-reason",
                Requests.call(
                        "GET",
                        fx -> "/api/v1/records/" + fx.recordB + "/ciphertext?purpose=ETREAT&reason="
                                + "r".repeat(1001))));
        cases.addAll(PathCases.of("statement", "GET", id -> "/api/v1/records/" + id + "/statement", 404));
        cases.add(new BadInput(
                "statement-of-hospital-b-policy-not-satisfied",
                403,
                "policy-not-satisfied",
                Requests.call("GET", fx -> "/api/v1/records/" + fx.recordB + "/statement")));
        cases.add(new BadInput(
                "search-without-patient",
                400,
                "invalid-patient-reference",
                Requests.call("GET", "/api/v1/records/search")));
        for (String patient :
                List.of("John%20Smith", "ABCDEF0123456789", "0123456789abcde", "x".repeat(65), "%27%20or%201%3D1")) {
            cases.add(new BadInput(
                    "search-patient-" + patient.replace('%', 'x').substring(0, Math.min(16, patient.length())),
                    400,
                    "invalid-patient-reference",
                    Requests.call("GET", "/api/v1/records/search?patient=" + patient)));
        }
        cases.add(new BadInput(
                "search-limit-zero",
                400,
                "invalid-request",
                Requests.call("GET", fx -> "/api/v1/records/search?patient=" + fx.patient + "&limit=0")));
        cases.add(new BadInput(
                "search-offset-negative",
                400,
                "invalid-request",
                Requests.call("GET", fx -> "/api/v1/records/search?patient=" + fx.patient + "&offset=-1")));
        cases.add(new BadInput(
                "search-patient-repeated",
                400,
                null,
                Requests.call("GET", fx -> "/api/v1/records/search?patient=" + fx.patient + "&patient=" + fx.patient)));
        cases.add(new BadInput(
                "access-limit-zero", 400, "invalid-request", Requests.call("GET", "/api/v1/records/access?limit=0")));
        cases.add(new BadInput(
                "access-limit-1001",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/records/access?limit=1001")));
        cases.add(new BadInput(
                "access-offset-not-a-number",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/records/access?offset=first")));
        cases.add(new BadInput("access-with-post", 405, null, Requests.json("POST", "/api/v1/records/access", "{}")));
        cases.add(new BadInput(
                "access-proof-index-negative",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/records/access/-1/proof")));
        cases.add(new BadInput(
                "access-proof-index-not-a-number",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/records/access/latest/proof")));
        cases.add(new BadInput(
                "access-proof-index-overflows-long",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/records/access/99999999999999999999/proof")));
        cases.add(new BadInput(
                "access-proof-index-beyond-the-log",
                404,
                "not-found",
                Requests.call("GET", "/api/v1/records/access/9223372036854775807/proof")));
        cases.add(new BadInput(
                "access-proof-of-an-upload-entry",
                404,
                "not-found",
                Requests.call("GET", "/api/v1/records/access/0/proof")));
        cases.addAll(Requests.fromFile("policy-preview.txt", "POST", fx -> "/api/v1/policies/preview"));
        cases.add(new BadInput(
                "document-reference-without-patient",
                400,
                "invalid-patient-reference",
                Requests.call("GET", "/api/v1/fhir/DocumentReference")));
        cases.add(new BadInput(
                "document-reference-patient-a-name",
                400,
                "invalid-patient-reference",
                Requests.call("GET", "/api/v1/fhir/DocumentReference?patient=Patient/John%20Smith")));
        cases.add(new BadInput(
                "document-reference-count-zero",
                400,
                "invalid-request",
                Requests.call("GET", fx -> "/api/v1/fhir/DocumentReference?patient=" + fx.patient + "&_count=0")));
        cases.add(new BadInput(
                "document-reference-offset-negative",
                400,
                "invalid-request",
                Requests.call("GET", fx -> "/api/v1/fhir/DocumentReference?patient=" + fx.patient + "&_offset=-1")));
        cases.add(new BadInput(
                "document-reference-accepting-xml",
                406,
                null,
                Requests.accepting("application/fhir+xml", "GET", "/api/v1/fhir/DocumentReference?patient=x")));
    }

    private static void consents(List<BadInput> cases) {
        cases.addAll(PathCases.of("consent-json", "GET", id -> "/api/v1/consents/" + id, 404));
        cases.add(new BadInput(
                "consent-json-of-hospital-b",
                404,
                "not-found",
                Requests.call("GET", fx -> "/api/v1/consents/" + fx.consentB)));
        cases.addAll(PathCases.of(
                "provisions", "PUT", id -> "/api/v1/consents/" + id + "/provisions", 404, "{\"provisions\":[]}"));
        cases.add(new BadInput(
                "provisions-of-hospital-b-consent",
                404,
                "not-found",
                Requests.json(
                        "PUT",
                        fx -> "/api/v1/consents/" + fx.consentB + "/provisions",
                        "{\"provisions\":[{\"type\":\"deny\",\"purposes\":[],\"organisations\":[]}]}")));
        cases.addAll(Requests.fromFile(
                "consent-provisions.txt", "PUT", fx -> "/api/v1/consents/" + fx.consentA + "/provisions"));
    }

    private static void records(List<BadInput> cases) {
        cases.addAll(PathCases.of("record", "GET", id -> "/api/v1/records/" + id, 404));
        cases.addAll(PathCases.of("ciphertext", "GET", id -> "/api/v1/records/" + id + "/ciphertext", 404));
        cases.addAll(PathCases.of("consent-revoke", "POST", id -> "/api/v1/records/" + id + "/consent/revoke", 404));
        cases.addAll(PathCases.of("erase", "DELETE", id -> "/api/v1/records/" + id, 404));
        cases.add(new BadInput(
                "erase-of-hospital-b-record",
                404,
                "not-found",
                Requests.call("DELETE", fx -> "/api/v1/records/" + fx.recordB)));
        cases.add(new BadInput(
                "record-of-hospital-b", 404, "not-found", Requests.call("GET", fx -> "/api/v1/records/" + fx.recordB)));
        sharing(cases);
        cases.add(new BadInput(
                "consent-revoke-of-hospital-b-record",
                404,
                "not-found",
                Requests.call("POST", fx -> "/api/v1/records/" + fx.recordB + "/consent/revoke")));
        cases.add(new BadInput(
                "records-offset-negative", 400, "invalid-request", Requests.call("GET", "/api/v1/records?offset=-1")));
        cases.add(new BadInput(
                "records-limit-zero", 400, "invalid-request", Requests.call("GET", "/api/v1/records?limit=0")));
        cases.add(new BadInput(
                "records-limit-1001", 400, "invalid-request", Requests.call("GET", "/api/v1/records?limit=1001")));
        cases.add(new BadInput(
                "records-limit-not-a-number",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/records?limit=ten")));
        cases.add(new BadInput(
                "records-offset-overflows-int",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/records?offset=99999999999")));
        cases.add(new BadInput(
                "records-limit-nan", 400, "invalid-parameter", Requests.call("GET", "/api/v1/records?limit=NaN")));
        cases.add(new BadInput(
                "records-resource-type-lowercase",
                400,
                "invalid-resource-type",
                Requests.call("GET", "/api/v1/records?resourceType=patient")));
        cases.add(new BadInput(
                "records-resource-type-sql-quote",
                400,
                "invalid-resource-type",
                Requests.call("GET", "/api/v1/records?resourceType=" + Requests.encode("Patient' OR '1'='1"))));
        cases.add(new BadInput(
                "records-resource-type-like-wildcard",
                400,
                "invalid-resource-type",
                Requests.call("GET", "/api/v1/records?resourceType=" + Requests.encode("Pat%"))));
        cases.add(new BadInput(
                "records-resource-type-65-letters",
                400,
                "invalid-resource-type",
                Requests.call("GET", "/api/v1/records?resourceType=" + "P".repeat(65))));
        cases.add(new BadInput(
                "records-list-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/records")));
        cases.add(new BadInput("records-with-put", 405, null, Requests.json("PUT", "/api/v1/records", "{}")));
        cases.add(new BadInput("records-list-with-delete", 405, null, Requests.call("DELETE", "/api/v1/records")));
        cases.add(new BadInput(
                "attested-parameters-without-nonce",
                400,
                "invalid-nonce",
                Requests.call("GET", "/api/v1/authority/parameters/attested")));
        cases.add(new BadInput(
                "attested-parameters-nonce-not-base64",
                400,
                "invalid-nonce",
                Requests.call("GET", "/api/v1/authority/parameters/attested?nonce=" + Requests.encode("not base64!"))));
        cases.add(new BadInput(
                "attested-parameters-nonce-31-bytes",
                400,
                "invalid-nonce",
                Requests.call(
                        "GET",
                        "/api/v1/authority/parameters/attested?nonce="
                                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[31]))));
        cases.add(new BadInput(
                "attested-parameters-nonce-33-bytes",
                400,
                "invalid-nonce",
                Requests.call(
                        "GET",
                        "/api/v1/authority/parameters/attested?nonce="
                                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[33]))));
        cases.add(new BadInput(
                "attested-parameters-nonce-empty",
                400,
                "invalid-nonce",
                Requests.call("GET", "/api/v1/authority/parameters/attested?nonce=")));
        cases.add(new BadInput(
                "attested-parameters-nonce-200-characters",
                400,
                "invalid-nonce",
                Requests.call("GET", "/api/v1/authority/parameters/attested?nonce=" + "A".repeat(200))));
        cases.add(new BadInput(
                "attested-parameters-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/authority/parameters/attested?nonce=AAAA")));
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        String x25519;
        String ed25519;
        try {
            x25519 = Base64.getEncoder()
                    .encodeToString(KeyPairGenerator.getInstance("X25519")
                            .generateKeyPair()
                            .getPublic()
                            .getEncoded());
            ed25519 = Base64.getEncoder()
                    .encodeToString(KeyPairGenerator.getInstance("Ed25519")
                            .generateKeyPair()
                            .getPublic()
                            .getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        cases.add(new BadInput(
                "key-request-empty-object",
                400,
                "invalid-key-request",
                Requests.json("POST", "/api/v1/authority/keys", "{}")));
        cases.add(new BadInput(
                "key-request-without-body",
                400,
                null,
                fx -> Requests.send("POST", "/api/v1/authority/keys", "application/json", null, null)));
        cases.add(new BadInput(
                "key-request-as-text-plain",
                415,
                null,
                Requests.raw(
                        "POST",
                        "/api/v1/authority/keys",
                        "text/plain",
                        "key please".getBytes(StandardCharsets.UTF_8))));
        cases.add(new BadInput(
                "key-request-recipient-not-base64",
                400,
                "invalid-recipient-key",
                Requests.json(
                        "POST",
                        "/api/v1/authority/keys",
                        "{\"recipientKey\":\"not base64!\",\"nonce\":\"" + nonce + "\"}")));
        cases.add(new BadInput(
                "key-request-recipient-ed25519",
                400,
                "invalid-recipient-key",
                Requests.json(
                        "POST",
                        "/api/v1/authority/keys",
                        "{\"recipientKey\":\"" + ed25519 + "\",\"nonce\":\"" + nonce + "\"}")));
        cases.add(new BadInput(
                "key-request-nonce-missing",
                400,
                "invalid-nonce",
                Requests.json("POST", "/api/v1/authority/keys", "{\"recipientKey\":\"" + x25519 + "\"}")));
        cases.add(new BadInput(
                "key-request-nonce-16-bytes",
                400,
                "invalid-nonce",
                Requests.json(
                        "POST",
                        "/api/v1/authority/keys",
                        "{\"recipientKey\":\"" + x25519 + "\",\"nonce\":\""
                                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]) + "\"}")));
        byte[] recipient = Base64.getDecoder().decode(x25519);
        byte[] otherRecipient = x25519Key();
        KeyPair grantsA = PartySigners.grantKey("hospital-a");
        Instant soon = Instant.now().plusSeconds(3600);
        Set<String> orgA = Set.of("org:hospital-a@2026Q4");
        cases.add(keyRequest("key-request-without-grant", 400, "invalid-grant", x25519, nonce, null));
        cases.add(keyRequest("key-request-grant-not-base64", 400, "invalid-grant", x25519, nonce, "not base64!"));
        cases.add(keyRequest(
                "key-request-grant-purpose-attribute",
                403,
                "attribute-not-held",
                x25519,
                nonce,
                grant(
                        "hospital-a",
                        "hospital-a:alice",
                        Set.of("purpose:insurance-stats@2026Q4"),
                        soon,
                        recipient,
                        grantsA)));
        cases.add(keyRequest(
                "key-request-grant-other-organisation-attribute",
                403,
                "attribute-not-held",
                x25519,
                nonce,
                grant("hospital-a", "hospital-a:alice", Set.of("org:hospital-b@2026Q4"), soon, recipient, grantsA)));
        cases.add(keyRequest(
                "key-request-grant-for-another-clinician",
                403,
                "grant-mismatch",
                x25519,
                nonce,
                grant("hospital-a", "hospital-a:arthur", orgA, soon, recipient, grantsA)));
        cases.add(keyRequest(
                "key-request-grant-for-another-recipient-key",
                403,
                "grant-mismatch",
                x25519,
                nonce,
                grant("hospital-a", "hospital-a:alice", orgA, soon, otherRecipient, grantsA)));
        cases.add(keyRequest(
                "key-request-grant-signed-by-another-hospital",
                403,
                "grant-not-trusted",
                x25519,
                nonce,
                grant("hospital-a", "hospital-a:alice", orgA, soon, recipient, PartySigners.grantKey("hospital-b"))));
        cases.add(keyRequest(
                "key-request-grant-signed-by-the-regulators-approval-key",
                403,
                "grant-not-trusted",
                x25519,
                nonce,
                grant("hospital-a", "hospital-a:alice", orgA, soon, recipient, PartySigners.regulator())));
        cases.add(keyRequest(
                "key-request-grant-expired",
                403,
                "grant-expired",
                x25519,
                nonce,
                grant("hospital-a", "hospital-a:alice", orgA, Instant.now().minusSeconds(1), recipient, grantsA)));
        String signed = grant("hospital-a", "hospital-a:alice", orgA, soon, recipient, grantsA);
        byte[] forged = Base64.getDecoder().decode(signed);
        forged[forged.length - 1] ^= 1;
        cases.add(keyRequest(
                "key-request-grant-signature-broken",
                403,
                "grant-signature-invalid",
                x25519,
                nonce,
                Base64.getEncoder().encodeToString(forged)));
        cases.add(new BadInput("key-request-with-get", 405, null, Requests.call("GET", "/api/v1/authority/keys")));
        cases.add(new BadInput(
                "key-entitlement-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/authority/keys/entitlement")));
        cases.add(new BadInput(
                "consent-search-patient-name",
                400,
                "invalid-patient-reference",
                Requests.call("GET", "/api/v1/fhir/Consent?patient=" + Requests.encode("Patient/John Smith"))));
        cases.add(new BadInput(
                "consent-search-patient-uppercase-hex",
                400,
                "invalid-patient-reference",
                Requests.call("GET", "/api/v1/fhir/Consent?patient=ABCDEF0123456789")));
        cases.add(new BadInput(
                "consent-search-offset-repeated-first-empty",
                400,
                "repeated-parameter",
                Requests.call("GET", "/api/v1/fhir/Consent?_offset=&_offset=abc")));
        cases.add(new BadInput(
                "consent-search-offset-empty",
                400,
                "invalid-parameter",
                Requests.call("GET", "/api/v1/fhir/Consent?_offset=")));
        cases.add(new BadInput(
                "consent-search-count-zero",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/fhir/Consent?_count=0")));
        cases.add(new BadInput(
                "consent-search-count-1001",
                400,
                "invalid-request",
                Requests.call("GET", "/api/v1/fhir/Consent?_count=1001")));
        cases.add(new BadInput(
                "consent-search-accepting-xml",
                406,
                null,
                Requests.accepting("application/fhir+xml", "GET", "/api/v1/fhir/Consent")));
        cases.add(new BadInput(
                "consent-read-unknown",
                404,
                "not-found",
                Requests.call("GET", "/api/v1/fhir/Consent/" + "0".repeat(32))));
        cases.add(new BadInput(
                "consent-read-not-an-id",
                404,
                "not-found",
                Requests.call("GET", "/api/v1/fhir/Consent/" + Requests.encode("../record"))));
        cases.add(new BadInput(
                "consent-revoke-unknown",
                404,
                "not-found",
                Requests.call("POST", "/api/v1/fhir/Consent/" + "0".repeat(32) + "/$revoke")));
        cases.add(new BadInput(
                "consent-revoke-record-id",
                404,
                "not-found",
                Requests.call("POST", fx -> "/api/v1/fhir/Consent/" + fx.recordA + "/$revoke")));
        cases.add(new BadInput(
                "authority-parameters-accepting-json",
                406,
                null,
                Requests.accepting("application/json", "GET", "/api/v1/authority/parameters")));
        cases.add(new BadInput(
                "me-accepting-xml", 406, null, Requests.accepting("application/xml", "GET", "/api/v1/me")));
        cases.add(new BadInput(
                "balance-me-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/payments/balances/me")));
        cases.add(new BadInput(
                "payouts-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/payments/payouts")));
        cases.add(new BadInput(
                "payouts-with-post", 405, null, Requests.json("POST", "/api/v1/payments/payouts", "{\"amount\":1}")));
        cases.add(new BadInput(
                "health-platform-accepting-xml",
                406,
                null,
                Requests.accepting("application/xml", "GET", "/api/v1/health/platform")));
        cases.add(new BadInput(
                "health-platform-with-delete", 405, null, Requests.call("DELETE", "/api/v1/health/platform")));
        cases.add(new BadInput("unknown-endpoint", 404, null, Requests.call("GET", "/api/v1/patients")));
        cases.add(new BadInput("unknown-api-version", 404, null, Requests.call("GET", "/api/v2/records")));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Requests.Part metadataPart(String json) {
        return new Requests.Part("metadata", null, "text/plain; charset=UTF-8", json.getBytes(StandardCharsets.UTF_8));
    }

    /** Applies a change the client library itself would refuse to sign; the upload carries a fixed, wrong signature. */
    private static void unsigned(Upload u, Runnable change) {
        u.signatureOverride = Base64.getEncoder().encodeToString(new byte[64]);
        change.run();
    }

    private static Upload fresh(Fixture fx, String name) {
        return fx.hospitalA.upload("bad-" + name, Fixture.POLICY_A, "refused content " + name);
    }

    static BadInput upload(String name, int status, String kind, BiConsumer<Fixture, Upload> mutation) {
        return new BadInput(name, status, kind, fx -> {
            Upload u = fresh(fx, name);
            mutation.accept(fx, u);
            return Requests.post(u);
        });
    }

    private static BadInput policy(String name, int status, String kind, String policy) {
        return upload(name, status, kind, (fx, u) -> u.policy = policy);
    }

    private interface Bytes {
        void change(byte[] bytes);
    }

    private static BadInput resigned(String name, String kind, Bytes change) {
        return upload(name, 400, kind, (fx, u) -> change.change(u.envelope));
    }

    private static BadInput rows(String name, String kind, Bytes change) {
        return upload(name, 400, kind, (fx, u) -> change.change(u.rows));
    }

    private static BadInput afterSigning(String name, BiConsumer<Fixture, Upload> change) {
        return upload(name, 400, "bad-signature", (fx, u) -> {
            u.signatureOverride = u.signature();
            change.accept(fx, u);
        });
    }

    private static String withKeyId(Upload u, String keyId) {
        return u.metadata().replaceAll("\"signingKeyId\":\"[0-9a-f]+\"", "\"signingKeyId\":\"" + keyId + "\"");
    }

    private static String recordId(Upload u) {
        return UploadStatement.recordId("hospital-a", u.idempotencyKey);
    }

    private static int policyLength(byte[] envelope) {
        return ((envelope[16] & 0xff) << 8) | (envelope[17] & 0xff);
    }

    private static int chunkCountAt(byte[] rows) {
        return 10 + (int) u32(rows, 6);
    }

    static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    static void putU32(byte[] b, int at, long value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    private static byte[] gmRows(String recordId, String policy) {
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(
                    AnalyticsRow.of(100 + i, 2, Sex.FEMALE, new int[] {Icd10.encode("E11")}, 12_000, 9_000, 202503, 1));
        }
        try {
            return EncryptedRows.seal(
                            recordId,
                            rows,
                            HospitalClient.localParameters(),
                            Policy.parse(policy),
                            Suite.GM,
                            new SecureRandom())
                    .toBytes();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key request for {@code recipient} with {@code grant} (omitted when null). */
    private static BadInput keyRequest(
            String name, int status, String type, String recipient, String nonce, String grant) {
        String body = "{\"recipientKey\":\"" + recipient + "\",\"nonce\":\"" + nonce + "\""
                + (grant == null ? "" : ",\"grant\":\"" + grant + "\"") + "}";
        return new BadInput(name, status, type, Requests.json("POST", "/api/v1/authority/keys", body));
    }

    /** A key grant, base64. */
    private static String grant(
            String organisation,
            String subject,
            Set<String> attributes,
            Instant notAfter,
            byte[] recipient,
            KeyPair signer) {
        try {
            return Base64.getEncoder()
                    .encodeToString(UserKeyGrant.sign(organisation, subject, attributes, notAfter, recipient, signer)
                            .toBytes());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] x25519Key() {
        try {
            return KeyPairGenerator.getInstance("X25519")
                    .generateKeyPair()
                    .getPublic()
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
