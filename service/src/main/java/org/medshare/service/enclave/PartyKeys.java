package org.medshare.service.enclave;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.TrustedParties;
import org.medshare.service.config.MedshareConfig;

/**
 * The consortium's party keys: the public halves of the regulators' query-approval keys and the hospitals' key-grant
 * keys, read from the file {@code medshare.enclave.party-keys} names. The key authority is started trusting exactly
 * these ({@link #trusted()}); the service itself holds none of their private halves, so it can neither approve a
 * query nor grant a clinician key on its own.
 *
 * <p>File format: UTF-8 text, one key per line, {@code ROLE ORGANISATION BASE64-SPKI} separated by spaces, where
 * ROLE is {@value #APPROVE_QUERIES} or {@value #GRANT_KEYS}, ORGANISATION an organisation id and the key an Ed25519
 * X.509 SubjectPublicKeyInfo (the line {@code medshare party keygen} prints); blank lines and lines starting with
 * {@code #} are ignored. A malformed file stops the service at start with the line at fault. Without the setting,
 * no query can be approved and no clinician key issued.
 */
@ApplicationScoped
public class PartyKeys {

    public static final String APPROVE_QUERIES = "approve-queries";
    public static final String GRANT_KEYS = "grant-keys";
    private static final String ORGANISATION = "[A-Za-z0-9._-]{1,64}";

    /**
     * One party key.
     *
     * @param keyId hex SHA-256 of {@code key}'s SubjectPublicKeyInfo, as approvals and grants name their signer
     */
    public record PartyKey(String role, String organisation, PublicKey key, String keyId) {}

    private final List<PartyKey> keys;
    private final String source;

    @Inject
    PartyKeys(MedshareConfig config) {
        this(config.enclave().partyKeys());
    }

    PartyKeys(Optional<Path> file) {
        this.source = file.map(Path::toString).orElse("(none configured)");
        this.keys = file.map(PartyKeys::read).orElse(List.of());
    }

    /** Every key, in file order. */
    public List<PartyKey> all() {
        return keys;
    }

    /** The key with this id for {@code role}, if the file lists one. */
    public Optional<PartyKey> find(String role, String keyId) {
        return keys.stream()
                .filter(k -> k.role().equals(role) && k.keyId().equals(keyId))
                .findFirst();
    }

    /** What the key authority's measured configuration is to trust. */
    public TrustedParties trusted() {
        List<PublicKey> approvers = new ArrayList<>();
        Map<String, List<PublicKey>> grantors = new HashMap<>();
        for (PartyKey k : keys) {
            if (k.role().equals(APPROVE_QUERIES)) {
                approvers.add(k.key());
            } else {
                grantors.computeIfAbsent(k.organisation(), o -> new ArrayList<>())
                        .add(k.key());
            }
        }
        return new TrustedParties(approvers, grantors);
    }

    /** Where the keys were read from, for messages. */
    public String source() {
        return source;
    }

    private static List<PartyKey> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the party keys file " + file, e);
        }
        List<PartyKey> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = file + " line " + (i + 1) + ": ";
            if (parts.length != 3) {
                throw new IllegalStateException(where + "expected ROLE ORGANISATION BASE64-SPKI");
            }
            if (!parts[0].equals(APPROVE_QUERIES) && !parts[0].equals(GRANT_KEYS)) {
                throw new IllegalStateException(
                        where + "role must be " + APPROVE_QUERIES + " or " + GRANT_KEYS + ", not '" + parts[0] + "'");
            }
            if (!parts[1].matches(ORGANISATION)) {
                throw new IllegalStateException(where + "organisation must be 1-64 of [A-Za-z0-9._-]");
            }
            PublicKey key;
            try {
                key = KeyFactory.getInstance("Ed25519")
                        .generatePublic(
                                new X509EncodedKeySpec(Base64.getDecoder().decode(parts[2])));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException(where + "the key is not a base64 Ed25519 SubjectPublicKeyInfo");
            }
            String keyId = QueryApproval.keyIdOf(key);
            if (out.stream().anyMatch(k -> k.keyId().equals(keyId))) {
                throw new IllegalStateException(
                        where + "the same key is listed twice; a key serves one party and role");
            }
            out.add(new PartyKey(parts[0], parts[1], key, keyId));
        }
        return List.copyOf(out);
    }
}
