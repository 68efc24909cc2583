package org.medshare.service.testing;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.medshare.enclave.Ed25519;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.service.testing.QuerySteps.Party;

/**
 * The parties' own signing keys in the tests: the fixture keys under {@code src/test/resources/parties}, which the
 * test profile's party keys file lists (regulator-nhc's approval key, hospital-a's and hospital-b's grant keys). They
 * stand in for the keys each party keeps itself; the service under test never reads them.
 */
public final class PartySigners {
    private static final Path DIR = Path.of("src/test/resources/parties");

    private PartySigners() {}

    /** regulator-nhc's query-approval key. */
    public static KeyPair regulator() {
        return read(DIR.resolve("regulator.key"));
    }

    /** The grant key of {@code organisation} (hospital-a or hospital-b). */
    public static KeyPair grantKey(String organisation) {
        return read(DIR.resolve(organisation + "-grants.key"));
    }

    /**
     * The regulator's signed approval of {@code queryId}'s current approval terms, base64; when the terms cannot be
     * read (an unknown or decided query), an approval of made-up terms, so that the service's own refusal shows.
     */
    public static String approval(Party regulator, String queryId) {
        Response terms = regulator.request().get("/api/v1/queries/" + queryId + "/approval-terms");
        byte[] contentHash = new byte[32];
        Set<String> attributes = Set.of("purpose:insurance-stats@2026Q4");
        if (terms.statusCode() == 200) {
            JsonPath t = terms.jsonPath();
            contentHash = HexFormat.of().parseHex(t.getString("contentHash"));
            attributes = new TreeSet<>(t.getList("purposeAttributes", String.class));
        }
        return sign(queryId.matches("[A-Za-z0-9._:-]{1,128}") ? queryId : "q", contentHash, attributes, regulator());
    }

    /** A query approval of exactly these terms by {@code key}, base64. */
    public static String sign(String queryId, byte[] contentHash, Set<String> attributes, KeyPair key) {
        try {
            return Base64.getEncoder()
                    .encodeToString(QueryApproval.sign(
                                    queryId,
                                    contentHash,
                                    attributes,
                                    Instant.now().plusSeconds(600),
                                    key)
                            .toBytes());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A grant for {@code caller} (its entitlement's organisation and subject) of {@code attributes}
     * (empty: all it is entitled to), to {@code recipientSpki}, signed by {@code signer}; base64.
     */
    public static String grant(Party caller, byte[] recipientSpki, List<String> attributes, KeyPair signer) {
        JsonPath entitlement = caller.request()
                .get("/api/v1/authority/keys/entitlement")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Set<String> granted =
                new TreeSet<>(attributes.isEmpty() ? entitlement.getList("attributes", String.class) : attributes);
        try {
            return Base64.getEncoder()
                    .encodeToString(UserKeyGrant.sign(
                                    entitlement.getString("organisation"),
                                    entitlement.getString("subject"),
                                    granted,
                                    Instant.now().plusSeconds(300),
                                    recipientSpki,
                                    signer)
                            .toBytes());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair read(Path file) {
        try {
            return Ed25519.keyPairOf(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
