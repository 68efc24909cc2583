/**
 * CP-ABE (FAME on BLS12-381) as a key-encapsulation mechanism, the hybrid envelope that protects a
 * record, and the policy language ({@code abe-crypto/README.md}).
 *
 * <p>{@link org.medshare.abe.AbeScheme} does setup, key generation, encapsulation and
 * decapsulation; {@link org.medshare.abe.Envelope}, {@link org.medshare.abe.EnvelopeWriter} and
 * {@link org.medshare.abe.EnvelopeReader} encrypt payloads under a {@link org.medshare.abe.Policy};
 * {@link org.medshare.abe.RecordKem} shares one encapsulation between a record's payloads. Secret
 * bytes (master and user keys, KEM and derived keys in {@link org.medshare.abe.SecretBytes}) are read
 * and written only with a {@link org.medshare.abe.SecretKeyAccess}. Every decryption failure is the
 * same {@link org.medshare.abe.DecryptionFailedException}.
 */
package org.medshare.abe;
