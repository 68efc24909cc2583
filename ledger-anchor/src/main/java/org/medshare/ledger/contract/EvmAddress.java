package org.medshare.ledger.contract;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.medshare.ledger.event.SaltedHash;

/**
 * A 20-byte EVM account address, immutable. Ordered as the unsigned 160-bit
 * integer it encodes, which is the order {@code IncentiveEscrow.settle} requires
 * of its hospital list.
 */
public final class EvmAddress extends FixedBytes implements Comparable<EvmAddress> {
    /** Length of an address in bytes. */
    public static final int LENGTH = 20;

    private EvmAddress(byte[] bytes) {
        super(bytes);
    }

    /**
     * @param bytes exactly 20 bytes (copied)
     * @throws IllegalArgumentException on any other length
     */
    public static EvmAddress of(byte[] bytes) {
        return new EvmAddress(copyOfLength(bytes, LENGTH, "an EVM address"));
    }

    /**
     * Parses 40 hexadecimal digits, with or without a {@code 0x} prefix, in any case.
     *
     * @throws IllegalArgumentException if the text is not such an address
     */
    public static EvmAddress parse(String hex) {
        String digits = hex != null && (hex.startsWith("0x") || hex.startsWith("0X")) ? hex.substring(2) : hex;
        if (digits == null || digits.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("an EVM address is 40 hex digits: " + hex);
        }
        try {
            return new EvmAddress(HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("an EVM address is 40 hex digits: " + hex, e);
        }
    }

    /**
     * The address standing for a consortium organisation (hospital, insurer, the operator): the first 20
     * bytes of SHA-256({@code "medshare-org\n"} ‖ UTF-8 of the organisation id). The service and the
     * offline verifier derive it the same way, so ledger events that name organisations can be matched to
     * contract accounts.
     */
    public static EvmAddress forOrganisation(String organisation) {
        if (organisation == null || organisation.isEmpty()) {
            throw new IllegalArgumentException("organisation must not be empty");
        }
        byte[] digest = SaltedHash.sha256(("medshare-org\n" + organisation).getBytes(StandardCharsets.UTF_8));
        return new EvmAddress(Arrays.copyOf(digest, LENGTH));
    }

    @Override
    public int compareTo(EvmAddress other) {
        return Arrays.compareUnsigned(bytes(), other.bytes());
    }
}
