package org.medshare.service.consent.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.medshare.service.consent.ConsentProvision;
import org.medshare.service.consent.persistence.PatientConsent;
import org.medshare.service.consent.service.ConsentService.SearchPage;
import org.medshare.service.fhir.FhirJson;
import org.medshare.service.records.PurposeOfUse;

/**
 * FHIR R4 Consent resources (https://hl7.org/fhir/R4/consent.html) for {@link PatientConsent}s: a privacy consent
 * (scope {@code patient-privacy}, category LOINC 59284-0 "Patient Consent", policy rule {@code OPTIN}) of the
 * pseudonymous patient {@code Patient/<reference>} — never a name or record number — at the hospital
 * {@code Organization/<org_id>}, permitting secondary use for the purposes the hospital's data-use rules allow.
 * Status {@code active} until revoked, then {@code inactive} with the provision period ending at the revocation
 * (R4 has no "revoked" status; {@code inactive} is its "no longer in effect").
 *
 * <p>The consent's provisions ({@link ConsentProvision}) are nested provisions of the root one: type permit or deny,
 * period, the recipient organisations as actors with role IRCP (information recipient) and the purposes of use as
 * HL7 v3 ActReason codings. {@code meta.versionId} is the consent's version (the one ACCESS events record).
 */
@ApplicationScoped
public class ConsentFhir {

    /** The FHIR JSON media type. */
    public static final String MEDIA_TYPE = FhirJson.MEDIA_TYPE;

    static final String SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";
    static final String LOINC = "http://loinc.org";
    static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String ACT_REASON = PurposeOfUse.SYSTEM;
    static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    static final String CONSENT_SYSTEM = "urn:medshare:consent";
    /** Base of a searchset entry's fullUrl (an absolute URL is required), as for problem types. */
    static final String FULL_URL_BASE = "https://medshare.example/fhir/";

    @Inject
    FhirJson json;

    /** A 200 answer with {@code state} as a FHIR Consent. */
    public Response consent(PatientConsent state) {
        return Response.ok(json.write(of(state)), MEDIA_TYPE).build();
    }

    /** A 200 answer with a searchset Bundle of {@code states}. */
    public Response searchSet(SearchPage page, Map<String, URI> links) {
        return Response.ok(json.write(bundle(page, links)), MEDIA_TYPE).build();
    }

    /** The FHIR R4 Consent of {@code state}. */
    public static Consent of(PatientConsent state) {
        Consent c = new Consent();
        c.setId(state.id());
        Instant updated =
                !state.active() ? state.revokedAt() : state.updatedAt() != null ? state.updatedAt() : state.since();
        c.setMeta(new Meta().setVersionId(Integer.toString(state.version())).setLastUpdated(Date.from(updated)));
        c.addIdentifier(new Identifier().setSystem(CONSENT_SYSTEM).setValue(state.id()));
        c.setStatus(state.active() ? Consent.ConsentState.ACTIVE : Consent.ConsentState.INACTIVE);
        c.setScope(new CodeableConcept(new Coding(SCOPE, "patient-privacy", "Privacy Consent")));
        c.addCategory(new CodeableConcept(new Coding(LOINC, "59284-0", "Patient Consent")));
        c.setPatient(new Reference("Patient/" + state.patientRef()));
        c.setDateTime(Date.from(state.since()));
        c.addOrganization(new Reference("Organization/" + state.organisation()));
        c.setPolicyRule(new CodeableConcept(new Coding(ACT_CODE, "OPTIN", "opt-in")));
        Consent.ProvisionComponent provision = new Consent.ProvisionComponent();
        provision.setType(Consent.ConsentProvisionType.PERMIT);
        Period period = new Period().setStart(Date.from(state.since()));
        if (!state.active()) {
            period.setEnd(Date.from(state.revokedAt()));
        }
        provision.setPeriod(period);
        provision.addPurpose(new Coding(ACT_REASON, "HRESCH", "healthcare research"));
        for (ConsentProvision p : state.provisions()) {
            Consent.ProvisionComponent nested = provision.addProvision();
            nested.setType(p.permits() ? Consent.ConsentProvisionType.PERMIT : Consent.ConsentProvisionType.DENY);
            if (p.start() != null || p.end() != null) {
                Period within = new Period();
                if (p.start() != null) {
                    within.setStart(Date.from(p.start()));
                }
                if (p.end() != null) {
                    within.setEnd(Date.from(p.end()));
                }
                nested.setPeriod(within);
            }
            for (String organisation : p.organisations()) {
                nested.addActor()
                        .setRole(new CodeableConcept(new Coding(PARTICIPATION, "IRCP", "information recipient")))
                        .setReference(new Reference("Organization/" + organisation));
            }
            for (String code : p.purposes()) {
                nested.addPurpose(new Coding(
                        ACT_REASON,
                        code,
                        PurposeOfUse.ofCode(code).orElseThrow().display()));
            }
        }
        c.setProvision(provision);
        return c;
    }

    /**
     * A search-set Bundle of consents (FHIR R4 §3.1.1.5 search): {@code total} is the number of matches over all
     * pages, and {@code links} (relation → URL, e.g. {@code self}, {@code next}, {@code previous}) become
     * {@code Bundle.link}s in the order given.
     */
    public static Bundle bundle(SearchPage page, Map<String, URI> links) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(Math.toIntExact(page.total()));
        links.forEach((relation, url) -> bundle.addLink().setRelation(relation).setUrl(url.toString()));
        for (PatientConsent s : page.matches()) {
            bundle.addEntry()
                    .setFullUrl(FULL_URL_BASE + "Consent/" + s.id())
                    .setResource(of(s))
                    .getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }
}
