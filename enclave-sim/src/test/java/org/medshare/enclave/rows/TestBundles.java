package org.medshare.enclave.rows;

import java.math.BigDecimal;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.ExplanationOfBenefit;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/** Builds small synthetic FHIR R4 Bundles for tests (no real patient data). */
public final class TestBundles {
    private TestBundles() {}

    /**
     * One patient with {@code claims} claims, each with an encounter, an ICD-10 condition, an EOB and an
     * observation, plus one encounter without a claim.
     */
    public static Bundle patientBundle(
            String patientId,
            AdministrativeGender gender,
            String birthDate,
            String icd10,
            int claims,
            String claimValue,
            String paymentValue,
            String serviceDate) {
        Bundle b = new Bundle();
        b.setType(Bundle.BundleType.COLLECTION);
        Patient p = new Patient();
        p.setId(patientId);
        p.addIdentifier().setSystem("urn:oid:2.16.840.1.113883.4.1").setValue("ssn-" + patientId);
        p.setGender(gender);
        p.setBirthDateElement(new DateType(birthDate));
        b.addEntry().setFullUrl("urn:uuid:" + patientId).setResource(p);
        Reference pref = new Reference("urn:uuid:" + patientId);
        for (int i = 0; i < claims; i++) {
            String enc = patientId + "-enc-" + i;
            Encounter e = new Encounter();
            e.setId(enc);
            e.setStatus(Encounter.EncounterStatus.FINISHED);
            e.setSubject(pref);
            e.setPeriod(new Period().setStartElement(new DateTimeType(serviceDate + "T10:00:00Z")));
            b.addEntry().setFullUrl("urn:uuid:" + enc).setResource(e);
            Condition c = new Condition();
            c.setId(patientId + "-cond-" + i);
            c.setSubject(pref);
            c.setEncounter(new Reference("urn:uuid:" + enc));
            c.setCode(new CodeableConcept()
                    .addCoding(new Coding("http://hl7.org/fhir/sid/icd-10-cm", icd10, null))
                    .addCoding(new Coding("http://snomed.info/sct", "44054006", "Diabetes")));
            b.addEntry().setFullUrl("urn:uuid:" + c.getIdElement().getIdPart()).setResource(c);
            Claim cl = new Claim();
            cl.setId(patientId + "-claim-" + i);
            cl.setStatus(Claim.ClaimStatus.ACTIVE);
            cl.setPatient(pref);
            cl.setBillablePeriod(new Period().setStartElement(new DateTimeType(serviceDate + "T00:00:00Z")));
            cl.addDiagnosis()
                    .setSequence(1)
                    .setDiagnosis(new Reference("urn:uuid:" + c.getIdElement().getIdPart()));
            cl.addItem().setSequence(1).addEncounter(new Reference("urn:uuid:" + enc));
            cl.setTotal(new Money().setValue(new BigDecimal(claimValue)).setCurrency("EUR"));
            b.addEntry().setFullUrl("urn:uuid:" + cl.getIdElement().getIdPart()).setResource(cl);
            ExplanationOfBenefit eob = new ExplanationOfBenefit();
            eob.setId(patientId + "-eob-" + i);
            eob.setPatient(pref);
            eob.setClaim(new Reference("urn:uuid:" + cl.getIdElement().getIdPart()));
            eob.getPayment()
                    .setAmount(
                            new Money().setValue(new BigDecimal(paymentValue)).setCurrency("EUR"));
            b.addEntry()
                    .setFullUrl("urn:uuid:" + eob.getIdElement().getIdPart())
                    .setResource(eob);
            Observation o = new Observation();
            o.setId(patientId + "-obs-" + i);
            o.setSubject(pref);
            o.setValue(new Quantity(7.1));
            b.addEntry().setFullUrl("urn:uuid:" + o.getIdElement().getIdPart()).setResource(o);
        }
        Encounter lone = new Encounter();
        lone.setId(patientId + "-visit");
        lone.setSubject(pref);
        lone.setPeriod(new Period().setStartElement(new DateTimeType(serviceDate + "T09:00:00Z")));
        b.addEntry().setFullUrl("urn:uuid:" + patientId + "-visit").setResource(lone);
        return b;
    }
}
