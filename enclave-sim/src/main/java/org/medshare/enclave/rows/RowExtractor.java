package org.medshare.enclave.rows;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ExplanationOfBenefit;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Extracts analytics rows ({@link AnalyticsRow}, schema in {@code enclave-sim/ROWS.md}) from a FHIR
 * R4 Bundle on the hospital side, before encryption. Uses HAPI FHIR structures R4; the
 * {@link FhirContext} is expensive, so build one and share it ({@link #shared()}).
 *
 * <p>Rules (ROWS.md has the full table):
 * <ul>
 *   <li>One row per {@code Claim}; one row per {@code Encounter} that no Claim of the Bundle refers to
 *       (amounts 0).</li>
 *   <li>Patient: pseudonym = {@link PseudonymKey#pseudonymOf} of the first {@code Patient.identifier}
 *       as {@code system|value}, else of {@code Patient/<id>}; sex from {@code Patient.gender};
 *       age band from {@code Patient.birthDate} at the first day of the service month.</li>
 *   <li>Claim amount: {@code Claim.total}; payment: {@code ExplanationOfBenefit.payment.amount} of the
 *       EOBs whose {@code claim} refers to the Claim (summed), in cents, rounded half-even.</li>
 *   <li>Service month: {@code Claim.billablePeriod.start}, else the first item's serviced date/period,
 *       else {@code Claim.created}; for an Encounter {@code Encounter.period.start}.</li>
 *   <li>ICD-10 codes: codings whose system starts with {@code http://hl7.org/fhir/sid/icd-10}, from
 *       {@code Claim.diagnosis} (concept or referenced Condition), else from the Conditions of the
 *       Claim's encounters ({@code Encounter.diagnosis}, {@code Condition.encounter}); first three
 *       distinct codes kept in order.</li>
 *   <li>Observations carry no row field and are ignored.</li>
 * </ul>
 * Anything the rules cannot map (a reference to a Patient missing from the Bundle, mixed
 * currencies, negative amounts, dates outside 1900-01..2070-08, birth after service) is refused with
 * {@link RowExtractionException}; nothing partial is returned.
 */
public final class RowExtractor {
    private static final String ICD10_SYSTEM_PREFIX = "http://hl7.org/fhir/sid/icd-10";

    private final FhirContext fhir;

    /** Uses the given context (must be R4). */
    public RowExtractor(FhirContext fhir) {
        if (fhir.getVersion().getVersion() != ca.uhn.fhir.context.FhirVersionEnum.R4) {
            throw new IllegalArgumentException("FhirContext must be R4");
        }
        this.fhir = fhir;
    }

    private static final class Holder {
        static final RowExtractor INSTANCE = new RowExtractor(FhirContext.forR4());
    }

    /** A process-wide extractor over one lazily built {@code FhirContext.forR4()}. */
    public static RowExtractor shared() {
        return Holder.INSTANCE;
    }

    /** Parses FHIR R4 JSON (must be a Bundle) and extracts its rows. */
    public List<AnalyticsRow> extract(String bundleJson, int hospitalId, PseudonymKey pseudonymKey)
            throws RowExtractionException {
        Bundle bundle;
        try {
            IParser parser = fhir.newJsonParser();
            bundle = parser.parseResource(Bundle.class, bundleJson);
        } catch (DataFormatException | ClassCastException e) {
            throw new RowExtractionException("not a FHIR R4 Bundle: " + firstLine(e.getMessage()));
        }
        return extract(bundle, hospitalId, pseudonymKey);
    }

    /** Extracts the rows of a parsed Bundle. */
    public List<AnalyticsRow> extract(Bundle bundle, int hospitalId, PseudonymKey pseudonymKey)
            throws RowExtractionException {
        if (hospitalId < 0 || hospitalId > RowLayout.MAX_HOSPITAL) {
            throw new RowExtractionException("hospital id must be within 0.." + RowLayout.MAX_HOSPITAL);
        }
        Index index = new Index(bundle);
        List<AnalyticsRow> rows = new ArrayList<>();
        Set<Encounter> claimedEncounters = new java.util.HashSet<>();
        String[] currency = new String[1];
        for (Resource r : index.resources) {
            if (r instanceof Claim) {
                Claim c = (Claim) r;
                Patient p = index.patient(c.getPatient(), "Claim/" + c.getIdElement().getIdPart());
                List<Encounter> encounters = new ArrayList<>();
                for (Claim.ItemComponent item : c.getItem()) {
                    for (Reference er : item.getEncounter()) {
                        Resource e = index.get(er);
                        if (e instanceof Encounter) {
                            encounters.add((Encounter) e);
                        }
                    }
                }
                claimedEncounters.addAll(encounters);
                int month = yyyymm(claimMonth(c), "Claim " + c.getIdElement().getIdPart());
                int claim = c.hasTotal() ? cents(c.getTotal(), currency, "Claim.total") : 0;
                long pay = 0;
                for (Resource x : index.resources) {
                    if (x instanceof ExplanationOfBenefit) {
                        ExplanationOfBenefit eob = (ExplanationOfBenefit) x;
                        if (index.get(eob.getClaim()) == c && eob.hasPayment() && eob.getPayment().hasAmount()) {
                            pay += cents(eob.getPayment().getAmount(), currency, "ExplanationOfBenefit.payment.amount");
                        }
                    }
                }
                if (pay > Integer.MAX_VALUE) {
                    throw new RowExtractionException("payment total exceeds the row's 32-bit cents range");
                }
                Set<Integer> codes = new LinkedHashSet<>();
                for (Claim.DiagnosisComponent d : c.getDiagnosis()) {
                    if (d.hasDiagnosisCodeableConcept()) {
                        addIcd(d.getDiagnosisCodeableConcept(), codes);
                    } else if (d.hasDiagnosisReference() && index.get(d.getDiagnosisReference()) instanceof Condition) {
                        addIcd(((Condition) index.get(d.getDiagnosisReference())).getCode(), codes);
                    }
                }
                if (codes.isEmpty()) {
                    for (Encounter e : encounters) {
                        encounterCodes(index, e, codes);
                    }
                }
                rows.add(row(p, month, codes, claim, (int) pay, hospitalId, pseudonymKey));
            }
        }
        for (Resource r : index.resources) {
            if (r instanceof Encounter && !claimedEncounters.contains(r)) {
                Encounter e = (Encounter) r;
                Patient p = index.patient(e.getSubject(), "Encounter/" + e.getIdElement().getIdPart());
                if (!e.hasPeriod() || !e.getPeriod().hasStart()) {
                    throw new RowExtractionException("Encounter " + e.getIdElement().getIdPart() + " has no period.start");
                }
                int month = yyyymm(e.getPeriod().getStartElement().getValueAsString(),
                        "Encounter " + e.getIdElement().getIdPart());
                Set<Integer> codes = new LinkedHashSet<>();
                encounterCodes(index, e, codes);
                rows.add(row(p, month, codes, 0, 0, hospitalId, pseudonymKey));
            }
        }
        return List.copyOf(rows);
    }

    private static void encounterCodes(Index index, Encounter e, Set<Integer> codes) {
        for (Encounter.DiagnosisComponent d : e.getDiagnosis()) {
            Resource c = index.get(d.getCondition());
            if (c instanceof Condition) {
                addIcd(((Condition) c).getCode(), codes);
            }
        }
        for (Resource r : index.resources) {
            if (r instanceof Condition && ((Condition) r).hasEncounter() && index.get(((Condition) r).getEncounter()) == e) {
                addIcd(((Condition) r).getCode(), codes);
            }
        }
    }

    private static void addIcd(CodeableConcept cc, Set<Integer> codes) {
        for (Coding coding : cc.getCoding()) {
            if (coding.hasSystem() && coding.getSystem().startsWith(ICD10_SYSTEM_PREFIX) && coding.hasCode()
                    && Icd10.isCode(coding.getCode()) && codes.size() < RowLayout.ICD_SLOTS) {
                codes.add(Icd10.encode(coding.getCode()));
            }
        }
    }

    private static AnalyticsRow row(Patient p, int yyyymm, Set<Integer> codes, int claim, int pay, int hospitalId,
                                    PseudonymKey key) throws RowExtractionException {
        int sex = 0;
        if (p.hasGender()) {
            switch (p.getGender()) {
                case FEMALE: sex = 1; break;
                case MALE: sex = 2; break;
                case OTHER: sex = 3; break;
                default: sex = 0;
            }
        }
        int band = AgeBand.UNKNOWN;
        if (p.hasBirthDateElement() && p.getBirthDateElement().getValueAsString() != null) {
            String bd = p.getBirthDateElement().getValueAsString();
            int by = Integer.parseInt(bd.substring(0, 4));
            int bm = bd.length() >= 7 ? Integer.parseInt(bd.substring(5, 7)) : 1;
            int bday = bd.length() >= 10 ? Integer.parseInt(bd.substring(8, 10)) : 1;
            int sy = yyyymm / 100;
            int sm = yyyymm % 100;
            int age = sy - by - ((sm < bm || (sm == bm && bday > 1)) ? 1 : 0);
            if (age < 0) {
                throw new RowExtractionException("Patient " + p.getIdElement().getIdPart() + " born after a service month");
            }
            band = AgeBand.ofAge(age);
        }
        String ident;
        Identifier id = p.getIdentifierFirstRep();
        if (p.hasIdentifier() && id.hasValue()) {
            ident = (id.hasSystem() ? id.getSystem() : "") + "|" + id.getValue();
        } else if (p.getIdElement().hasIdPart()) {
            ident = "Patient/" + p.getIdElement().getIdPart();
        } else {
            throw new RowExtractionException("Patient has neither identifier nor id");
        }
        int[] icd = codes.stream().mapToInt(Integer::intValue).toArray();
        return AnalyticsRow.of(key.pseudonymOf(ident), band, Sex.ofCode(sex), icd, claim, pay, yyyymm, hospitalId);
    }

    private static String claimMonth(Claim c) throws RowExtractionException {
        if (c.hasBillablePeriod() && c.getBillablePeriod().hasStart()) {
            return c.getBillablePeriod().getStartElement().getValueAsString();
        }
        for (Claim.ItemComponent item : c.getItem()) {
            if (item.hasServicedDateType()) {
                return item.getServicedDateType().getValueAsString();
            }
            if (item.hasServicedPeriod() && item.getServicedPeriod().hasStart()) {
                return item.getServicedPeriod().getStartElement().getValueAsString();
            }
        }
        if (c.hasCreated()) {
            return c.getCreatedElement().getValueAsString();
        }
        throw new RowExtractionException("Claim " + c.getIdElement().getIdPart()
                + " has no billablePeriod.start, item serviced date or created date");
    }

    private static int yyyymm(String fhirDate, String what) throws RowExtractionException {
        if (fhirDate == null || fhirDate.length() < 7) {
            throw new RowExtractionException(what + ": service date must have at least year and month");
        }
        int v;
        try {
            v = Integer.parseInt(fhirDate.substring(0, 4)) * 100 + Integer.parseInt(fhirDate.substring(5, 7));
        } catch (NumberFormatException e) {
            throw new RowExtractionException(what + ": unreadable date");
        }
        if (!ServiceMonth.isValid(v)) {
            throw new RowExtractionException(what + ": service month outside 1900-01..2070-08");
        }
        return v;
    }

    private static int cents(Money m, String[] currency, String what) throws RowExtractionException {
        if (!m.hasValue()) {
            return 0;
        }
        if (m.hasCurrency()) {
            if (currency[0] == null) {
                currency[0] = m.getCurrency();
            } else if (!currency[0].equals(m.getCurrency())) {
                throw new RowExtractionException("mixed currencies in one Bundle (" + what + ")");
            }
        }
        BigDecimal c = m.getValue().movePointRight(2).setScale(0, RoundingMode.HALF_EVEN);
        if (c.signum() < 0 || c.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new RowExtractionException(what + " must be within 0 .. 21474836.47");
        }
        return c.intValueExact();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unparseable";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    /** Resolves Bundle-internal references by fullUrl and by {@code Type/id}. */
    private static final class Index {
        final List<Resource> resources = new ArrayList<>();
        final Map<String, Resource> byRef = new HashMap<>();

        Index(Bundle b) {
            for (Bundle.BundleEntryComponent e : b.getEntry()) {
                Resource r = e.getResource();
                if (r == null) {
                    continue;
                }
                resources.add(r);
                if (e.hasFullUrl()) {
                    byRef.put(e.getFullUrl(), r);
                }
                if (r.getIdElement().hasIdPart()) {
                    byRef.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
                }
            }
        }

        Resource get(Reference ref) {
            if (ref == null || !ref.hasReference()) {
                return null;
            }
            String s = ref.getReference();
            Resource r = byRef.get(s);
            if (r == null && ref.getReferenceElement().hasIdPart() && ref.getReferenceElement().hasResourceType()) {
                r = byRef.get(ref.getReferenceElement().getResourceType() + "/" + ref.getReferenceElement().getIdPart());
            }
            return r;
        }

        Patient patient(Reference ref, String from) throws RowExtractionException {
            Resource r = get(ref);
            if (!(r instanceof Patient)) {
                throw new RowExtractionException(from + " refers to a Patient that is not in the Bundle");
            }
            return (Patient) r;
        }
    }
}
