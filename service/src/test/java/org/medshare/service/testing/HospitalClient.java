package org.medshare.service.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Envelope;
import org.medshare.abe.MasterKey;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.SigningKeys;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.Sex;

/**
 * What a hospital's client does in tests: encrypts under a policy on its own side, signs the upload
 * statement, and posts the multipart upload. The caller's identity comes from the test's security setup.
 */
public final class HospitalClient {

    /** Shared by all tests: ABE setup is the expensive part. */
    public static final MasterKey AUTHORITY = AbeScheme.create().setup(Suite.NIST);
    public static final PublicParameters PARAMS = AUTHORITY.publicParameters();

    private final String organisation;
    private final KeyPair signingKey;
    private String keyId;

    public HospitalClient(String organisation) {
        this.organisation = organisation;
        try {
            this.signingKey = SigningKeys.generate(Suite.NIST);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers the signing key (the caller must be a hospital of this organisation). */
    public String registerKey() {
        keyId = given().contentType("application/json")
                .body(Map.of("publicKey", Base64.getEncoder().encodeToString(signingKey.getPublic().getEncoded())))
                .post("/api/v1/signing-keys").then().statusCode(200).extract().path("keyId");
        return keyId;
    }

    public KeyPair signingKey() {
        return signingKey;
    }

    /** A complete, valid upload of {@code content} under {@code policy}. */
    public Upload upload(String idempotencyKey, String policy, String content) {
        byte[] envelope = Envelope.encrypt(PARAMS, Policy.parse(policy), Suite.NIST, content.getBytes(StandardCharsets.UTF_8));
        byte[] rows = rows(UploadStatement.recordId(organisation, idempotencyKey), policy);
        return new Upload(idempotencyKey, policy, new TreeMap<>(Map.of("year", "2025")), envelope, rows);
    }

    /** Encrypted analytics rows (a few synthetic patients) bound to {@code recordId}. */
    public static byte[] rows(String recordId, String policy) {
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(AnalyticsRow.of(100 + i, 2 + i % 3, i % 2 == 0 ? Sex.FEMALE : Sex.MALE,
                    new int[] {Icd10.encode("E11")}, 12_000 + 100 * i, 9_000 + 50 * i, 202503, 1));
        }
        try {
            return EncryptedRows.seal(recordId, rows, PARAMS, Policy.parse(policy), Suite.NIST, new SecureRandom()).toBytes();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An upload's parts; the signature is computed when posted, over whatever the fields then are. */
    public final class Upload {
        public String idempotencyKey;
        public String policy;
        public TreeMap<String, String> tags;
        public byte[] envelope;
        public byte[] rows;
        public String signatureOverride;
        public String metadataOverride;
        public String signedOrganisation = organisation;

        Upload(String idempotencyKey, String policy, TreeMap<String, String> tags, byte[] envelope, byte[] rows) {
            this.idempotencyKey = idempotencyKey;
            this.policy = policy;
            this.tags = tags;
            this.envelope = envelope;
            this.rows = rows;
        }

        public String signature() {
            try {
                UploadStatement statement = new UploadStatement(signedOrganisation, idempotencyKey, policy,
                        UploadStatement.sha256(envelope), UploadStatement.sha256(rows), tags);
                return Base64.getEncoder().encodeToString(statement.sign(signingKey.getPrivate(), Suite.NIST));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public String metadata() {
            if (metadataOverride != null) {
                return metadataOverride;
            }
            StringBuilder t = new StringBuilder("{");
            tags.forEach((k, v) -> t.append(t.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
            t.append('}');
            return "{\"idempotencyKey\":\"" + idempotencyKey + "\",\"policy\":\"" + policy + "\",\"tags\":" + t
                    + ",\"signingKeyId\":\"" + keyId + "\",\"signature\":\""
                    + (signatureOverride != null ? signatureOverride : signature()) + "\"}";
        }

        public Response post() {
            return given().multiPart("metadata", metadata())
                    .multiPart("envelope", "envelope.bin", envelope, "application/octet-stream")
                    .multiPart("rows", "rows.bin", rows, "application/octet-stream")
                    .post("/api/v1/records");
        }
    }
}
