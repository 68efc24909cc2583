package org.medshare.enclave.ledger;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.medshare.enclave.ledger.LoggedEvent.EpochRaised;
import org.medshare.enclave.ledger.LoggedEvent.KeyIssued;
import org.medshare.enclave.ledger.LoggedEvent.QueryApproved;

/**
 * Reads the log's canonical event encoding, version 1: u8 version, u8 type code, i64 timestamp, then the type's
 * fields in order; an id is u8 length 1..128 and ASCII {@code [A-Za-z0-9_.:@-]}, a hash is 32 bytes. Only
 * QUERY_APPROVED, KEY_ISSUED and EPOCH_RAISED are read; any other type, and trailing bytes, are refused.
 */
final class EventDecoder {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@-]+");

    private EventDecoder() {}

    /**
     * Decodes {@code entry}.
     *
     * @throws LedgerProofException if it is not a well-formed QUERY_APPROVED, KEY_ISSUED or EPOCH_RAISED event
     */
    static LoggedEvent decode(byte[] entry) throws LedgerProofException {
        ByteBuffer in = ByteBuffer.wrap(entry);
        try {
            if ((in.get() & 0xff) != 1) {
                throw new LedgerProofException("the entry is not a version 1 event");
            }
            int type = in.get() & 0xff;
            long timestamp = in.getLong();
            if (timestamp < 0) {
                throw new LedgerProofException("the entry has a negative timestamp");
            }
            LoggedEvent event = switch (type) {
                case LoggedEvent.QUERY_APPROVED -> new QueryApproved(timestamp, id(in), id(in), hash(in));
                case LoggedEvent.KEY_ISSUED -> new KeyIssued(timestamp, id(in), id(in), id(in), hash(in));
                case LoggedEvent.EPOCH_RAISED -> new EpochRaised(timestamp, id(in), id(in), id(in));
                default ->
                    throw new LedgerProofException("the entry is an event of type " + type
                            + ", not QUERY_APPROVED, KEY_ISSUED or EPOCH_RAISED");
            };
            if (in.hasRemaining()) {
                throw new LedgerProofException("the entry has trailing bytes");
            }
            return event;
        } catch (BufferUnderflowException e) {
            throw new LedgerProofException("the entry is truncated");
        }
    }

    private static String id(ByteBuffer in) throws LedgerProofException {
        int length = in.get() & 0xff;
        if (length == 0 || length > 128) {
            throw new LedgerProofException("the entry has an id of length " + length);
        }
        byte[] b = new byte[length];
        in.get(b);
        String id = new String(b, StandardCharsets.US_ASCII);
        if (!ID.matcher(id).matches()) {
            throw new LedgerProofException("the entry has an id with characters outside [A-Za-z0-9_.:@-]");
        }
        return id;
    }

    private static byte[] hash(ByteBuffer in) {
        byte[] h = new byte[32];
        in.get(h);
        return h;
    }
}
