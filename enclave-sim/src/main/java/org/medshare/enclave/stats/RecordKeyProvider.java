package org.medshare.enclave.stats;

import java.security.GeneralSecurityException;
import javax.crypto.SecretKey;

/**
 * Supplies a record's 256-bit row data key inside the enclave; in production it opens the record's
 * ABE envelope with the key released to the attested enclave. Called only for records that passed
 * the consent and data-use checks.
 */
@FunctionalInterface
public interface RecordKeyProvider {
    /** @throws GeneralSecurityException if the key cannot be obtained (the query is then refused) */
    SecretKey dataKey(String recordId) throws GeneralSecurityException;
}
