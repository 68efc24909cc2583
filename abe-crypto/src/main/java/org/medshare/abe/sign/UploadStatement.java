package org.medshare.abe.sign;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.medshare.abe.Suite;
import org.medshare.abe.internal.Sha256;

/**
 * What a hospital signs when it uploads a record: its organisation, the idempotency key, the
 * policy text, the SHA-256 of the record envelope and of the encrypted analytics rows, and the coarse tags
 * it chose to disclose. The service checks the signature against the hospital's registered key and the
 * digests against the bytes it received; it never needs the content.
 *
 * <p>Canonical form, UTF-8, each line ending in {@code \n}:
 * <pre>
 * medshare-upload-v1
 * org:ORG
 * key:IDEMPOTENCY-KEY
 * policy:POLICY
 * envelope-sha256:HEX
 * rows-sha256:HEX
 * tag:NAME=VALUE        (one line per tag, sorted by name)
 * </pre>
 * Values may not contain line breaks, so the form is unambiguous.
 *
 * @param organisation    the uploading hospital's {@code org_id}
 * @param idempotencyKey  the client's key for this record; a retry with the same key never duplicates
 * @param policy          the record's ABE policy expression, as in the envelope header
 * @param envelopeSha256  SHA-256 of the record envelope bytes (32 bytes)
 * @param rowsSha256      SHA-256 of the encrypted analytics rows (32 bytes)
 * @param tags            disclosed coarse tags ({@code [a-z0-9_.-]+} names, printable values)
 */
public record UploadStatement(
        String organisation,
        String idempotencyKey,
        String policy,
        byte[] envelopeSha256,
        byte[] rowsSha256,
        SortedMap<String, String> tags) {

    private static final String MAGIC = "medshare-upload-v1";
    private static final Pattern TAG_NAME = Pattern.compile("[a-z0-9_.-]{1,64}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final int MAX_VALUE = 16_384;

    /** @throws IllegalArgumentException if a field is missing, too long, or contains a line break */
    public UploadStatement {
        requireLine("organisation", organisation);
        requireLine("policy", policy);
        if (idempotencyKey == null || !KEY.matcher(idempotencyKey).matches()) {
            throw new IllegalArgumentException("idempotency key must be 1-128 characters of [A-Za-z0-9_.:-]");
        }
        requireDigest("envelope", envelopeSha256);
        requireDigest("rows", rowsSha256);
        envelopeSha256 = envelopeSha256.clone();
        rowsSha256 = rowsSha256.clone();
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> tag :
                Objects.requireNonNull(tags, "tags").entrySet()) {
            if (!TAG_NAME.matcher(tag.getKey()).matches()) {
                throw new IllegalArgumentException("tag name '" + tag.getKey() + "' must match [a-z0-9_.-]{1,64}");
            }
            requireLine("tag " + tag.getKey(), tag.getValue());
            copy.put(tag.getKey(), tag.getValue());
        }
        tags = Collections.unmodifiableSortedMap(copy);
    }

    @Override
    public byte[] envelopeSha256() {
        return envelopeSha256.clone();
    }

    @Override
    public byte[] rowsSha256() {
        return rowsSha256.clone();
    }

    /**
     * The record id the service gives this upload: a name-based UUID of organisation and idempotency key, so a
     * hospital knows it before uploading (its analytics row chunks are bound to it) and a retry maps to the
     * same record.
     */
    public String recordId() {
        return recordId(organisation, idempotencyKey);
    }

    /** {@link #recordId()} for an organisation and idempotency key. */
    public static String recordId(String organisation, String idempotencyKey) {
        return UUID.nameUUIDFromBytes(("medshare-record-v1\n" + organisation + "\n" + idempotencyKey)
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** SHA-256 of {@code bytes}, for building a statement. */
    public static byte[] sha256(byte[] bytes) {
        return Sha256.hash(bytes);
    }

    /** The canonical bytes that are signed. */
    public byte[] canonicalBytes() {
        HexFormat hex = HexFormat.of();
        StringBuilder s = new StringBuilder(MAGIC)
                .append('\n')
                .append("org:")
                .append(organisation)
                .append('\n')
                .append("key:")
                .append(idempotencyKey)
                .append('\n')
                .append("policy:")
                .append(policy)
                .append('\n')
                .append("envelope-sha256:")
                .append(hex.formatHex(envelopeSha256))
                .append('\n')
                .append("rows-sha256:")
                .append(hex.formatHex(rowsSha256))
                .append('\n');
        tags.forEach((k, v) -> s.append("tag:").append(k).append('=').append(v).append('\n'));
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Signs the canonical bytes with an Ed25519 or SM2 private key (the suite follows the key). */
    public byte[] sign(PrivateKey key, Suite suite) throws GeneralSecurityException {
        Signature signer = SigningKeys.signature(suite);
        signer.initSign(key);
        signer.update(canonicalBytes());
        return signer.sign();
    }

    /** True iff {@code signature} is a valid signature of this statement by {@code key}. */
    public boolean verify(PublicKey key, byte[] signature) {
        try {
            Signature verifier = SigningKeys.signature(SigningKeys.suiteOf(key));
            verifier.initVerify(key);
            verifier.update(canonicalBytes());
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void requireLine(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (value.length() > MAX_VALUE || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(name + " must be one line of at most " + MAX_VALUE + " characters");
        }
    }

    private static void requireDigest(String name, byte[] digest) {
        if (digest == null || digest.length != 32) {
            throw new IllegalArgumentException(name + " digest must be 32 bytes of SHA-256");
        }
    }
}
