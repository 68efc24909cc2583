package org.medshare.enclave.stats;

import java.util.List;
import org.medshare.enclave.rows.EncryptedChunk;

/**
 * A record's encrypted analytics rows as the enclave receives them: record id, the hospital that
 * uploaded it (from the record manifest, not from the ciphertext) and its chunks in order.
 */
public record EncryptedRecord(String recordId, int hospitalId, List<EncryptedChunk> chunks) {
    public EncryptedRecord {
        if (recordId == null || recordId.isEmpty() || chunks == null || chunks.isEmpty()) {
            throw new IllegalArgumentException("record id and at least one chunk are required");
        }
        chunks = List.copyOf(chunks);
    }
}
