package org.medshare.enclave.keyrelease;

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

/**
 * The consortium's party keys file: the public halves of the regulators' query-approval keys and the hospitals'
 * key-grant keys, which a key authority is started trusting ({@link #trusted()}) and which a reader pins to check a
 * result's approval.
 *
 * <p>Format: UTF-8 text, one key per line, {@code ROLE ORGANISATION BASE64-SPKI} separated by spaces, where ROLE is
 * {@value #APPROVE_QUERIES} or {@value #GRANT_KEYS}, ORGANISATION an organisation id (1-64 of {@code
 * [A-Za-z0-9._-]}) and the key an Ed25519 X.509 SubjectPublicKeyInfo; blank lines and lines starting with {@code #}
 * are ignored; a key appears once.
 */
public final class PartyKeyList {
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

    private PartyKeyList(List<PartyKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** No keys: a key authority that trusts nobody (it only publishes its public parameters). */
    public static PartyKeyList empty() {
        return new PartyKeyList(List.of());
    }

    /**
     * Reads the file's lines.
     *
     * @throws IllegalArgumentException naming the first bad line (1-based) and what is wrong with it
     */
    public static PartyKeyList parse(List<String> lines) {
        List<PartyKey> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = "line " + (i + 1) + ": ";
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + "expected ROLE ORGANISATION BASE64-SPKI");
            }
            if (!parts[0].equals(APPROVE_QUERIES) && !parts[0].equals(GRANT_KEYS)) {
                throw new IllegalArgumentException(
                        where + "role must be " + APPROVE_QUERIES + " or " + GRANT_KEYS + ", not '" + parts[0] + "'");
            }
            if (!parts[1].matches(ORGANISATION)) {
                throw new IllegalArgumentException(where + "organisation must be 1-64 of [A-Za-z0-9._-]");
            }
            PublicKey key;
            try {
                key = KeyFactory.getInstance("Ed25519")
                        .generatePublic(
                                new X509EncodedKeySpec(Base64.getDecoder().decode(parts[2])));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "the key is not a base64 Ed25519 SubjectPublicKeyInfo");
            }
            String keyId = QueryApproval.keyIdOf(key);
            if (out.stream().anyMatch(k -> k.keyId().equals(keyId))) {
                throw new IllegalArgumentException(
                        where + "the same key is listed twice; a key serves one party and role");
            }
            out.add(new PartyKey(parts[0], parts[1], key, keyId));
        }
        return new PartyKeyList(out);
    }

    /** Every key, in file order. */
    public List<PartyKey> all() {
        return keys;
    }

    /** The key with this id for {@code role}, if the list has one. */
    public Optional<PartyKey> find(String role, String keyId) {
        return keys.stream()
                .filter(k -> k.role().equals(role) && k.keyId().equals(keyId))
                .findFirst();
    }

    /** What a key authority's measured configuration is to trust. */
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
}
