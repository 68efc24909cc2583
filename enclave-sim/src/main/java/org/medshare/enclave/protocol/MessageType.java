package org.medshare.enclave.protocol;

import org.medshare.enclave.MalformedEncodingException;

/**
 * Every message the host and the enclave process may exchange (protocol version {@link
 * Frame#PROTOCOL_VERSION}). The enclave speaks first with HELLO; after INIT/READY the host sends
 * one request at a time and reads exactly one response (the named reply or ERROR).
 *
 * <pre>
 *   enclave → host  HELLO          utf8 banner ("SIMULATED ..."), utf8 platformId, bytes platform key (SPKI)
 *   host → enclave  INIT           bytes SIGSTRUCT, bytes config, bytes platform cert, bytes root cert
 *   enclave → host  READY          bytes encoded identity (see {@code Messages})
 *   host → enclave  QUOTE_REQUEST  bytes verifier nonce
 *   enclave → host  QUOTE          bytes evidence ({@code AttestationEvidence})
 *   host → enclave  CALL           utf8 service name, bytes request
 *   enclave → host  RESULT         bytes response
 *   enclave → host  ERROR          utf8 error code, utf8 message (no secrets)
 *   host → enclave  SHUTDOWN       (empty); the enclave answers BYE and exits 0
 * </pre>
 */
public enum MessageType {
    HELLO(1),
    INIT(2),
    READY(3),
    QUOTE_REQUEST(4),
    QUOTE(5),
    CALL(6),
    RESULT(7),
    ERROR(8),
    SHUTDOWN(9),
    BYE(10);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static MessageType fromCode(int code) throws MalformedEncodingException {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new MalformedEncodingException("unknown message type " + code);
    }
}
