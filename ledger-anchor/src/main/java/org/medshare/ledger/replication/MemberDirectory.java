package org.medshare.ledger.replication;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The consortium's members and their Ed25519 public keys, immutable. */
public final class MemberDirectory {
    private final Map<String, PublicKey> keys;

    public MemberDirectory(Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(Objects.requireNonNull(keys, "keys"));
    }

    public Set<String> members() {
        return keys.keySet();
    }

    public boolean contains(String memberId) {
        return keys.containsKey(memberId);
    }

    /** @return whether {@code signature} by {@code memberId} over {@code message} verifies (false for unknown members) */
    public boolean verify(String memberId, byte[] message, byte[] signature) {
        PublicKey key = keys.get(memberId);
        if (key == null || signature == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
