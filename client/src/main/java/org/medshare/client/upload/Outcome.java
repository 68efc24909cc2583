package org.medshare.client.upload;

import java.nio.file.Path;

/**
 * What happened to one bundle file.
 *
 * @param file           the bundle
 * @param kind           the result
 * @param reason         one line for {@link Kind#REFUSED} and {@link Kind#FAILED}, else null
 * @param recordId       the record id (null if the file could not be read)
 * @param encryptNanos   time spent extracting, encrypting and signing (0 when nothing was encrypted)
 * @param sendNanos      time spent waiting for the service's upload answers
 */
public record Outcome(Path file, Kind kind, String reason, String recordId, long encryptNanos, long sendNanos) {

  /** The result of one file. */
  public enum Kind {
    /** Stored by this run. */
    UPLOADED,
    /** The service already had it (a previous run, or a replayed retry). */
    ALREADY_UPLOADED,
    /** Refused for good (by the service with a 4xx problem, or locally: not a FHIR bundle, no rows). */
    REFUSED,
    /** Not confirmed (network or server error); the next run resumes it without duplicating. */
    FAILED
  }
}
