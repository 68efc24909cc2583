package org.medshare.client.upload;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Identifier;
import org.medshare.enclave.rows.PseudonymKey;

/**
 * Which document a Bundle is, so that a second upload of the same document becomes a new version of its record
 * rather than a second record. The identity is {@code Bundle.identifier}, else, for a Bundle of type
 * {@code document}, the identifier of its Composition (first entry); a Bundle with neither has no identity and
 * every upload of it is a record of its own.
 *
 * <p>Sent as the signed tag {@value #TAG}: 16 hex digits of the consortium pseudonym key's keyed hash of
 * {@code "medshare-document-v1:" system "|" value}, so the service can recognise a hospital's repeated document
 * without learning, or being able to guess, its identifier.
 */
public final class DocumentIdentity {
    /** Name of the upload tag carrying the document reference. */
    public static final String TAG = "document";

    private DocumentIdentity() {}

    /** The document reference of {@code bundle}, or null when it has no identifier. */
    public static String reference(Bundle bundle, PseudonymKey key) {
        Identifier id = bundle.hasIdentifier() && bundle.getIdentifier().hasValue() ? bundle.getIdentifier() : null;
        if (id == null
                && bundle.getType() == Bundle.BundleType.DOCUMENT
                && bundle.hasEntry()
                && bundle.getEntryFirstRep().getResource() instanceof Composition c
                && c.hasIdentifier()
                && c.getIdentifier().hasValue()) {
            id = c.getIdentifier();
        }
        if (id == null) {
            return null;
        }
        String text = (id.hasSystem() ? id.getSystem() : "") + "|" + id.getValue();
        return String.format("%016x", key.pseudonymOf("medshare-document-v1:" + text));
    }
}
