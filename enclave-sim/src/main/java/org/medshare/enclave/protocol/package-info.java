/**
 * The host–enclave wire protocol: versioned, length-prefixed {@link
 * org.medshare.enclave.protocol.Frame}s of a {@link org.medshare.enclave.protocol.MessageType} on
 * the enclave process's stdin and stdout. A malformed or oversized frame is a
 * {@link org.medshare.enclave.protocol.ProtocolException}.
 */
package org.medshare.enclave.protocol;
