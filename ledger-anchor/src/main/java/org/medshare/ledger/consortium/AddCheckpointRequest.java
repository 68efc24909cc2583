package org.medshare.ledger.consortium;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The body of a C2SP tlog-witness {@code add-checkpoint} request: an {@code old <size>} line, at most 63 lines of
 * one base64 hash each (the RFC 9162 consistency proof from that size to the checkpoint's), an empty line, then the
 * signed checkpoint note. Every line ends in a newline. Immutable.
 *
 * @param oldSize the size of the last checkpoint the witness cosigned, as the client believes
 * @param proof   the consistency proof (each hash 32 bytes; copied)
 * @param note    the signed checkpoint note, as sent
 */
public record AddCheckpointRequest(long oldSize, List<byte[]> proof, String note) {
    /** The protocol's limit on consistency proof lines. */
    public static final int MAX_PROOF_LINES = 63;

    public AddCheckpointRequest {
        if (oldSize < 0) {
            throw new IllegalArgumentException("the old size must not be negative");
        }
        if (proof.size() > MAX_PROOF_LINES) {
            throw new IllegalArgumentException("at most " + MAX_PROOF_LINES + " consistency proof lines");
        }
        proof = proof.stream().map(byte[]::clone).toList();
        Objects.requireNonNull(note, "note");
    }

    @Override
    public List<byte[]> proof() {
        return proof.stream().map(byte[]::clone).toList();
    }

    /** The request body. */
    public String format() {
        StringBuilder out = new StringBuilder("old ").append(oldSize).append('\n');
        for (byte[] hash : proof) {
            out.append(Base64.getEncoder().encodeToString(hash)).append('\n');
        }
        return out.append('\n').append(note).toString();
    }

    /**
     * Parses a request body.
     *
     * @throws IllegalArgumentException saying what is malformed (the witness answers 400)
     */
    public static AddCheckpointRequest parse(String body) {
        int end = body.indexOf('\n');
        if (end < 0 || !body.startsWith("old ")) {
            throw new IllegalArgumentException("the request must start with an old size line");
        }
        String size = body.substring("old ".length(), end);
        if (!size.matches("0|[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("the old size must be a decimal without leading zeroes");
        }
        List<byte[]> proof = new ArrayList<>();
        int at = end + 1;
        while (true) {
            int next = body.indexOf('\n', at);
            if (next < 0) {
                throw new IllegalArgumentException("the proof must end with an empty line before the checkpoint");
            }
            String line = body.substring(at, next);
            at = next + 1;
            if (line.isEmpty()) {
                break;
            }
            if (proof.size() == MAX_PROOF_LINES) {
                throw new IllegalArgumentException("at most " + MAX_PROOF_LINES + " consistency proof lines");
            }
            byte[] hash;
            try {
                hash = Base64.getDecoder().decode(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a consistency proof line is not base64");
            }
            if (hash.length != 32) {
                throw new IllegalArgumentException("a consistency proof line is not one 32-byte hash");
            }
            proof.add(hash);
        }
        return new AddCheckpointRequest(Long.parseLong(size), proof, body.substring(at));
    }
}
