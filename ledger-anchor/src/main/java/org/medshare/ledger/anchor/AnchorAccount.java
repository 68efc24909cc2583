package org.medshare.ledger.anchor;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.medshare.ledger.contract.EvmAddress;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;

/**
 * The consortium's anchoring account: a secp256k1 key read from a local key file that holds its 32-byte
 * private key as 64 hexadecimal digits (an optional {@code 0x} prefix and surrounding whitespace are
 * ignored). The key never leaves this object except to sign transactions inside {@link AnchorChain};
 * {@link #toString()} shows the address only.
 */
public final class AnchorAccount {
    private static final BigInteger SECP256K1_ORDER =
            new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);
    private final Credentials credentials;
    private final EvmAddress address;

    private AnchorAccount(Credentials credentials) {
        this.credentials = credentials;
        this.address = EvmAddress.parse(credentials.getAddress());
    }

    /**
     * Reads the key file.
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it does not hold exactly one valid private key
     */
    public static AnchorAccount load(Path keyFile) throws IOException {
        String text = Files.readString(keyFile, StandardCharsets.US_ASCII).strip();
        String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (digits.length() != 64) {
            throw new IllegalArgumentException(
                    "the anchoring key file " + keyFile + " must hold a 32-byte private key as 64 hex digits");
        }
        BigInteger secret;
        try {
            secret = new BigInteger(1, HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the anchoring key file " + keyFile + " is not hexadecimal");
        }
        if (secret.signum() == 0 || secret.compareTo(SECP256K1_ORDER) >= 0) {
            throw new IllegalArgumentException("the anchoring key file " + keyFile + " holds no valid secp256k1 key");
        }
        return new AnchorAccount(Credentials.create(ECKeyPair.create(secret)));
    }

    /** The account's address. */
    public EvmAddress address() {
        return address;
    }

    Credentials credentials() {
        return credentials;
    }

    @Override
    public String toString() {
        return "AnchorAccount[" + address + "]";
    }
}
