package org.medshare.enclave.protocol;

import java.io.IOException;

/** The peer broke the host–enclave protocol (bad frame, unexpected message, version mismatch). */
public final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
