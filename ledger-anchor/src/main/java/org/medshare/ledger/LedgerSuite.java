package org.medshare.ledger;

import java.security.GeneralSecurityException;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.merkle.TreeHasher;

/**
 * The algorithm suite of a ledger: {@code nist} = SHA-256 tree, Ed25519 checkpoint signatures;
 * {@code gm} = SM3 tree, SM2 checkpoint signatures. Fixed for the life of a ledger (the segment
 * headers record it and a mismatch is refused at open).
 */
public enum LedgerSuite {
    NIST("nist", 1),
    GM("gm", 2);

    private final String id;
    private final int code;

    LedgerSuite(String id, int code) {
        this.id = id;
        this.code = code;
    }

    /** {@code "nist"} or {@code "gm"}. */
    public String id() {
        return id;
    }

    /** The code stored in segment headers. */
    public int code() {
        return code;
    }

    public TreeHasher treeHasher() {
        return this == NIST ? TreeHasher.sha256() : TreeHasher.sm3();
    }

    /** A fresh checkpoint signing key of this suite's algorithm. */
    public CheckpointSigner generateSigner(String keyName) throws GeneralSecurityException {
        return this == NIST ? NoteKeys.generateEd25519(keyName) : NoteKeys.generateSm2(keyName);
    }

    public static LedgerSuite fromId(String id) {
        for (LedgerSuite s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown suite '" + id + "' (expected nist or gm)");
    }

    public static LedgerSuite fromCode(int code) {
        for (LedgerSuite s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown suite code " + code);
    }
}
