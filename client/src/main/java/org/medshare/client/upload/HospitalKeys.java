package org.medshare.client.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.SigningKeys;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ConfigDir;
import org.medshare.enclave.rows.PseudonymKey;

/**
 * What a hospital's uploads are signed and pseudonymised with: its Ed25519 signing key (kept in
 * {@code CONFIG/keys/ORG/signing.key}, PKCS#8, mode 600, generated on first use and registered with the
 * service, which is idempotent), the key id and hospital number the service gives that key, and the
 * consortium-wide pseudonym key (32 bytes, mode 600). {@code toString} shows no key.
 */
public final class HospitalKeys {
    static final String SIGNING_KEY = "signing.key";
    static final String SIGNING_PUB = "signing.pub";
    /** Default pseudonym key file name in the configuration directory. */
    public static final String PSEUDONYM_KEY = "pseudonym.key";

    private final String organisation;
    private final PrivateKey signingKey;
    private final String keyId;
    private final int hospitalNumber;
    private final PseudonymKey pseudonymKey;

    private HospitalKeys(
            String organisation, PrivateKey signingKey, String keyId, int hospitalNumber, PseudonymKey pseudonymKey) {
        this.organisation = organisation;
        this.signingKey = signingKey;
        this.keyId = keyId;
        this.hospitalNumber = hospitalNumber;
        this.pseudonymKey = pseudonymKey;
    }

    /**
     * Keys already registered (for tools and benchmarks that prepare uploads without asking the service).
     *
     * @param hospitalNumber the number the service gave the signing key (1..16383)
     */
    public static HospitalKeys of(
            String organisation, PrivateKey signingKey, String keyId, int hospitalNumber, PseudonymKey pseudonymKey) {
        if (hospitalNumber < 1 || hospitalNumber > 16383) {
            throw new IllegalArgumentException("hospital number must be within 1..16383");
        }
        return new HospitalKeys(organisation, signingKey, keyId, hospitalNumber, pseudonymKey);
    }

    public String organisation() {
        return organisation;
    }

    PrivateKey signingKey() {
        return signingKey;
    }

    public String keyId() {
        return keyId;
    }

    public int hospitalNumber() {
        return hospitalNumber;
    }

    PseudonymKey pseudonymKey() {
        return pseudonymKey;
    }

    /**
     * Loads the pseudonym key ({@link #pseudonymKey}, refused before anything is sent when missing), asks the service
     * who the caller is, loads or creates the organisation's signing key and registers it.
     *
     * @throws ServiceException if the service refuses (e.g. the caller is not a hospital)
     */
    public static HospitalKeys open(Path config, ServiceClient service, Path pseudonymFile)
            throws ServiceException, IOException, GeneralSecurityException {
        PseudonymKey pseudonym = pseudonymKey(config, pseudonymFile);
        JsonNode me = service.getJson("/api/v1/me");
        String organisation = Json.text(me, "organisation");
        if (organisation == null || !organisation.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ServiceException(200, null, "the service names no usable organisation for this login");
        }
        Path dir = ConfigDir.ensure(ConfigDir.ensure(config.resolve("keys")).resolve(organisation));
        Path priv = dir.resolve(SIGNING_KEY);
        Path pub = dir.resolve(SIGNING_PUB);
        PrivateKey privateKey;
        byte[] spki;
        if (Files.isRegularFile(priv) && Files.isRegularFile(pub)) {
            privateKey = SigningKeys.decodePrivate(Suite.NIST, Files.readAllBytes(priv));
            spki = Files.readAllBytes(pub);
            SigningKeys.decodePublic(spki);
        } else {
            KeyPair pair = SigningKeys.generate(Suite.NIST);
            privateKey = pair.getPrivate();
            spki = pair.getPublic().getEncoded();
            ConfigDir.writeSecret(pub, spki);
            ConfigDir.writeSecret(priv, pair.getPrivate().getEncoded());
        }
        ObjectNode body = Json.object().put("publicKey", Base64.getEncoder().encodeToString(spki));
        JsonNode registered = service.postJson(
                        "/api/v1/signing-keys", Json.compact(body).getBytes(StandardCharsets.UTF_8))
                .json();
        String keyId = Json.text(registered, "keyId");
        JsonNode number = registered.get("hospitalNumber");
        if (keyId == null) {
            throw new ServiceException(200, null, "the service's signing-key registration carries no keyId");
        }
        if (number == null || !number.canConvertToInt() || number.asInt() < 1) {
            throw new ServiceException(
                    200,
                    null,
                    "the service's signing-key registration carries no hospitalNumber (needed for the analytics rows)");
        }
        if (!organisation.equals(Json.text(registered, "organisation"))) {
            throw new ServiceException(200, null, "the service registered the signing key for another organisation");
        }
        return new HospitalKeys(organisation, privateKey, keyId, number.asInt(), pseudonym);
    }

    /**
     * The consortium pseudonym key from {@code explicit}, else {@code CONFIG/pseudonym.key}. Never created here: a key
     * made on the fly would give this hospital's patients pseudonyms no other hospital shares.
     *
     * @throws CliFailure usage error when the file is missing or not 32 bytes
     */
    public static PseudonymKey pseudonymKey(Path config, Path explicit) throws IOException {
        Path file = explicit != null ? explicit : config.resolve(PSEUDONYM_KEY);
        if (!Files.isRegularFile(file)) {
            throw CliFailure.usage(
                    explicit != null
                            ? "pseudonym key file not found: " + explicit
                            : "no pseudonym key (" + file
                                    + "): upload with the consortium's key (--pseudonym-key FILE, or copy it to "
                                    + file
                                    + "); if your consortium has none yet, ONE hospital creates it with `medshare pseudonym-key "
                                    + "create` and gives a copy to every other");
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            return PseudonymKey.of(bytes);
        } catch (InvalidKeyException e) {
            throw CliFailure.usage("pseudonym key file " + file + " must hold exactly 32 bytes");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "HospitalKeys[" + organisation + ", key " + keyId + ", hospital " + hospitalNumber + "]";
    }
}
