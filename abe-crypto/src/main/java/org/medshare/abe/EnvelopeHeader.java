package org.medshare.abe;

/**
 * The public, unauthenticated-until-decryption header of an envelope: format version, suite, policy
 * and chunk size. Obtained with {@link Envelope#inspect}; lets a service check the format and policy
 * of an upload without any key.
 */
public record EnvelopeHeader(int version, Suite suite, Policy policy, int chunkSize) {}
