package org.medshare.enclave.rows;

/** A FHIR Bundle could not be turned into analytics rows; the message says which resource and why. */
public final class RowExtractionException extends Exception {
    private static final long serialVersionUID = 1L;

    public RowExtractionException(String message) {
        super(message);
    }

    public RowExtractionException(String message, Throwable cause) {
        super(message, cause);
    }
}
