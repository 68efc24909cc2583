package org.medshare.ledger.replication;

import java.util.Objects;

/**
 * A witness's Ed25519 signature over a checkpoint's text, given only after it
 * verified the consistency proof from the last checkpoint it cosigned.
 */
public record Cosignature(String memberId, TreeHead head, byte[] signature) {
    public Cosignature {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(head, "head");
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** @return whether the signature verifies under {@code directory} */
    public boolean verify(MemberDirectory directory) {
        return directory.verify(memberId, head.signedBytes(), signature);
    }
}
