package org.medshare.enclave.stats;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireWriter;

/**
 * The consent decision for one query, as the approval gives it to the engine: the records whose patients' consent
 * provisions deny the query's purpose of use or recipient, and the digest of the consents the decision read, which
 * the signed result repeats. Immutable.
 *
 * <p>Digest ({@link #digestOf}): SHA-256(utf8 {@value #DIGEST_DOMAIN} ‖ u32 n ‖ n × (utf8 consent id ‖ i32
 * version)), consent ids ascending and distinct, {@link WireWriter} conventions. Equal sets of (id, version) give
 * equal digests, so a reader who is shown the consents can recompute it; a change of any consent the decision read
 * (its provisions or its revocation raise its version) changes it.
 *
 * @param deniedRecords record ids to drop before decryption, ascending
 * @param digest        the consent digest, 32 bytes
 */
public record QueryConsent(SortedSet<String> deniedRecords, byte[] digest) {
    static final String DIGEST_DOMAIN = "medshare.consent-digest.v1";

    /** No denials, from a decision that read no consent. */
    public static final QueryConsent NONE = new QueryConsent(Collections.emptySortedSet(), digestOf(Map.of()));

    /**
     * @throws IllegalArgumentException for an empty record id or a digest that is not 32 bytes
     */
    public QueryConsent {
        TreeSet<String> ids = new TreeSet<>();
        for (String id : deniedRecords) {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("denied record ids must be non-empty");
            }
            ids.add(id);
        }
        if (digest == null || digest.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("the consent digest must be 32 bytes");
        }
        deniedRecords = Collections.unmodifiableSortedSet(ids);
        digest = digest.clone();
    }

    /** The decision for these denied records and digest. */
    public static QueryConsent of(Collection<String> deniedRecords, byte[] digest) {
        return new QueryConsent(new TreeSet<>(deniedRecords), digest);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    public String digestHex() {
        return HexFormat.of().formatHex(digest);
    }

    /**
     * The digest of a decision that read these consents.
     *
     * @param versions consent id → its version (at least 1)
     */
    public static byte[] digestOf(Map<String, Integer> versions) {
        TreeMap<String, Integer> sorted = new TreeMap<>(versions);
        WireWriter w = new WireWriter().utf8(DIGEST_DOMAIN).i32(sorted.size());
        sorted.forEach((id, version) -> {
            if (id.isEmpty() || version == null || version < 1) {
                throw new IllegalArgumentException("consent ids are non-empty and versions at least 1");
            }
            w.utf8(id).i32(version);
        });
        return Sha256.hash(w.toByteArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryConsent c && deniedRecords.equals(c.deniedRecords) && Arrays.equals(digest, c.digest);
    }

    @Override
    public int hashCode() {
        return 31 * deniedRecords.hashCode() + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "QueryConsent{denied=" + deniedRecords.size() + ", digest=" + digestHex() + "}";
    }
}
