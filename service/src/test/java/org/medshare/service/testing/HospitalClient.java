package org.medshare.service.testing;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Envelope;
import org.medshare.abe.KeyFormatException;
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

    /** A local authority for tests that only need well-formed ciphertext (ABE setup is the expensive part). */
    private static final MasterKey LOCAL_AUTHORITY = AbeScheme.create().setup(Suite.NIST);

    /** The parameters of the local test authority that {@link #upload} encrypts under by default. */
    public static PublicParameters localParameters() {
        return LOCAL_AUTHORITY.publicParameters();
    }

    private final String organisation;
    private final KeyPair signingKey;
    private String keyId;
    private int hospitalNumber;
    private String token;
    private PublicParameters params = LOCAL_AUTHORITY.publicParameters();

    public HospitalClient(String organisation) {
        this.organisation = organisation;
        try {
            this.signingKey = SigningKeys.generate(Suite.NIST);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client of {@code organisation} that encrypts under the service's key authority, whose parameters it reads
     * with {@code bearerToken} (null: the test's security setup), and whose signing key is registered.
     */
    public static HospitalClient registered(String organisation, String bearerToken) {
        HospitalClient client = new HospitalClient(organisation);
        client.token = bearerToken;
        byte[] parameters = client.request()
                .get("/api/v1/authority/parameters")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        try {
            client.params = PublicParameters.parse(parameters);
        } catch (KeyFormatException e) {
            throw new IllegalStateException("the service's public parameters do not parse", e);
        }
        client.registerKey();
        return client;
    }

    /** Encrypts under these parameters (e.g. the service's key authority's) from now on. */
    public HospitalClient withParameters(PublicParameters parameters) {
        this.params = parameters;
        return this;
    }

    /** Sends a bearer token with every request from now on (for tests against the real Keycloak). */
    public HospitalClient withToken(String bearerToken) {
        this.token = bearerToken;
        return this;
    }

    private RequestSpecification request() {
        return token == null ? given() : given().auth().oauth2(token);
    }

    /** Registers the signing key (the caller must be a hospital of this organisation). */
    public String registerKey() {
        JsonPath registered = request()
                .contentType("application/json")
                .body(Map.of(
                        "publicKey",
                        Base64.getEncoder()
                                .encodeToString(signingKey.getPublic().getEncoded())))
                .post("/api/v1/signing-keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        keyId = registered.getString("keyId");
        hospitalNumber = registered.getInt("hospitalNumber");
        return keyId;
    }

    /** Uses a signing key registered by other means (e.g. through the service class in a test fixture). */
    public HospitalClient withRegisteredKey(String registeredKeyId, int registeredHospitalNumber) {
        this.keyId = registeredKeyId;
        this.hospitalNumber = registeredHospitalNumber;
        return this;
    }

    /** The number the service gave this hospital (analytics rows carry it); known after {@link #registerKey()}. */
    public int hospitalNumber() {
        return hospitalNumber;
    }

    public KeyPair signingKey() {
        return signingKey;
    }

    /**
     * A complete, valid upload of {@code content} under {@code policy}, with rows of patients 100-111 of this hospital
     * (its {@link #hospitalNumber() number} once registered, else 1).
     */
    public Upload upload(String idempotencyKey, String policy, String content) {
        return upload(idempotencyKey, policy, content, 100, hospitalNumber > 0 ? hospitalNumber : 1);
    }

    /** The policy of a record that its organisation and insurance statistics may open, in the tests' epoch 2026Q4. */
    public String statisticsPolicy() {
        return "org:" + organisation + "@2026Q4 OR purpose:insurance-stats@2026Q4";
    }

    /**
     * Uploads, as a registered hospital, a record under {@link #statisticsPolicy()} with the rows of 12 patients from
     * {@code firstPatient} ({@link #rows}); fails unless the service stores it (201).
     */
    public void uploadForStatistics(long firstPatient) {
        upload(
                        UUID.randomUUID().toString(),
                        statisticsPolicy(),
                        "{\"resourceType\":\"Bundle\"}",
                        firstPatient,
                        hospitalNumber())
                .post()
                .then()
                .statusCode(201);
    }

    /** A complete, valid upload whose rows are 12 patients from {@code firstPatient} of {@code hospitalNumber}. */
    public Upload upload(String idempotencyKey, String policy, String content, long firstPatient, int hospitalNumber) {
        byte[] envelope =
                Envelope.encrypt(params, Policy.parse(policy), Suite.NIST, content.getBytes(StandardCharsets.UTF_8));
        byte[] rows =
                rows(UploadStatement.recordId(organisation, idempotencyKey), policy, firstPatient, hospitalNumber);
        return new Upload(idempotencyKey, policy, new TreeMap<>(Map.of("year", "2025")), envelope, rows);
    }

    /**
     * Encrypted analytics rows bound to {@code recordId}: 12 synthetic patients numbered from
     * {@code firstPatient}, age bands 2-4, alternating sex, ICD-10 E11, of hospital {@code hospitalNumber}.
     */
    public byte[] rows(String recordId, String policy, long firstPatient, int hospitalNumber) {
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(AnalyticsRow.of(
                    firstPatient + i,
                    2 + i % 3,
                    i % 2 == 0 ? Sex.FEMALE : Sex.MALE,
                    new int[] {Icd10.encode("E11")},
                    12_000 + 100 * i,
                    9_000 + 50 * i,
                    202503,
                    hospitalNumber));
        }
        try {
            return EncryptedRows.seal(recordId, rows, params, Policy.parse(policy), Suite.NIST, new SecureRandom())
                    .toBytes();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An upload like {@link #upload(String, String, String)} but stored without analytics rows (a rows container without chunks). */
    public Upload uploadWithoutRows(String idempotencyKey, String policy, String content) {
        Upload u = upload(idempotencyKey, policy, content);
        try {
            u.rows = EncryptedRows.seal(
                            UploadStatement.recordId(organisation, idempotencyKey),
                            List.of(),
                            params,
                            Policy.parse(policy),
                            Suite.NIST,
                            new SecureRandom())
                    .toBytes();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return u;
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
                UploadStatement statement = new UploadStatement(
                        signedOrganisation,
                        idempotencyKey,
                        policy,
                        UploadStatement.sha256(envelope),
                        UploadStatement.sha256(rows),
                        tags);
                return Base64.getEncoder().encodeToString(statement.sign(signingKey.getPrivate(), Suite.NIST));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public String metadata() {
            if (metadataOverride != null) {
                return metadataOverride;
            }
            StringBuilder t = new StringBuilder("{");
            tags.forEach((k, v) -> t.append(t.length() > 1 ? "," : "")
                    .append('"')
                    .append(k)
                    .append("\":\"")
                    .append(v)
                    .append('"'));
            t.append('}');
            return "{\"idempotencyKey\":\"" + idempotencyKey + "\",\"policy\":\"" + policy + "\",\"tags\":" + t
                    + ",\"signingKeyId\":\"" + keyId + "\",\"signature\":\""
                    + (signatureOverride != null ? signatureOverride : signature()) + "\"}";
        }

        public Response post() {
            return request()
                    .multiPart("metadata", metadata())
                    .multiPart("envelope", "envelope.bin", envelope, "application/octet-stream")
                    .multiPart("rows", "rows.bin", rows, "application/octet-stream")
                    .post("/api/v1/records");
        }
    }
}
