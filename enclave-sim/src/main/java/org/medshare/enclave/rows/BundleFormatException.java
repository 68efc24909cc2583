package org.medshare.enclave.rows;

/**
 * A file is not a FHIR R4 Bundle that {@link BundleReader} can read. The message is one line a person can act on
 * (what the file is, or where it stops being FHIR), without parser error codes.
 */
public final class BundleFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public BundleFormatException(String message) {
        super(message);
    }
}
