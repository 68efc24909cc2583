package org.medshare.ledger.replication;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.medshare.ledger.checkpoint.NoteVerifier;

/**
 * The consortium's members and their public checkpoint keys (C2SP note
 * verifiers named by member id), immutable.
 */
public final class MemberDirectory {
    private final Map<String, NoteVerifier> keys;

    /**
     * @param keys each member's public key; an Ed25519 key is taken as its cosignature/v1 key
     *     ({@link MemberKey#cosignatureKey})
     * @throws IllegalArgumentException if a verifier's key name differs from its member id
     */
    public MemberDirectory(Map<String, NoteVerifier> keys) {
        Map<String, NoteVerifier> cosignatureKeys = new LinkedHashMap<>();
        Objects.requireNonNull(keys, "keys")
                .forEach((id, key) -> cosignatureKeys.put(id, MemberKey.cosignatureKey(key)));
        this.keys = Map.copyOf(cosignatureKeys);
        this.keys.forEach((id, v) -> {
            if (!v.keyName().equals(id)) {
                throw new IllegalArgumentException("key of member " + id + " is named " + v.keyName());
            }
        });
    }

    public Set<String> members() {
        return keys.keySet();
    }

    public boolean contains(String memberId) {
        return keys.containsKey(memberId);
    }

    /** @return every member's verifier (for {@code SignedCheckpoint.verifyQuorum}) */
    public Collection<NoteVerifier> verifiers() {
        return keys.values();
    }

    NoteVerifier verifier(String memberId) {
        NoteVerifier v = keys.get(memberId);
        if (v == null) {
            throw new IllegalArgumentException("unknown member " + memberId);
        }
        return v;
    }

    /** @return whether {@code signature} by {@code memberId} over {@code message} verifies (false for unknown members) */
    public boolean verify(String memberId, byte[] message, byte[] signature) {
        NoteVerifier key = keys.get(memberId);
        return key != null && signature != null && key.verify(message, signature);
    }
}
