package org.medshare.service.records.rest;

import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.medshare.service.records.service.RecordService.SharedRecord;

/**
 * Records found by patient pseudonym as FHIR R4 DocumentReference resources (https://hl7.org/fhir/R4/documentreference.html):
 * status {@code current}; the pseudonymous patient as subject ({@code Patient/<reference>}); the uploading hospital as
 * custodian; the upload time as date; the record id ({@value #RECORD_SYSTEM}) and the envelope's CIDv1
 * ({@value #CID_SYSTEM}, master identifier); one content whose attachment points at the ciphertext endpoint, with the
 * envelope's content type ({@code application/octet-stream}, format {@value #FORMAT_SYSTEM}#{@value #FORMAT_CODE}) and
 * size. The metadata only: the document itself is the ABE envelope, opened on the clinician's side.
 */
public final class DocumentReferenceFhir {

    static final String RECORD_SYSTEM = "urn:medshare:record";
    static final String CID_SYSTEM = "urn:medshare:cid";
    static final String FORMAT_SYSTEM = "urn:medshare:format";
    static final String FORMAT_CODE = "abe-envelope";
    static final String FULL_URL_BASE = "https://medshare.example/fhir/";

    private DocumentReferenceFhir() {}

    /** The DocumentReference of {@code record}, whose {@code patient} tag names {@code patientRef}. */
    public static DocumentReference of(SharedRecord record, String patientRef) {
        DocumentReference d = new DocumentReference();
        d.setId(record.recordId());
        d.setMasterIdentifier(new Identifier().setSystem(CID_SYSTEM).setValue(record.envelopeCid()));
        d.addIdentifier(new Identifier().setSystem(RECORD_SYSTEM).setValue(record.recordId()));
        d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        d.setSubject(new Reference("Patient/" + patientRef));
        d.setCustodian(new Reference("Organization/" + record.organisation()));
        d.setDate(Date.from(record.createdAt()));
        d.setDescription("ABE-encrypted FHIR Bundle of " + record.organisation() + " (version " + record.version()
                + "); resources: " + (record.resourceSummary().isEmpty() ? "not disclosed" : record.resourceSummary()));
        Attachment attachment = new Attachment()
                .setContentType("application/octet-stream")
                .setUrl("/api/v1/records/" + record.recordId() + "/ciphertext")
                .setSize(Math.toIntExact(Math.min(Integer.MAX_VALUE, record.envelopeBytes())))
                .setCreationElement(new org.hl7.fhir.r4.model.DateTimeType(Date.from(record.createdAt())));
        d.addContent()
                .setAttachment(attachment)
                .setFormat(new Coding(FORMAT_SYSTEM, FORMAT_CODE, "MedShare ABE envelope"));
        return d;
    }

    /** A searchset Bundle: {@code total} matches over all pages, {@code links} (relation to URL) in order. */
    public static Bundle bundle(List<SharedRecord> page, String patientRef, long total, Map<String, URI> links) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(Math.toIntExact(total));
        links.forEach((relation, url) -> bundle.addLink().setRelation(relation).setUrl(url.toString()));
        for (SharedRecord r : page) {
            bundle.addEntry()
                    .setFullUrl(FULL_URL_BASE + "DocumentReference/" + r.recordId())
                    .setResource(of(r, patientRef))
                    .getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }
}
