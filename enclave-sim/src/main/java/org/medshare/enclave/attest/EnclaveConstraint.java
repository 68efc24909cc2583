package org.medshare.enclave.attest;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.medshare.enclave.Hex;
import org.medshare.enclave.TcbLevel.SecuritySummary;

/**
 * What a verifier requires of an attested enclave, in the vocabulary of R3 Conclave's {@code
 * EnclaveConstraint}: acceptable code hashes ({@code C:}), acceptable signers ({@code S:}),
 * product id ({@code PROD:}), minimum security version ({@code MINSVN:}; Conclave expresses it as
 * a revocation level), minimum security level ({@code SEC:INSECURE|STALE|SECURE}) and maximum
 * attestation age ({@code EXPIRE:} as an ISO-8601 duration, e.g. {@code PT5M}).
 *
 * <p>One addition: {@code SIMULATED:ALLOW} is the explicit opt-in to accept quotes from a
 * simulated TEE. Without it every SIMULATED quote is refused, and {@link
 * QuoteVerifier#production} refuses to be built with a constraint that carries it.
 *
 * <p>Rules (as in Conclave): at least one code hash or signer is required; a signer constraint
 * requires a product id, since a signer may sign many products. Debug enclaves are never
 * accepted. Immutable; {@link #toString()} prints the canonical DSL, which {@link #parse} reads
 * back.
 */
public final class EnclaveConstraint {
    private final Set<String> codeHashes;
    private final Set<String> signers;
    private final Integer productId;
    private final int minSvn;
    private final SecuritySummary minSecurityLevel;
    private final Duration maxAttestationAge;
    private final boolean simulatedAllowed;

    private EnclaveConstraint(Builder b) {
        this.codeHashes = Collections.unmodifiableSet(new TreeSet<>(b.codeHashes));
        this.signers = Collections.unmodifiableSet(new TreeSet<>(b.signers));
        this.productId = b.productId;
        this.minSvn = b.minSvn;
        this.minSecurityLevel = b.minSecurityLevel;
        this.maxAttestationAge = b.maxAttestationAge;
        this.simulatedAllowed = b.simulatedAllowed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses the space-separated DSL, e.g. {@code "C:ab12… PROD:7 MINSVN:2 SEC:SECURE EXPIRE:PT5M
     * SIMULATED:ALLOW"}. Keys are case-insensitive; hashes are 64 hex digits.
     *
     * @throws IllegalArgumentException naming the offending token
     */
    public static EnclaveConstraint parse(String dsl) {
        Builder b = builder();
        for (String token : dsl.trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            int colon = token.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("constraint token without key: '" + token + "'");
            }
            String key = token.substring(0, colon).toUpperCase(Locale.ROOT);
            String value = token.substring(colon + 1);
            try {
                switch (key) {
                    case "C" -> b.acceptCodeHash(Hex.parse(value));
                    case "S" -> b.acceptSigner(Hex.parse(value));
                    case "PROD" -> b.productId(Integer.parseInt(value));
                    case "MINSVN" -> b.minSvn(Integer.parseInt(value));
                    case "SEC" -> b.minSecurityLevel(SecuritySummary.valueOf(value.toUpperCase(Locale.ROOT)));
                    case "EXPIRE" -> b.maxAttestationAge(Duration.parse(value));
                    case "SIMULATED" -> {
                        if (!value.equalsIgnoreCase("ALLOW")) {
                            throw new IllegalArgumentException("only SIMULATED:ALLOW is defined");
                        }
                        b.allowSimulated();
                    }
                    default -> throw new IllegalArgumentException("unknown constraint key " + key);
                }
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("bad constraint token '" + token + "': " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad constraint token '" + token + "': " + e.getMessage());
            }
        }
        return b.build();
    }

    /** Lower-case hex MRENCLAVE values accepted; empty means any code signed by an accepted signer. */
    public Set<String> codeHashes() {
        return codeHashes;
    }

    /** Lower-case hex MRSIGNER values accepted; empty means only {@link #codeHashes()} matter. */
    public Set<String> signers() {
        return signers;
    }

    /** Required product id, or null if any. */
    public Integer productId() {
        return productId;
    }

    public int minSvn() {
        return minSvn;
    }

    public SecuritySummary minSecurityLevel() {
        return minSecurityLevel;
    }

    /** Maximum quote age, or null if only the nonce TTL bounds freshness. */
    public Duration maxAttestationAge() {
        return maxAttestationAge;
    }

    public boolean simulatedAllowed() {
        return simulatedAllowed;
    }

    @Override
    public String toString() {
        List<String> t = new ArrayList<>();
        codeHashes.forEach(h -> t.add("C:" + h));
        signers.forEach(s -> t.add("S:" + s));
        if (productId != null) {
            t.add("PROD:" + productId);
        }
        t.add("MINSVN:" + minSvn);
        t.add("SEC:" + minSecurityLevel);
        if (maxAttestationAge != null) {
            t.add("EXPIRE:" + maxAttestationAge);
        }
        if (simulatedAllowed) {
            t.add("SIMULATED:ALLOW");
        }
        return String.join(" ", t);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnclaveConstraint c && toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Validating builder. */
    public static final class Builder {
        private final Set<String> codeHashes = new TreeSet<>();
        private final Set<String> signers = new TreeSet<>();
        private Integer productId;
        private int minSvn;
        private SecuritySummary minSecurityLevel = SecuritySummary.SECURE;
        private Duration maxAttestationAge;
        private boolean simulatedAllowed;

        private Builder() {}

        public Builder acceptCodeHash(byte[] mrenclave) {
            codeHashes.add(Hex.of(check32(mrenclave, "code hash")));
            return this;
        }

        public Builder acceptSigner(byte[] mrsigner) {
            signers.add(Hex.of(check32(mrsigner, "signer")));
            return this;
        }

        public Builder productId(int id) {
            if (id < 0 || id > 0xFFFF) {
                throw new IllegalArgumentException("product id must be in 0..65535");
            }
            productId = id;
            return this;
        }

        public Builder minSvn(int svn) {
            if (svn < 0 || svn > 0xFFFF) {
                throw new IllegalArgumentException("minimum SVN must be in 0..65535");
            }
            minSvn = svn;
            return this;
        }

        public Builder minSecurityLevel(SecuritySummary level) {
            minSecurityLevel = Objects.requireNonNull(level);
            return this;
        }

        public Builder maxAttestationAge(Duration age) {
            if (age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("max attestation age must be positive");
            }
            maxAttestationAge = age;
            return this;
        }

        /** Explicit opt-in to accept SIMULATED quotes (development and tests only). */
        public Builder allowSimulated() {
            simulatedAllowed = true;
            return this;
        }

        private static byte[] check32(byte[] b, String what) {
            if (b.length != 32) {
                throw new IllegalArgumentException(what + " must be 32 bytes (64 hex digits)");
            }
            return b;
        }

        /**
         * @throws IllegalArgumentException if neither a code hash nor a signer is given, or a signer
         *     is given without a product id
         */
        public EnclaveConstraint build() {
            if (codeHashes.isEmpty() && signers.isEmpty()) {
                throw new IllegalArgumentException("a constraint needs at least one code hash (C:) or signer (S:)");
            }
            if (!signers.isEmpty() && productId == null) {
                throw new IllegalArgumentException("a signer constraint (S:) requires a product id (PROD:)");
            }
            return new EnclaveConstraint(this);
        }
    }
}
