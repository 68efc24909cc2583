package org.medshare.ledger.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The three kinds of Raft log entry the members replicate, in one versioned
 * big-endian binary encoding (first byte: kind): a batch of ledger entries, a
 * checkpoint proposal, a witness cosignature. Parsing refuses unknown kinds,
 * truncation and trailing bytes.
 */
final class ReplicationMessage {
    static final byte BATCH = 1;
    static final byte PROPOSE = 2;
    static final byte COSIGN = 3;
    /** A call of the incentive contract ({@code ContractCall} canonical encoding follows the kind byte). */
    static final byte CONTRACT = 4;

    static final int MAX_ENTRIES = 1 << 20;
    static final int MAX_ENTRY = 1 << 24;

    private ReplicationMessage() {}

    static byte[] batch(List<byte[]> entries) {
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a batch holds 1.." + MAX_ENTRIES + " entries, got " + entries.size());
        }
        return write(out -> {
            out.writeByte(BATCH);
            out.writeInt(entries.size());
            for (byte[] e : entries) {
                if (e.length > MAX_ENTRY) {
                    throw new IllegalArgumentException("entry too large: " + e.length + " bytes");
                }
                out.writeInt(e.length);
                out.write(e);
            }
        });
    }

    static byte[] propose(Proposal p) {
        return write(out -> {
            out.writeByte(PROPOSE);
            writeHead(out, p.head());
            out.writeLong(p.fromSize());
            List<byte[]> proof = p.consistencyProof();
            out.writeShort(proof.size());
            for (byte[] h : proof) {
                writeBytes(out, h);
            }
            writeString(out, p.proposerId());
            writeBytes(out, p.proposerSignature());
        });
    }

    static byte[] cosign(Cosignature c) {
        return write(out -> {
            out.writeByte(COSIGN);
            writeHead(out, c.head());
            writeString(out, c.memberId());
            writeBytes(out, c.signature());
        });
    }

    static byte[] contract(byte[] call) {
        byte[] out = new byte[call.length + 1];
        out[0] = CONTRACT;
        System.arraycopy(call, 0, out, 1, call.length);
        return out;
    }

    static byte[] parseContract(byte[] message) {
        if (kind(message) != CONTRACT) {
            throw new IllegalArgumentException("expected message kind " + CONTRACT + ", got " + message[0]);
        }
        return Arrays.copyOfRange(message, 1, message.length);
    }

    static byte kind(byte[] message) {
        if (message.length == 0) {
            throw new IllegalArgumentException("empty replication message");
        }
        return message[0];
    }

    static List<byte[]> parseBatch(byte[] message) {
        ByteBuffer in = open(message, BATCH);
        int count = in.getInt();
        if (count < 1 || count > MAX_ENTRIES) {
            throw new IllegalArgumentException("batch entry count " + count);
        }
        List<byte[]> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.getInt();
            if (length < 0 || length > MAX_ENTRY || length > in.remaining()) {
                throw new IllegalArgumentException("batch entry " + i + " length " + length);
            }
            byte[] e = new byte[length];
            in.get(e);
            entries.add(e);
        }
        return close(in, entries);
    }

    static Proposal parsePropose(byte[] message) {
        ByteBuffer in = open(message, PROPOSE);
        TreeHead head = readHead(in);
        long fromSize = in.getLong();
        int proofLength = in.getShort() & 0xffff;
        List<byte[]> proof = new ArrayList<>(proofLength);
        for (int i = 0; i < proofLength; i++) {
            proof.add(readBytes(in));
        }
        String proposer = readString(in);
        byte[] signature = readBytes(in);
        return close(in, new Proposal(head, fromSize, proof, proposer, signature));
    }

    static Cosignature parseCosign(byte[] message) {
        ByteBuffer in = open(message, COSIGN);
        TreeHead head = readHead(in);
        String member = readString(in);
        byte[] signature = readBytes(in);
        return close(in, new Cosignature(member, head, signature));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeHead(DataOutputStream out, TreeHead head) throws IOException {
        writeString(out, head.origin());
        out.writeLong(head.size());
        out.write(head.root());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("field too long: " + b.length);
        }
        out.writeShort(b.length);
        out.write(b);
    }

    private static ByteBuffer open(byte[] message, byte kind) {
        if (kind(message) != kind) {
            throw new IllegalArgumentException("expected message kind " + kind + ", got " + message[0]);
        }
        ByteBuffer in = ByteBuffer.wrap(message);
        in.get();
        return in;
    }

    private static <T> T close(ByteBuffer in, T value) {
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " trailing bytes after replication message");
        }
        return value;
    }

    private static TreeHead readHead(ByteBuffer in) {
        String origin = readString(in);
        long size = in.getLong();
        byte[] root = new byte[Rfc9162.HASH_SIZE];
        in.get(root);
        return new TreeHead(origin, size, root);
    }

    private static String readString(ByteBuffer in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = in.getShort() & 0xffff;
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }
}
