package org.medshare.enclave.rows;

/**
 * Why one Claim or Encounter gives no row: internal control flow of {@link RowExtractor}, turned into a {@link
 * RowExtraction.Skip} with {@link BundleIndex#name} of the resource and this message, a clause about it ("it refers
 * to ..."). Cheap to throw: no stack trace, no suppressed exceptions.
 */
final class RowSkipped extends Exception {
    private static final long serialVersionUID = 1L;

    RowSkipped(String reason) {
        super(reason, null, false, false);
    }
}
