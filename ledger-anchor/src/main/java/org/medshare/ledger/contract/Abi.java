package org.medshare.ledger.contract;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * The few pieces of the Solidity contract ABI (Solidity documentation,
 * "Contract ABI Specification": function selector, formal encoding of
 * {@code uint256}, {@code address}, {@code bytes32} and dynamic arrays of
 * them) that {@link IncentiveContract} needs. Cross-checked against web3j's
 * encoder in the tests.
 */
final class Abi {
    static final int WORD = 32;
    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

    private Abi() {}

    static byte[] keccak256(byte[] input) {
        KeccakDigest digest = new KeccakDigest(256);
        digest.update(input, 0, input.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** First four bytes of keccak256 of the canonical signature, e.g. {@code "withdraw(uint256)"}. */
    static byte[] selector(String signature) {
        return Arrays.copyOf(keccak256(signature.getBytes(StandardCharsets.US_ASCII)), 4);
    }

    /** keccak256 of an event signature: the event's topic 0. */
    static byte[] eventTopic(String signature) {
        return keccak256(signature.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @throws IllegalArgumentException unless 0 &lt;= value &lt; 2^256
     */
    static byte[] uint256(BigInteger value) {
        if (value == null || value.signum() < 0 || value.compareTo(TWO_256) >= 0) {
            throw new IllegalArgumentException("not a uint256: " + value);
        }
        byte[] raw = value.toByteArray();
        byte[] word = new byte[WORD];
        int copy = Math.min(raw.length, WORD);
        System.arraycopy(raw, raw.length - copy, word, WORD - copy, copy);
        return word;
    }

    static byte[] address(EvmAddress address) {
        byte[] word = new byte[WORD];
        System.arraycopy(address.toBytes(), 0, word, WORD - EvmAddress.LENGTH, EvmAddress.LENGTH);
        return word;
    }

    /** Reads word {@code index} of {@code data} as an unsigned integer. */
    static BigInteger readUint(byte[] data, int index) {
        checkWord(data, index);
        return new BigInteger(1, Arrays.copyOfRange(data, index * WORD, (index + 1) * WORD));
    }

    static EvmAddress readAddress(byte[] data, int index) {
        checkWord(data, index);
        return EvmAddress.of(Arrays.copyOfRange(data, index * WORD + WORD - EvmAddress.LENGTH, (index + 1) * WORD));
    }

    static byte[] readWord(byte[] data, int index) {
        checkWord(data, index);
        return Arrays.copyOfRange(data, index * WORD, (index + 1) * WORD);
    }

    private static void checkWord(byte[] data, int index) {
        if (index < 0 || data.length < (index + 1) * WORD) {
            throw new IllegalArgumentException("ABI data too short for word " + index + ": " + data.length + " bytes");
        }
    }

    /** Builds call data: selector, head words, then the tails of dynamic arguments. */
    static final class CallBuilder {
        private final byte[] selector;
        private final int headWords;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final ByteArrayOutputStream tail = new ByteArrayOutputStream();

        CallBuilder(byte[] selector, int headWords) {
            this.selector = selector;
            this.headWords = headWords;
        }

        CallBuilder word(byte[] word) {
            head.writeBytes(word);
            return this;
        }

        CallBuilder uint(BigInteger value) {
            return word(uint256(value));
        }

        /** A dynamic array of static 32-byte elements: offset in the head, length and elements in the tail. */
        CallBuilder array(List<byte[]> elements) {
            head.writeBytes(uint256(BigInteger.valueOf((long) headWords * WORD + tail.size())));
            tail.writeBytes(uint256(BigInteger.valueOf(elements.size())));
            elements.forEach(tail::writeBytes);
            return this;
        }

        byte[] build() {
            if (head.size() != headWords * WORD) {
                throw new IllegalStateException("head has " + head.size() + " bytes, expected " + headWords * WORD);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(selector);
            out.writeBytes(head.toByteArray());
            out.writeBytes(tail.toByteArray());
            return out.toByteArray();
        }
    }
}
